"""SARIF output validated against the official 2.1.0 schema, plus the DESIGN.md contract."""
from __future__ import annotations

import json
import os

import jsonschema
import pytest

from analyzer.report.sarif import render
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import REPO

# The official OASIS schema, shipped with the tests (source: tests/data/SOURCES.md).
SCHEMA_PATH = os.path.join(REPO, "tests", "data", "sarif-schema-2.1.0.json")


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def sarif_for(project, monkeypatch):
    monkeypatch.chdir(os.path.join(REPO, "fixtures", "projects", project))
    return json.loads(render(scan(["."], ScanOptions(environ={}))))


def test_example_sarif_is_schema_valid_and_complete(schema, monkeypatch):
    log = sarif_for("example", monkeypatch)
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for result in run["results"]:
        assert result["properties"]["tsc"]
        location = result["locations"][0]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not os.path.isabs(physical["artifactLocation"]["uri"])
        assert physical["region"]["startLine"] >= 1
        assert location["logicalLocations"][0]["fullyQualifiedName"]
        assert result["partialFingerprints"]["tfattest/v1"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        props = rule["properties"]
        assert "security-severity" in props and props["tsc"] and "soc2" in props["tags"]
        assert any(t.startswith("tsc:") for t in props["tags"])
        assert rule["help"]["markdown"] and rule["relationships"]
    taxonomies = run["taxonomies"]
    assert [t["name"] for t in taxonomies] == [t["name"] for t in run["tool"]["driver"]["supportedTaxonomies"]]
    for rule in rules:
        for relationship in rule["relationships"]:
            target = relationship["target"]
            component = target["toolComponent"]
            assert taxonomies[component["index"]]["name"] == component["name"]
            assert taxonomies[component["index"]]["taxa"][target["index"]]["id"] == target["id"]
    assert taxonomies[0]["name"] == "SOC 2 TSC 2017"
    assert {t["name"] for t in taxonomies} >= {"ISO/IEC 27001:2022 Annex A", "NIST SP 800-53 Rev. 5"}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_parse_failures_become_notifications(schema, monkeypatch):
    log = sarif_for("broken", monkeypatch)
    jsonschema.Draft4Validator(schema).validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.tf"
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_fingerprints_ignore_line_moves(tmp_path, monkeypatch):
    body = 'resource "aws_ebs_volume" "v" {\n  availability_zone = "a"\n  size = 1\n}\n'
    (tmp_path / "main.tf").write_text(body)
    monkeypatch.chdir(tmp_path)
    first = json.loads(render(scan(["."], ScanOptions(only=("AWS-EBS-001",), environ={}))))
    (tmp_path / "main.tf").write_text("\n\n# moved\n" + body)
    second = json.loads(render(scan(["."], ScanOptions(only=("AWS-EBS-001",), environ={}))))
    fp = [r["partialFingerprints"]["tfattest/v1"] for r in first["runs"][0]["results"]]
    assert fp == [r["partialFingerprints"]["tfattest/v1"] for r in second["runs"][0]["results"]]
    assert first["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert second["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_suppressed_results_carry_justification(schema, tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(
        '# tfattest:ignore AWS-EBS-001 reason="scratch volume, no data" expires=2999-01-01 ticket=SEC-1\n'
        'resource "aws_ebs_volume" "v" {\n  availability_zone = "a"\n  size = 1\n}\n')
    monkeypatch.chdir(tmp_path)
    log = json.loads(render(scan(["."], ScanOptions(only=("AWS-EBS-001",), environ={}))))
    jsonschema.Draft4Validator(schema).validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"][0]["justification"] == "scratch volume, no data"
    assert result["suppressions"][0]["kind"] == "inSource"
