"""Least privilege as a model (analyzer/providers/aws/policy.py): service-wide wildcards,
privilege-escalation action sets, NotAction/NotResource, and conditions classified by key and
operator. Table tests: one row per case."""
from __future__ import annotations

import json

import pytest

from analyzer.evaluate.values import Unknown
from analyzer.providers.aws import policy as P


def doc(*statements) -> P.Policy:
    return P.parse_policy_json(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def allow(action=None, resource="*", **extra):
    statement = {"Effect": "Allow", "Resource": resource, **extra}
    if action is not None:
        statement["Action"] = action
    if statement["Resource"] is None:
        del statement["Resource"]
    return statement


SERVICE_WILDCARD = [
    ("s3:* on *", [allow("s3:*")], True),
    ("several services (terragoat iam.tf)", [allow(["ec2:*", "s3:*", "lambda:*", "cloudwatch:*"])], True),
    ("rds:* on *", [allow("rds:*")], True),
    ("s3:* on one bucket", [allow("s3:*", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])], False),
    ("s3:Get* on *", [allow("s3:Get*")], False),
    ("named actions on *", [allow(["s3:GetObject", "s3:PutObject"])], False),
    ("* on * is admin, reported elsewhere", [allow("*")], False),
    ("s3:* with a condition", [allow("s3:*", Condition={"StringEquals": {"aws:ResourceAccount": "123456789012"}})],
     False),
    ("NotAction on *", [allow(None, NotAction=["iam:*"])], True),
    ("s3:* on NotResource", [allow("s3:*", None, NotResource=["arn:aws:s3:::secret/*"])], True),
    ("Deny s3:*", [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}], False),
    ("wildcard service prefix is not one service", [allow("*:Get*")], False),
]


@pytest.mark.parametrize("name, statements, expected", SERVICE_WILDCARD, ids=[r[0] for r in SERVICE_WILDCARD])
def test_service_wildcard(name, statements, expected):
    assert P.allows_service_wildcard(doc(*statements)).value is expected


def test_service_wildcard_unknown_resource_is_unknown():
    policy = P.Policy((P.Statement(actions=("s3:*",), resources=(Unknown("var.r"),)),))
    assert P.allows_service_wildcard(policy).value is None


ESCALATION = [
    ("PassRole + lambda:CreateFunction", [allow(["iam:PassRole", "lambda:CreateFunction"])], True),
    ("PassRole + lambda in two statements", [allow("iam:PassRole"), allow("lambda:CreateFunction")], True),
    ("PassRole alone", [allow("iam:PassRole")], False),
    ("lambda:CreateFunction alone", [allow("lambda:CreateFunction")], False),
    ("iam:CreateAccessKey", [allow("iam:CreateAccessKey")], True),
    ("iam:AttachUserPolicy", [allow("iam:AttachUserPolicy")], True),
    ("iam:PutUserPolicy", [allow("iam:PutUserPolicy")], True),
    ("iam:CreatePolicyVersion", [allow("iam:CreatePolicyVersion")], True),
    ("iam:SetDefaultPolicyVersion", [allow("iam:SetDefaultPolicyVersion")], True),
    ("iam:UpdateAssumeRolePolicy", [allow("iam:UpdateAssumeRolePolicy")], True),
    ("iam:Put* wildcard", [allow("iam:Put*")], True),
    ("iam:* service wildcard", [allow("iam:*")], True),
    ("PassRole + ec2:RunInstances", [allow(["iam:PassRole", "ec2:RunInstances"])], True),
    ("own user's access keys only", [allow("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}")], False),
    ("read-only IAM", [allow(["iam:Get*", "iam:List*"])], False),
    ("NotAction that excludes iam", [allow(None, NotAction=["iam:*", "lambda:*", "ec2:*", "glue:*"])], False),
    ("NotAction that leaves iam", [allow(None, NotAction=["s3:*"])], True),
    ("denied afterwards", [allow("iam:CreateAccessKey"),
                           {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"}], False),
    ("PassRole with iam:PassedToService condition + lambda",
     [allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
      allow("lambda:CreateFunction")], False),
    ("full admin is reported by AWS-IAM-004", [allow("*")], False),
]


@pytest.mark.parametrize("name, statements, expected", ESCALATION, ids=[r[0] for r in ESCALATION])
def test_privilege_escalation(name, statements, expected):
    assert P.allows_privilege_escalation(doc(*statements)).value is expected


def test_escalation_with_unknown_action_is_unknown():
    policy = P.Policy((P.Statement(actions=(Unknown("var.a"),), resources=("*",)),))
    assert P.allows_privilege_escalation(policy).value is None


# (operator, key, values) -> does it restrict a wildcard-principal grant?
CONDITIONS = [
    # non-restricting
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/deploy"], False),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*"], False),
    ("ArnLike", "aws:SourceArn", ["arn:aws:sns:eu-west-1:*:alerts"], False),
    ("ArnLike", "aws:SourceArn", ["arn:aws:s3:::*"], False),
    ("StringLike", "aws:SourceAccount", ["*"], False),
    ("StringLike", "aws:PrincipalOrgID", ["o-*"], False),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["*/r-ab12/*"], False),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::123456789012:root", "*"], False),  # values are ORed
    ("StringNotEquals", "aws:PrincipalAccount", ["123456789012"], False),
    ("StringEqualsIfExists", "aws:SourceVpce", ["vpce-1a2b3c4d"], False),
    ("StringEquals", "aws:RequestedRegion", ["eu-west-1"], False),
    # restricting
    ("StringEquals", "aws:VpceAccount", ["123456789012"], True),
    ("StringEquals", "aws:VpceOrgID", ["o-a1b2c3d4e5"], True),
    ("ForAnyValue:StringLike", "aws:VpceOrgPaths", ["o-a1b2c3d4e5/r-ab12/*"], True),
    ("StringEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"], True),
    ("StringEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], True),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::123456789012:role/deploy-*"], True),
    ("ArnLike", "aws:SourceArn", ["arn:aws:s3:::my-logs-bucket"], True),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5/*"], True),
    ("StringEquals", "aws:SourceAccount", ["123456789012"], True),
]


@pytest.mark.parametrize("operator, key, values, expected", CONDITIONS,
                         ids=[f"{r[0]} {r[1]} {r[2][0]}" for r in CONDITIONS])
def test_condition_restricts(operator, key, values, expected):
    assert P.condition_restricts((operator, key, tuple(values))).value is expected


def github_trust(operator, key, subject):
    return doc({
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      operator: {key: subject}},
    })


SUB = "token.actions.githubusercontent.com:sub"
GITHUB = [
    # unrestricted (any repository can assume the role)
    ("StringLike", SUB, "repo:myOrg*", True),
    ("StringLike", SUB, "repo:*", True),
    ("StringLike", SUB, "*", True),
    ("StringLike", SUB, "repo:my?rg/app:*", True),
    ("StringEquals", SUB, "workflow:deploy", True),
    ("StringLike", SUB, "workflow:*", True),
    ("StringLike", "token.actions.githubusercontent.com:aud", "sts.amazonaws.com", True),
    # restricted
    ("StringLike", SUB, "repo:myOrg/app:*", False),
    ("StringLike", SUB, "repo:myOrg/*", False),
    ("StringEquals", SUB, "repo:myOrg/app:ref:refs/heads/main", False),
    ("StringLike", "token.actions.githubusercontent.com/my-enterprise:sub", "repo:myOrg/app:*", False),
    ("StringEquals", SUB, "repository_owner_id:12345:repository_id:67890", False),
]


@pytest.mark.parametrize("operator, key, subject, unrestricted", GITHUB, ids=[f"{r[0]} {r[1]} {r[2]}" for r in GITHUB])
def test_github_oidc_subject(operator, key, subject, unrestricted):
    assert P.github_oidc_unrestricted(github_trust(operator, key, subject)).value is unrestricted
