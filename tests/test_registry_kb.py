"""The registry module knowledge base (analyzer/providers/aws/registry_modules): which calls it
answers, that the real source wins, and that every model evaluates cleanly."""
from __future__ import annotations

import os

import pytest

from analyzer.providers.aws import registry_modules as KB
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

VERSIONS = [
    (None, (5,), True),  # no constraint: the newest release
    ("~> 5.0", (4, 5), True),
    ("5.8.1", (4, 5), True),
    ("= 4.11.0", (4, 5), True),
    (">= 3.0", (4, 5), True),  # lower bounds only: the newest release is taken
    (">= 3.0, < 4.0", (4, 5), False),
    ("~> 2.0", (4, 5), False),
    ("3.15.1", (4, 5), False),
]


@pytest.mark.parametrize("constraint, majors, supported", VERSIONS, ids=[str(v[0]) for v in VERSIONS])
def test_version_supported(constraint, majors, supported):
    assert KB.version_supported(constraint, majors) is supported


SOURCES = [
    ("terraform-aws-modules/s3-bucket/aws", "s3-bucket"),
    ("registry.terraform.io/terraform-aws-modules/vpc/aws", "vpc"),
    ("Terraform-AWS-Modules/EKS/AWS", "eks"),
    ("terraform-aws-modules/iam/aws//modules/iam-user", "iam-user"),
    ("terraform-aws-modules/iam/aws//modules/iam-assumable-role", None),  # not modeled
    ("git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git", None),
    ("./modules/vpc", None),
]


@pytest.mark.parametrize("source, name", SOURCES, ids=[s[0] for s in SOURCES])
def test_lookup_by_source(source, name):
    found = KB.lookup(source, None)
    assert (found.name if found else None) == name


def test_eight_modules_are_modeled():
    names = {m.name for m in KB.known_modules().values()}
    assert {"s3-bucket", "vpc", "rds", "security-group", "alb", "eks", "ec2-instance", "iam-user",
            "iam-policy"} <= names


@pytest.mark.parametrize("source", sorted(KB.known_modules()))
def test_every_model_evaluates_with_its_defaults(source, tmp_path):
    (tmp_path / "main.tf").write_text(f'module "m" {{\n  source = "{source}"\n  name = "x"\n}}\n')
    report = scan([str(tmp_path)], ScanOptions(environ={}), BUNDLED)
    assert [p.kind for p in report.problems] == ["module-missing"]
    assert "tfattest's model" in report.problems[0].message
    assert report.resource_count >= 1
    # every result is located in the caller's file, never in the model's
    assert all(r.location.path == "main.tf" for r in report.results if not r.subject == "account")


def test_real_source_from_terraform_init_wins(monkeypatch):
    monkeypatch.chdir(os.path.join(REPO, "fixtures", "projects", "registry_modules"))
    report = scan(["."], ScanOptions(environ={}), BUNDLED)
    addresses = {r.address for r in report.results}
    assert "module.network.aws_ebs_volume.cache" in addresses  # only in the downloaded source
    assert not any(a.startswith("module.network.aws_default_network_acl") for a in addresses)  # the model's
