"""Permissions rules judge a data.aws_iam_policy_document on its own statements (its ``json``
is computed), and leave documents that name principals (trust and resource policies) alone."""
from __future__ import annotations

import pytest

from analyzer.scan import ScanOptions, scan

RULES = ("AWS-IAM-004", "AWS-IAM-012", "AWS-IAM-101", "AWS-IAM-102")

CASES = [
    # (statement body, rule, expected status of data.aws_iam_policy_document.doc)
    ('actions = ["*"]\n resources = ["*"]', "AWS-IAM-004", "fail"),
    ('actions = ["s3:GetObject"]\n resources = ["*"]', "AWS-IAM-004", "pass"),
    ('actions = ["iam:PassRole"]\n resources = ["*"]', "AWS-IAM-012", "fail"),
    ('actions = ["ec2:*"]\n resources = ["*"]', "AWS-IAM-101", "fail"),
    ('actions = ["ec2:*"]\n resources = ["arn:aws:ec2:eu-west-1:123456789012:instance/i-1"]', "AWS-IAM-101", "pass"),
    ('actions = ["iam:AttachUserPolicy"]\n resources = ["*"]', "AWS-IAM-102", "fail"),
    # a key policy: it names principals, so it is not judged as a permissions policy
    ('actions = ["kms:*"]\n resources = ["*"]\n principals {\n type = "AWS"\n'
     ' identifiers = ["arn:aws:iam::123456789012:root"]\n }', "AWS-IAM-101", None),
    ('actions = ["*"]\n resources = ["*"]\n principals {\n type = "Service"\n'
     ' identifiers = ["ec2.amazonaws.com"]\n }', "AWS-IAM-004", None),
]


@pytest.mark.parametrize("body,rule,expected", CASES)
def test_document_judged_on_its_statements(tmp_path, body, rule, expected):
    (tmp_path / "main.tf").write_text(
        f'data "aws_iam_policy_document" "doc" {{\n statement {{\n {body}\n }}\n}}\n', encoding="utf-8")
    report = scan([str(tmp_path)], ScanOptions(environ={}, only=RULES))
    statuses = [r.status for r in report.results
                if r.rule_id == rule and r.address == "data.aws_iam_policy_document.doc"]
    if expected is None:
        assert "fail" not in statuses and "pass" not in statuses
    else:
        assert statuses == [expected]
