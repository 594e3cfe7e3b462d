"""tfattest query: the planned configuration as read-only SQL, and the seed's posture policies."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.query import QueryError, database_for_report, run_query
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

SEED = os.path.join(REPO, "fixtures", "projects", "seed_policies")
SEED_QUERIES = {
    # The seed's three posture policies, as teams write them against synced cloud data.
    "iam users without mfa": """
        SELECT lp.address FROM resources lp WHERE lp.type = 'aws_iam_user_login_profile'
        AND NOT EXISTS (SELECT 1 FROM edges e JOIN resources p ON p.address = e.source
                        WHERE e.target IN (SELECT target FROM edges WHERE source = lp.address)
                          AND json_extract(p."values", '$.policy') LIKE '%aws:MultiFactorAuthPresent%')""",
    "cloudtrail not multi-region with validation": """
        SELECT address FROM aws_cloudtrail
        WHERE (coalesce(is_multi_region_trail, 0) = 0 OR coalesce(enable_log_file_validation, 0) = 0)
          AND NOT EXISTS (SELECT 1 FROM json_each(unknown)
                          WHERE value IN ('is_multi_region_trail', 'enable_log_file_validation'))""",
    "public s3 buckets": """
        SELECT b.address FROM aws_s3_bucket b WHERE NOT EXISTS (
          SELECT 1 FROM aws_s3_bucket_public_access_block p JOIN edges e ON e.source = p.address
          WHERE e.target = b.address AND p.block_public_acls AND p.block_public_policy
            AND p.ignore_public_acls AND p.restrict_public_buckets)""",
}
EXPECTED = {
    "iam users without mfa": [("aws_iam_user_login_profile.contractor",)],
    "cloudtrail not multi-region with validation": [("aws_cloudtrail.regional",)],
    "public s3 buckets": [("aws_s3_bucket.public_site",)],
}


@pytest.fixture(scope="module")
def database():
    return database_for_report(scan([SEED], ScanOptions(environ={}), BUNDLED))


@pytest.mark.parametrize("name", sorted(SEED_QUERIES))
def test_seed_policies_answer_on_the_planned_configuration(database, name):
    _, rows = run_query(database, SEED_QUERIES[name])
    assert sorted(rows) == EXPECTED[name]


@pytest.mark.parametrize("sql", [
    "DELETE FROM resources",
    "INSERT INTO edges VALUES ('a', 'b', 'c')",
    "UPDATE resources SET type = 'x'",
    "DROP TABLE resources",
    "ATTACH DATABASE '/tmp/x.db' AS x",
    "PRAGMA writable_schema = 1",
    "CREATE TABLE t (x)",
    "SELECT load_extension('x')",
])
def test_writes_attach_and_pragmas_are_refused(database, sql):
    with pytest.raises(QueryError):
        run_query(database, sql)
    assert run_query(database, "SELECT count(*) FROM resources")[1][0][0] > 0


def test_runaway_queries_are_stopped(database):
    with pytest.raises(QueryError, match="longer than"):
        run_query(database, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                            "SELECT count(*) FROM c", timeout=0.5)


def test_unknown_values_are_null_and_listed(database):
    _, rows = run_query(database, "SELECT unknown, is_multi_region_trail FROM aws_cloudtrail "
                                  "WHERE address = 'aws_cloudtrail.from_variable'")
    assert rows == [('["is_multi_region_trail"]', None)]


def test_query_command_formats():
    runner = CliRunner()
    result = runner.invoke(main, ["query", "SELECT address FROM aws_cloudtrail ORDER BY address", SEED, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [row["address"] for row in json.loads(result.output)] == [
        "aws_cloudtrail.from_variable", "aws_cloudtrail.main", "aws_cloudtrail.regional"]
    refused = runner.invoke(main, ["query", "DELETE FROM resources", SEED])
    assert refused.exit_code == 2 and "read-only" in refused.output
