"""Plan JSON scans: same rules, .tf source lines, Unknown from after_unknown, the change set."""
from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.evaluate.values import Unknown
from analyzer.load.plan import load_plan
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import REPO

PROJECT = os.path.join(REPO, "fixtures", "projects", "plan_equivalence")
PLANS = ["plan.json", "plan-0.1.json"]


def failures(report):
    return sorted((r.rule_id, r.address) for r in report.results if r.status == "fail")


@pytest.fixture()
def in_project(monkeypatch):
    monkeypatch.chdir(PROJECT)


def decided(report):
    return {(r.rule_id, r.address): r.status for r in report.results
            if r.status in ("pass", "fail") and not r.subject == "account"}


@pytest.mark.parametrize("plan", PLANS)
def test_plan_and_hcl_scans_agree_where_both_are_known(plan, in_project):
    hcl = scan(["."], ScanOptions(environ={}))
    planned = scan(["."], ScanOptions(environ={}, plans=(plan,)))
    assert not [p for p in planned.problems if p.blocking]
    hcl_decided, plan_decided = decided(hcl), decided(planned)
    both = set(hcl_decided) & set(plan_decided)
    assert {k: hcl_decided[k] for k in both} == {k: plan_decided[k] for k in both}
    # where the plan is undecided, it is because the plan marks the value after_unknown
    plan_unknown = {(r.rule_id, r.address) for r in planned.results if r.status == "unknown"}
    assert set(hcl_decided) - set(plan_decided) <= plan_unknown
    starter = {"AWS-S3-002", "AWS-EBS-001", "AWS-CT-002", "AWS-EC2-001"}
    assert [f for f in failures(planned) if f[0] in starter] == [f for f in failures(hcl) if f[0] in starter] != []


@pytest.mark.parametrize("plan", PLANS)
def test_plan_findings_point_at_tf_lines_with_instance_addresses(plan, in_project):
    report = scan([plan], ScanOptions(environ={}))
    found = {(r.rule_id, r.address): (r.region.path, r.region.start_line, r.change_action)
             for r in report.results if r.status == "fail"}
    assert found[("AWS-S3-002", 'module.bucket["data"].aws_s3_bucket.this')] == ("modules/bucket/main.tf", 10, "create")
    assert found[("AWS-EBS-001", "aws_ebs_volume.data[1]")] == ("main.tf", 27, "create")
    assert found[("AWS-EC2-001", "aws_security_group.web")][2] == "replace"
    assert found[("AWS-CT-002", "aws_cloudtrail.main")][2] == "update"


def test_after_unknown_values_are_unknown():
    plan, problems = load_plan(os.path.join(PROJECT, "plan.json"))
    assert not problems
    values = {r.address: r.values for r in plan.resources}
    assert isinstance(values["aws_cloudtrail.main"]["kms_key_id"], Unknown)
    assert isinstance(values['module.bucket["logs"].aws_s3_bucket_public_access_block.this']["bucket"], Unknown)
    assert values["aws_ebs_volume.data[0]"]["encrypted"] is True


def test_deletes_are_recorded_not_checked(in_project):
    report = scan(["plan.json"], ScanOptions(environ={}))
    assert not any(r.address == "aws_db_instance.legacy" for r in report.results)
    actions = {c["address"]: c["action"] for c in report.change_set}
    assert actions["aws_db_instance.legacy"] == "delete"
    assert actions["aws_security_group.web"] == "replace"
    document = json.loads(CliRunner().invoke(main, ["scan", "plan.json", "-f", "json"]).output)
    change = next(c for c in document["change_set"] if c["address"] == "aws_security_group.web")
    assert {"rule_id": "AWS-EC2-001", "status": "fail"} in change["results"]


def test_changed_only_drops_unchanged_resources(tmp_path):
    shutil.copytree(PROJECT, tmp_path / "p")
    path = tmp_path / "p" / "plan.json"
    data = json.loads(path.read_text())
    for change in data["resource_changes"]:
        if change["address"] == "aws_ebs_volume.data[1]":
            change["change"]["actions"] = ["no-op"]
    path.write_text(json.dumps(data))
    everything = scan([str(path)], ScanOptions(environ={}))
    changed = scan([str(path)], ScanOptions(environ={}, changed_only=True))
    assert ("AWS-EBS-001", "aws_ebs_volume.data[1]") in failures(everything)
    assert ("AWS-EBS-001", "aws_ebs_volume.data[1]") not in failures(changed)
    assert all(r.change_action in ("create", "update", "replace") for r in changed.results)


def test_plan_without_sources_points_at_plan_lines(tmp_path, monkeypatch):
    shutil.copy(os.path.join(PROJECT, "plan.json"), tmp_path / "plan.json")
    monkeypatch.chdir(tmp_path)
    report = scan(["plan.json"], ScanOptions(environ={}))
    assert any("sources not found" in p.message for p in report.problems)
    assert not [p for p in report.problems if p.blocking]
    result = next(r for r in report.results if r.address == "aws_ebs_volume.data[1]" and r.rule_id == "AWS-EBS-001")
    assert result.status == "fail" and result.location.path == "plan.json" and result.location.start_line > 1
    # cross-resource rules still work from the plan's configuration references
    s3 = {r.address: r.status for r in report.results if r.rule_id == "AWS-S3-002"}
    assert s3 == {'module.bucket["data"].aws_s3_bucket.this': "fail", 'module.bucket["logs"].aws_s3_bucket.this': "pass"}


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be an object"),
    ('{"format_version": "2.0", "planned_values": {}}', "unsupported plan format_version 2.0"),
    ('{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "x"', "not valid JSON"),
    ('{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"mode": "managed"}]}}}', "malformed plan"),
])
def test_malformed_plans_exit_3_with_clear_message(tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content)
    result = CliRunner().invoke(main, ["scan", "--plan", str(path), str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 3
    assert message in result.output
