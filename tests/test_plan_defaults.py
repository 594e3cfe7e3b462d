"""Provider defaults in plans (load/plan.py): what the configuration leaves unset takes the
default, whether the plan shows it as null or as after_unknown; only configured values known
after apply stay Unknown. fixtures/projects/plan_defaults: a plan as Terraform writes it."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from analyzer.evaluate.values import Unknown
from analyzer.load.plan import load_plan
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

PROJECT = os.path.join(REPO, "fixtures", "projects", "plan_defaults")
RULES = ("AWS-EKS-001", "AWS-EBS-001", "AWS-EC2-002", "AWS-EC2-003", "AWS-OS-001", "AWS-OS-002", "AWS-OS-003",
         "AWS-S3-003", "AWS-SM-001", "AWS-SM-002")
EXPECTED = {
    ("AWS-EKS-001", "aws_eks_cluster.main"): "fail",  # public_access_cidrs default 0.0.0.0/0
    ("AWS-EBS-001", "aws_ebs_volume.data"): "fail",  # encrypted default false
    ("AWS-EC2-002", "aws_instance.web"): "fail",  # http_tokens default optional
    ("AWS-EC2-003", "aws_instance.web"): "fail",  # root volume not encrypted by default
    ("AWS-OS-001", "aws_opensearch_domain.logs"): "fail",
    ("AWS-OS-002", "aws_opensearch_domain.logs"): "fail",
    ("AWS-OS-003", "aws_opensearch_domain.logs"): "fail",  # TLS policy default Policy-Min-TLS-1-0
    ("AWS-S3-003", "aws_s3_bucket.assets"): "fail",  # versioning off by default
    ("AWS-SM-001", "aws_secretsmanager_secret.db"): "fail",  # no rotation: not "set"
    ("AWS-SM-002", "aws_secretsmanager_secret.db"): "pass",  # kms_key_id set to an ARN known after apply
}


def statuses(report):
    return {(r.rule_id, r.address): r.status for r in report.results if r.rule_id in RULES}


def test_plan_alone_applies_provider_defaults(tmp_path):
    shutil.copy(os.path.join(PROJECT, "plan.json"), tmp_path / "plan.json")
    report = scan([str(tmp_path / "plan.json")], ScanOptions(environ={}, only=RULES), BUNDLED)
    assert statuses(report) == EXPECTED


def test_plan_with_sources_and_hcl_agree(monkeypatch):
    monkeypatch.chdir(PROJECT)
    planned = scan(["."], ScanOptions(environ={}, only=RULES, plans=("plan.json",)), BUNDLED)
    assert statuses(planned) == EXPECTED
    assert statuses(scan(["."], ScanOptions(environ={}, only=RULES), BUNDLED)) == EXPECTED


def test_configured_unknown_stays_unknown_and_unset_unknown_becomes_default():
    plan, problems = load_plan(os.path.join(PROJECT, "plan.json"))
    assert not problems
    values = {r.address: r.values for r in plan.resources}
    assert isinstance(values["aws_secretsmanager_secret.db"]["kms_key_id"], Unknown)  # set to an ARN
    assert values["aws_secretsmanager_secret.db"]["rotation_rules"] is None  # unset: no rotation
    assert values["aws_ebs_volume.data"]["encrypted"] is None
    assert values["aws_eks_cluster.main"]["vpc_config"][0]["public_access_cidrs"] is None
    assert values["aws_eks_cluster.main"]["vpc_config"][0]["subnet_ids"] == ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]


def test_plan_without_configuration_cannot_count_unknown_as_set(tmp_path):
    with open(os.path.join(PROJECT, "plan.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    del document["configuration"]
    (tmp_path / "plan.json").write_text(json.dumps(document))
    report = scan([str(tmp_path / "plan.json")], ScanOptions(environ={}, only=("AWS-SM-001", "AWS-SM-002")), BUNDLED)
    assert statuses(report) == {("AWS-SM-001", "aws_secretsmanager_secret.db"): "unknown",
                                ("AWS-SM-002", "aws_secretsmanager_secret.db"): "unknown"}


@pytest.mark.parametrize("expression, planned, expected", [
    ({"constant_value": None}, Unknown(), None),  # `= null`: the default
    ({"references": ["var.x"]}, Unknown(), Unknown()),  # set to something unknown
    ([{"http_tokens": {"constant_value": "required"}}], [{"http_tokens": "required", "http_endpoint": Unknown()}],
     [{"http_tokens": "required", "http_endpoint": None}]),  # nested block: its unset attribute
    ({}, Unknown(), Unknown()),  # an expression with neither constant nor references (a function call)
])
def test_configured_values(expression, planned, expected):
    from analyzer.load.plan import _with_defaults
    assert _with_defaults({"a": planned}, "managed", {"a": expression}) == {"a": expected}


def test_plan_alone_judges_provider_configurations(tmp_path):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    document = {
        "format_version": "1.2", "terraform_version": "1.9.0",
        "variables": {"secret": {"value": secret}, "ci_secret": {"value": "from-ci"}},
        "planned_values": {"root_module": {}}, "resource_changes": [],
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-west-2"},
                                                       "secret_key": {"references": ["var.secret"]}}},
                "aws.ci": {"name": "aws", "alias": "ci",
                           "expressions": {"secret_key": {"references": ["var.ci_secret"]}}},
            },
            "root_module": {"variables": {"secret": {"default": secret}, "ci_secret": {}}},
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(document))
    report = scan([str(tmp_path / "plan.json")], ScanOptions(environ={}, only=("AWS-CRED-001",)), BUNDLED)
    assert {r.address: r.status for r in report.results} == {"provider.aws": "fail", "provider.aws.ci": "pass"}
