"""Framework tags on every rule come from the crosswalk, through the rule's Prowler check ids."""
from __future__ import annotations

import pytest
import yaml

from analyzer.frameworks import (FRAMEWORKS, PROVIDER_CLOUD, derive_frameworks, parse_selector, requirements,
                                 unknown_checks)
from tests.rule_fixtures import all_rules

RULES, _ = all_rules()


def _document(rule) -> dict:
    with open(rule.source_path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_carries_frameworks_generated_from_its_checks(rule):
    document = _document(rule)
    checks = document.get("same_as") or document.get("closest_to")
    assert checks, f"{rule.id}: needs same_as (Prowler checks of the same property) or closest_to"
    assert not unknown_checks(PROVIDER_CLOUD[rule.provider], checks)
    if not document.get("same_as"):
        assert document.get("frameworks_note"), f"{rule.id}: closest_to needs a frameworks_note saying why"
    assert "frameworks" in document, f"{rule.id}: run scripts/gen_frameworks.py"
    expected = derive_frameworks(rule.provider, checks)
    assert {k: list(v) for k, v in rule.frameworks.items()} == expected, "run scripts/gen_frameworks.py"
    for key, ids in rule.frameworks.items():
        assert key in FRAMEWORKS and set(ids) <= set(requirements(key))


def test_derive_maps_slugs_to_requirement_ids():
    tags = derive_frameworks("aws", ["cloudtrail_multi_region_enabled"])
    assert tags["cis_aws_6.0"] == ["4.1"]
    assert "164.312(b)" in tags["hipaa"]
    assert "AU-12(1)" in tags["nist_800_53_r5"]
    assert "CC7.2" in tags["soc2"]


def test_cis_key_follows_the_cloud():
    assert "cis_gcp_5.0" in derive_frameworks("gcp", ["bigquery_dataset_cmk_encryption"])
    assert derive_frameworks("gcp", ["bigquery_dataset_cmk_encryption"])["iso27001_2022"] == ["A.8.11"]


@pytest.mark.parametrize("text, expected", [
    ("iso27001_2022:A.8.24", ("iso27001_2022", "A.8.24")),
    ("cis_aws_6.0:4.1", ("cis_aws_6.0", "4.1")),
    ("iso27001_2022", None),
    ("AWS-S3-002", None),
    ("nope:1", None),
])
def test_selector(text, expected):
    assert parse_selector(text) == expected


def test_scan_with_a_framework_shows_its_requirement_ids_in_every_format(tmp_path):
    import json
    import os

    from click.testing import CliRunner

    from analyzer.cli import main
    from tests.rule_fixtures import REPO

    example = os.path.join(REPO, "fixtures", "projects", "example")
    runner = CliRunner()
    text = runner.invoke(main, ["scan", example, "--framework", "iso27001_2022", "--only", "AWS-EC2-001"])
    assert text.exit_code == 1 and "iso27001_2022 A.8.20" in text.output
    markdown = runner.invoke(main, ["scan", example, "--framework", "iso27001_2022", "--only", "AWS-EC2-001",
                                    "-f", "markdown"])
    assert "iso27001_2022 A.8.20" in markdown.output
    report = json.loads(runner.invoke(main, ["scan", example, "--framework", "iso27001_2022", "--only",
                                             "AWS-EC2-001", "-f", "json"]).output)
    assert report["options"]["framework"] == "iso27001_2022"
    assert "A.8.20" in report["rules"][0]["frameworks"]["iso27001_2022"]
    bad = runner.invoke(main, ["scan", example, "--framework", "iso27001"])
    assert bad.exit_code == 2 and "did you mean iso27001_2022" in bad.output


def test_only_selects_by_framework_requirement():
    from analyzer.rules.select import select_rules

    chosen = select_rules(RULES, only=("cis_aws_6.0:4.1",))
    assert chosen and all("4.1" in r.frameworks["cis_aws_6.0"] for r in chosen)
    assert {r.provider for r in select_rules(RULES, only=("cis_gcp_5.0",))} == {"gcp"}


def test_rules_command_lists_rules_per_requirement():
    from click.testing import CliRunner

    from analyzer.cli import main

    result = CliRunner().invoke(main, ["rules", "--framework", "cis_azure_6.0"])
    assert result.exit_code == 0 and "requirements covered" in result.output
    assert "AZURE-" in result.output and "AWS-" not in result.output
