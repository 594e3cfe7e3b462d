"""CLI behaviour and exit codes (0 clean, 1 findings, 2 usage, 3 incomplete), with click's CliRunner."""
from __future__ import annotations

import json
import os

from click.testing import CliRunner

from analyzer.cli import main
from tests.rule_fixtures import REPO

EXAMPLE = os.path.join(REPO, "fixtures", "projects", "example")
BROKEN = os.path.join(REPO, "fixtures", "projects", "broken")
CLEAN = os.path.join(REPO, "fixtures", "rules", "AWS-CT-002", "pass")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_findings_exit_1_and_text_names_tsc():
    result = run("scan", EXAMPLE)
    assert result.exit_code == 1
    assert "AWS-S3-002" in result.output and "TSC CC6.1, CC6.6" in result.output
    assert "by TSC criterion:" in result.output


def test_clean_scan_exits_0():
    result = run("scan", CLEAN, "--only", "AWS-CT-002")
    assert result.exit_code == 0, result.output


def test_fail_on_threshold():
    assert run("scan", EXAMPLE, "--fail-on", "critical").exit_code == 1  # the SSH rule is critical
    assert run("scan", EXAMPLE, "--fail-on", "critical", "--skip", "AWS-EC2-001").exit_code == 0
    assert run("scan", EXAMPLE, "--fail-on", "none").exit_code == 0


def test_only_accepts_tsc_and_control():
    by_tsc = json.loads(run("scan", EXAMPLE, "--only", "CC7.2", "-f", "json").output)
    assert by_tsc["rules"] and all("CC7.2" in r["tsc"] for r in by_tsc["rules"])
    assert {r["rule_id"] for r in by_tsc["results"]} <= {r["id"] for r in by_tsc["rules"]}
    by_control = json.loads(run("scan", EXAMPLE, "--only", "public-exposure", "-f", "json").output)
    assert {r["control"] for r in by_control["rules"]} == {"public-exposure"}


def test_broken_input_exits_3_even_with_findings():
    result = run("scan", BROKEN)
    assert result.exit_code == 3
    assert "broken.tf:3" in result.output and "AWS-S3-002" in result.output


def test_usage_errors_exit_2():
    assert run("scan", "/definitely/not/here").exit_code == 2
    assert run("scan", EXAMPLE, "--format", "xml").exit_code == 2
    assert run("scan", EXAMPLE, "--var", "novalue").exit_code == 2


def test_var_flag_overrides_tfvars():
    result = run("scan", EXAMPLE, "--var", "admin_cidrs=[\"10.0.0.0/8\"]", "--only", "AWS-EC2-001")
    assert result.exit_code == 0, result.output


def test_unknown_fail_mode_turns_unknowns_into_failures(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {}\nresource "aws_cloudtrail" "t" {\n'
                                      '  name = "t"\n  s3_bucket_name = "b"\n  enable_log_file_validation = var.x\n}\n')
    assert run("scan", str(tmp_path), "--only", "AWS-CT-002").exit_code == 0
    assert run("scan", str(tmp_path), "--only", "AWS-CT-002", "--unknown", "fail").exit_code == 1
    assert "UNKNOWN" in run("scan", str(tmp_path), "--only", "AWS-CT-002").output


def test_output_file_and_formats(tmp_path):
    for fmt in ("json", "sarif", "markdown", "text"):
        target = tmp_path / f"out.{fmt}"
        result = run("scan", EXAMPLE, "-f", fmt, "-o", str(target))
        assert result.exit_code == 1
        assert target.read_text(encoding="utf-8").strip()


def test_rules_command_lists_tsc_and_filters():
    result = run("rules", "--tsc", "CC6.6", "--format", "json")
    assert result.exit_code == 0
    rules = json.loads(result.output)
    assert rules and all("CC6.6" in r["tsc"] for r in rules)
    assert "AWS-S3-002" in run("rules", "--provider", "aws").output


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "tfattest" in result.output


def test_single_file_scan_keeps_module_context():
    target = os.path.join(EXAMPLE, "main.tf")
    report = json.loads(run("scan", target, "-f", "json").output)
    paths = {r["location"]["path"] for r in report["results"]}
    assert paths == {os.path.relpath(target, os.getcwd()).replace(os.sep, "/")}
    # the trail's value came from variables.tf + terraform.tfvars, which were not named on the command line
    assert any(r["rule_id"] == "AWS-CT-001" and r["status"] == "fail" for r in report["results"])


def test_changed_tfvars_file_reports_its_whole_module():
    report = json.loads(run("scan", os.path.join(EXAMPLE, "terraform.tfvars"), "-f", "json").output)
    assert any(r["rule_id"] == "AWS-EC2-001" and r["status"] == "fail" for r in report["results"])


def test_parse_cache_is_keyed_by_content(tmp_path, monkeypatch):
    from analyzer.load.files import parse_file
    monkeypatch.setenv("TFATTEST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TFATTEST_NO_CACHE", raising=False)
    source = tmp_path / "main.tf"
    source.write_text('resource "a" "b" {\n  x = 1\n}\n')
    first = parse_file(str(source))
    assert list((tmp_path / "cache").rglob("*.pickle"))
    assert parse_file(str(source)) == first
    source.write_text('resource "a" "b" {\n  x = 2\n}\n')
    assert parse_file(str(source)).blocks[0].attributes["x"].expr.value == 2


def test_opt_in_rules_run_only_when_named(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    default = json.loads(run("scan", str(tmp_path), "-f", "json").output)
    assert "AWS-S3-005" not in {r["id"] for r in default["rules"]}
    enabled = json.loads(run("scan", str(tmp_path), "-f", "json", "--enable", "AWS-S3-005").output)
    assert any(r["rule_id"] == "AWS-S3-005" and r["status"] == "fail" for r in enabled["results"])
    by_control = json.loads(run("scan", str(tmp_path), "-f", "json", "--only", "encryption-at-rest").output)
    assert "AWS-S3-005" not in {r["id"] for r in by_control["rules"]}


def test_json_report_matches_its_published_schema(tmp_path):
    import jsonschema

    schema_path = os.path.join(REPO, "analyzer", "report", "json-report.schema.json")
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    for target in (EXAMPLE, BROKEN, os.path.join(REPO, "fixtures", "projects", "plan_equivalence", "plan.json")):
        jsonschema.Draft7Validator(schema).validate(json.loads(run("scan", target, "-f", "json").stdout))


def test_output_extension_picks_the_format(tmp_path):
    target = tmp_path / "report.sarif"
    run("scan", EXAMPLE, "-o", str(target))
    assert json.loads(target.read_text())["version"] == "2.1.0"
