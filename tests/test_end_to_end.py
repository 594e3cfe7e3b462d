"""End-to-end projects under fixtures/projects/: exact failures with file and line."""
from __future__ import annotations

import json
import os

import pytest

from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import REPO

PROJECTS = os.path.join(REPO, "fixtures", "projects")
CASES = sorted(d for d in os.listdir(PROJECTS) if os.path.isfile(os.path.join(PROJECTS, d, "expected.json")))


@pytest.mark.parametrize("case", CASES)
def test_project_fails_exactly_as_expected(case, monkeypatch):
    root = os.path.join(PROJECTS, case)
    monkeypatch.chdir(root)
    with open("expected.json", encoding="utf-8") as handle:
        expected = json.load(handle)
    report = scan(["."], ScanOptions(environ={}, **expected.get("options", {})))
    assert [p.message for p in report.problems] == expected.get("problems", [])
    failures = sorted(({"rule": r.rule_id, "address": r.address, "path": r.region.path, "line": r.region.start_line}
                       for r in report.results if r.status == "fail"),
                      key=lambda f: (f["rule"], f["address"]))
    assert failures == sorted(expected["fail"], key=lambda f: (f["rule"], f["address"]))
    for address in expected.get("pass", []):
        assert any(r.address == address and r.status == "pass" for r in report.results), address
    for address in expected.get("unknown", []):
        assert any(r.address == address and r.status == "unknown" for r in report.results), address


def test_tfvars_change_the_outcome(monkeypatch):
    monkeypatch.chdir(os.path.join(PROJECTS, "example"))
    report = scan(["."], ScanOptions(environ={}, cli_vars=("multi_region_trail=true",)))
    trail = [r for r in report.results if r.rule_id == "AWS-CT-001"]
    assert [r.status for r in trail] == ["pass"]


def test_broken_file_is_reported_and_good_files_still_scanned(monkeypatch):
    monkeypatch.chdir(os.path.join(PROJECTS, "broken"))
    report = scan(["."], ScanOptions(environ={}))
    assert [(p.path, p.line, p.kind) for p in report.problems] == [("broken.tf", 3, "parse-error")]
    assert any(r.status == "fail" and r.location.path == "good.tf" for r in report.results)


def test_presence_rules_see_the_whole_scan_once(tmp_path):
    (tmp_path / "logging").mkdir()
    (tmp_path / "security").mkdir()
    (tmp_path / "logging" / "main.tf").write_text(
        'provider "aws" {}\nresource "aws_cloudtrail" "org" {\n  name = "org"\n  s3_bucket_name = "logs"\n'
        '  is_multi_region_trail = true\n}\n')
    (tmp_path / "security" / "main.tf").write_text('resource "aws_guardduty_detector" "main" {}\n')
    options = ScanOptions(environ={}, only=("AWS-CT-005", "AWS-GD-001"), account_scope=True)
    report = scan([str(tmp_path)], options)
    statuses = sorted((r.rule_id, r.status, r.location.path.endswith("logging/main.tf")) for r in report.results)
    assert statuses == [("AWS-CT-005", "pass", True), ("AWS-GD-001", "pass", True)]
    without_scope = scan([str(tmp_path)], ScanOptions(environ={}, only=("AWS-CT-005",)))
    assert [r.status for r in without_scope.results] == ["not-applicable"]
