"""What a scan did not check, and suppressions that suppressed nothing, reach every output."""
from __future__ import annotations

import json
import os

import jsonschema

from analyzer.report.json_report import to_dict
from analyzer.report.sarif import render as render_sarif
from analyzer.report.text import render as render_text
from analyzer.rules.coverage import not_checked
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

JSON_SCHEMA = os.path.join(REPO, "analyzer", "report", "json-report.schema.json")
SARIF_SCHEMA = os.path.join(REPO, "tests", "data", "sarif-schema-2.1.0.json")


def _report(tmp_path, text, **options):
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return scan([str(tmp_path)], ScanOptions(environ={}, **options), BUNDLED)


MIXED = ('resource "azurerm_resource_group" "g" {\n  name = "g"\n}\n'
         'resource "aws_appconfig_application" "a" {\n  name = "a"\n}\n'
         'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
         '# tfattest:ignore AWS-S3-002 reason="nothing to suppress here"\n'
         'resource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n}\n')


def test_not_checked_by_provider_and_type(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = _report(tmp_path, MIXED, only=("aws",))
    by_key = {(n["provider"], n["type"]): n for n in report.not_checked}
    assert by_key[("azurerm", None)]["message"].startswith("1 azurerm resource in 1 file: no rules for provider azurerm")
    assert ("aws", "aws_appconfig_application") in by_key
    assert not any(n["type"] in ("aws_s3_bucket", "aws_s3_bucket_versioning") for n in report.not_checked)
    assert "note: 1 azurerm resource" in render_text(report)


def test_related_types_count_as_covered():
    rules = [r for r in BUNDLED.rules if r.id == "AWS-S3-002"]

    class R:  # the few fields coverage reads
        def __init__(self, type_name):
            self.type, self.mode = type_name, "managed"
            self.location = type("L", (), {"path": "main.tf"})()

    notes = not_checked(rules, [R("aws_s3_bucket_public_access_block"), R("aws_s3_bucket"), R("aws_kms_key")])
    assert [n["type"] for n in notes] == ["aws_kms_key"]


def test_json_and_sarif_carry_notes_and_stale_suppressions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = _report(tmp_path, MIXED, only=("AWS-S3-002",))
    document = to_dict(report)
    with open(JSON_SCHEMA, encoding="utf-8") as handle:
        jsonschema.Draft7Validator(json.load(handle)).validate(document)
    assert [s["source"] for s in document["stale_suppressions"]] == ["main.tf:10"]
    assert document["not_checked"] and document["complete"] is True
    log = json.loads(render_sarif(report))
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        jsonschema.Draft4Validator(json.load(handle)).validate(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["level"] == "note" and "no rules for provider azurerm" in n["message"]["text"] for n in notes)
    assert any(n["level"] == "warning" and "stale" in n["message"]["text"] for n in notes)
