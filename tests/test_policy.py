"""IAM policy normalization (analyzer/providers/aws/policy.py) and the IAM predicates."""
from __future__ import annotations

import json

import pytest

from analyzer.providers.aws import policy as P
from analyzer.evaluate.values import Unknown
from analyzer.model import CheckContext as Context
from analyzer.providers.aws import PREDICATES as AWS_PREDICATES
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts as scope

UNKNOWN = Unknown("var.x has no value (no default, tfvars or -var)")
COMPUTED = Unknown("aws_s3_bucket.b.arn is known only after apply", origin="aws_s3_bucket.b.arn")




def doc(*statements) -> P.Policy:
    return P.parse_policy_json(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def stmt(**fields) -> P.Statement:
    defaults = {"effect": "Allow", "actions": ("*",), "resources": ("*",)}
    return P.Statement(**{**defaults, **fields})


# --- the four spellings ------------------------------------------------------------

FOUR_SPELLINGS = {
    "main.tf": '''
        resource "aws_iam_policy" "encoded" {
          name = "encoded"
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Sid      = "Admin"
              Effect   = "Allow"
              Action   = "*"
              Resource = "*"
            }, {
              Sid       = "Tls"
              Effect    = "Deny"
              Principal = "*"
              Action    = ["s3:*"]
              Resource  = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
              Condition = { Bool = { "aws:SecureTransport" = false } }
            }]
          })
        }

        resource "aws_iam_policy" "heredoc" {
          name   = "heredoc"
          policy = <<EOT
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "Tls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
             "Resource": ["arn:aws:s3:::${local.bucket}/*", "arn:aws:s3:::${local.bucket}"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
          ]
        }
        EOT
        }

        locals {
          bucket = "b"
        }

        resource "aws_iam_policy" "file" {
          name   = "file"
          policy = file("policy.json")
        }

        data "aws_iam_policy_document" "doc" {
          statement {
            sid       = "Admin"
            actions   = ["*"]
            resources = ["*"]
          }
          statement {
            sid    = "Tls"
            effect = "Deny"
            principals {
              type        = "*"
              identifiers = ["*"]
            }
            actions   = ["s3:*"]
            resources = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
            condition {
              test     = "Bool"
              variable = "aws:SecureTransport"
              values   = ["false"]
            }
          }
        }

        resource "aws_iam_policy" "document" {
          name   = "document"
          policy = data.aws_iam_policy_document.doc.json
        }
    ''',
    "policy.json": '''
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Admin", "Effect": "Allow", "Action": ["*"], "Resource": "*"},
          {"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
           "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    ''',
}


def test_four_spellings_give_the_same_policy(tmp_path):
    contexts = scope(tmp_path, FOUR_SPELLINGS)
    policies = {name: P.policy_for(contexts[f"aws_iam_policy.{name}"], "policy")
                for name in ("encoded", "heredoc", "file", "document")}
    assert all(isinstance(p, P.Policy) for p in policies.values()), policies
    first = policies["encoded"]
    assert all(p == first for p in policies.values()), policies
    assert [s.sid for s in first.statements] == ["Admin", "Tls"]
    assert first.statements[1].principals == {"AWS": ("*",)}
    assert first.statements[1].conditions == (("Bool", "aws:SecureTransport", ("false",)),)
    assert P.allows_admin(first).value is True
    assert P.denies_insecure_transport(first).value is True


def test_unknown_json_and_missing_attribute(tmp_path):
    contexts = scope(tmp_path, {"main.tf": '''
        variable "arn" {}
        variable "policy" {}
        resource "aws_iam_policy" "partly" {
          name = "u"
          policy = jsonencode({Statement = [{Effect = "Allow", Action = "*", Resource = var.arn}]})
        }
        resource "aws_iam_policy" "unknown" {
          name   = "v"
          policy = var.policy
        }
        resource "aws_iam_role" "none" {
          name = "r"
        }
    '''})
    assert isinstance(P.policy_for(contexts["aws_iam_policy.unknown"], "policy"), Unknown)
    assert P.allows_admin(P.policy_for(contexts["aws_iam_policy.unknown"], "policy")).value is None
    partly = P.policy_for(contexts["aws_iam_policy.partly"], "policy")
    assert isinstance(partly.statements[0].resources[0], Unknown)
    assert P.allows_admin(partly).value is None
    assert P.policy_for(contexts["aws_iam_role.none"], "assume_role_policy") is None


def test_document_with_unknown_leaves_and_inline_policy_blocks(tmp_path):
    contexts = scope(tmp_path, {"main.tf": '''
        resource "aws_s3_bucket" "b" {
          bucket = "b"
        }
        data "aws_iam_policy_document" "read" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["${aws_s3_bucket.b.arn}/*"]
          }
        }
        data "aws_iam_policy_document" "admin" {
          for_each = toset(["a"])
          statement {
            actions   = ["*"]
            resources = ["*"]
          }
        }
        resource "aws_iam_role" "r" {
          name               = "r"
          assume_role_policy = "{}"
          inline_policy {
            name   = "read"
            policy = data.aws_iam_policy_document.read.json
          }
          inline_policy {
            name   = "admin"
            policy = data.aws_iam_policy_document.admin["a"].json
          }
        }
    '''})
    ctx = contexts["aws_iam_role.r"]
    combined = P.policy_for(ctx, "inline_policy.policy")
    assert isinstance(combined, P.Policy) and len(combined.statements) == 2
    read, admin = (Context(element, ctx.resource, ctx.graph, ctx.by_type) for element in ctx.values["inline_policy"])
    read_policy = P.policy_for(read, "policy")
    assert read_policy.statements[0].actions == ("s3:GetObject",)
    assert isinstance(read_policy.statements[0].resources[0], Unknown)
    assert P.allows_admin(read_policy).value is False
    assert P.allows_admin(P.policy_for(admin, "policy")).value is True
    assert P.allows_admin(combined).value is True


def test_source_and_override_documents_merge_by_sid(tmp_path):
    contexts = scope(tmp_path, {"main.tf": '''
        data "aws_iam_policy_document" "base" {
          statement {
            sid       = "Wide"
            actions   = ["*"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "narrow" {
          statement {
            sid       = "Wide"
            actions   = ["s3:ListBucket"]
            resources = ["arn:aws:s3:::b"]
          }
        }
        data "aws_iam_policy_document" "merged" {
          source_policy_documents   = [data.aws_iam_policy_document.base.json]
          override_policy_documents = [data.aws_iam_policy_document.narrow.json]
        }
        resource "aws_iam_policy" "p" {
          name   = "p"
          policy = data.aws_iam_policy_document.merged.json
        }
    '''})
    policy = P.policy_for(contexts["aws_iam_policy.p"], "policy")
    assert [s.actions for s in policy.statements] == [("s3:ListBucket",)]
    assert P.allows_admin(policy).value is False


@pytest.mark.parametrize("text, expected", [
    ('{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}', ("s3:GetObject",)),
    ('{"statement": [{"effect": "allow", "action": ["b:X", "a:Y"], "resource": "*"}]}', ("a:Y", "b:X")),
])
def test_lenient_shapes(text, expected):
    policy = P.parse_policy_json(text)
    assert policy.statements[0].actions == expected
    assert policy.statements[0].effect == "Allow"


@pytest.mark.parametrize("text", ["not json", "[1, 2]", UNKNOWN])
def test_unreadable_policy_is_unknown(text):
    assert isinstance(P.parse_policy_json(text), Unknown)


# --- action matching --------------------------------------------------------------

@pytest.mark.parametrize("pattern, action, expected", [
    ("s3:Get*", "s3:GetObject", True),
    ("s3:get*", "S3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("iam:Pass?ole", "iam:PassRole", True),
    ("*", "iam:PassRole", True),
    ("iam:*", "iam:PassRole", True),
    ("ec2:*", "iam:PassRole", False),
])
def test_action_matches(pattern, action, expected):
    assert P.action_matches(pattern, action) is expected


@pytest.mark.parametrize("pattern, expected", [("*", True), ("s3:*", True), ("*:*", True), ("S3:*", True),
                                               ("s3:Get*", False), ("ec2:*", False)])
def test_covers_service(pattern, expected):
    assert P.covers_service(pattern, "s3") is expected


# --- helpers: true / false / unknown ----------------------------------------------

@pytest.mark.parametrize("policy, expected", [
    (P.Policy((stmt(),)), True),
    (P.Policy((stmt(actions=("*:*",)),)), True),
    (P.Policy((stmt(effect="Deny"),)), False),
    (P.Policy((stmt(actions=("s3:*",)),)), False),
    (P.Policy((stmt(resources=("arn:aws:s3:::b",)),)), False),
    (P.Policy((stmt(not_actions=("iam:*",), actions=()),)), False),
    (P.Policy((stmt(actions=(UNKNOWN,)),)), None),
    (P.Policy((stmt(resources=(COMPUTED,)),)), False),  # an ARN is never "*"
    (P.Policy((stmt(resources=(UNKNOWN,)),)), None),
    (P.Policy((stmt(effect=UNKNOWN),)), None),
    (P.Policy((UNKNOWN, stmt())), True),
    (P.Policy((UNKNOWN,)), None),
    (UNKNOWN, None),
    (None, False),
])
def test_allows_admin(policy, expected):
    assert P.allows_admin(policy).value is expected


@pytest.mark.parametrize("policy, expected", [
    (P.Policy((stmt(actions=("iam:PassRole",)),)), True),
    (P.Policy((stmt(actions=("iam:*",)),)), True),
    (P.Policy((stmt(actions=("iam:PassRole",), resources=("arn:aws:iam::1:role/x",)),)), False),
    (P.Policy((stmt(),)), False),  # full admin is the other rule's finding
    (P.Policy((stmt(actions=(UNKNOWN,)),)), None),
])
def test_allows_pass_role_on_all(policy, expected):
    assert P.allows_action_on_all_resources(policy, "iam:PassRole").value is expected


PUBLIC = {"AWS": ("*",)}


@pytest.mark.parametrize("policy, expected", [
    (P.Policy((stmt(principals=PUBLIC),)), True),
    (doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}), True),
    (P.Policy((stmt(principals={"AWS": ("arn:aws:iam::123456789012:root",)}),)), False),
    (P.Policy((stmt(principals={"Service": ("sns.amazonaws.com",)}),)), False),
    (P.Policy((stmt(effect="Deny", principals=PUBLIC),)), False),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("ArnEquals", "aws:SourceArn", ("arn:aws:sns:x",)),)),)), False),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("StringEquals", "AWS:SourceOwner", (COMPUTED,)),)),)), False),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("StringNotEquals", "aws:SourceVpce", ("vpce-1",)),)),)), True),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("StringEqualsIfExists", "aws:SourceVpce", ("vpce-1",)),)),)), True),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("IpAddress", "aws:SourceIp", ("0.0.0.0/0",)),)),)), True),
    (P.Policy((stmt(principals=PUBLIC, conditions=(("Bool", "aws:SecureTransport", ("true",)),)),)), True),
    (P.Policy((stmt(not_principals={"AWS": ("arn:aws:iam::1:root",)}),)), True),
    (P.Policy((stmt(principals={"AWS": (UNKNOWN,)}),)), None),
    (P.Policy((stmt(principals={"AWS": (COMPUTED,)}),)), False),
    (P.Policy((stmt(principals=UNKNOWN),)), None),
    (P.Policy((stmt(principals=PUBLIC, conditions=UNKNOWN),)), None),
    (None, False),
])
def test_wildcard_principal_allows(policy, expected):
    assert P.wildcard_principal_allows(policy).value is expected


def test_extra_restricting_keys():
    policy = P.Policy((stmt(principals=PUBLIC, conditions=(("StringEquals", "sts:ExternalId", ("x",)),)),))
    assert P.wildcard_principal_allows(policy).value is True
    assert P.wildcard_principal_allows(policy, extra_keys=("sts:ExternalId",)).value is False


TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


@pytest.mark.parametrize("policy, expected", [
    (doc(TLS_DENY), True),
    (doc({**TLS_DENY, "Condition": {"BoolIfExists": {"aws:securetransport": False}}}), True),
    (doc({**TLS_DENY, "Action": "*"}), True),
    (doc({key: value for key, value in TLS_DENY.items() if key != "Action"} | {"NotAction": "iam:*"}), True),
    (doc({key: value for key, value in TLS_DENY.items() if key != "Action"} | {"NotAction": "s3:Get*"}), False),
    (doc({**TLS_DENY, "Action": "s3:GetObject"}), False),
    (doc({**TLS_DENY, "Effect": "Allow"}), False),
    (doc({**TLS_DENY, "Principal": {"AWS": "arn:aws:iam::1:root"}}), False),
    (doc({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}), False),
    (P.Policy((stmt(effect="Deny", actions=("s3:*",), principals=PUBLIC,
                    conditions=(("Bool", "aws:SecureTransport", (UNKNOWN,)),)),)), None),
    (P.Policy((stmt(effect="Deny", actions=("s3:*",), principals=PUBLIC, conditions=UNKNOWN),)), None),
    (UNKNOWN, None),
    (None, False),
])
def test_denies_insecure_transport(policy, expected):
    assert P.denies_insecure_transport(policy).value is expected


FORCE_MFA = {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
             "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"],
             "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}


@pytest.mark.parametrize("policy, expected", [
    (doc(FORCE_MFA), True),
    (doc({**FORCE_MFA, "Condition": {"Null": {"aws:MultiFactorAuthAge": "true"}}}), True),
    (doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}), True),
    (doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
          "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}), True),
    (doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
          "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}), False),
    (doc({**FORCE_MFA, "Effect": "Allow"}), False),
    (doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), False),
    (P.Policy((stmt(effect="Deny", not_actions=("iam:*",), actions=(),
                    conditions=(("BoolIfExists", "aws:MultiFactorAuthPresent", (UNKNOWN,)),)),)), None),
    (UNKNOWN, None),
])
def test_requires_mfa(policy, expected):
    assert P.requires_mfa(policy).value is expected


GITHUB = {"Federated": ("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",)}
AUD = ("StringEquals", "token.actions.githubusercontent.com:aud", ("sts.amazonaws.com",))


@pytest.mark.parametrize("policy, expected", [
    (P.Policy((stmt(principals=GITHUB, conditions=(AUD,)),)), True),
    (P.Policy((stmt(principals=GITHUB, conditions=(
        AUD, ("StringLike", "token.actions.githubusercontent.com:sub", ("repo:*",)))),)), True),
    (P.Policy((stmt(principals=GITHUB, conditions=(
        AUD, ("StringLike", "token.actions.githubusercontent.com:sub", ("repo:acme/app:*",)))),)), False),
    (P.Policy((stmt(principals={"Federated": (COMPUTED,)}, conditions=(AUD,)),)), True),
    (P.Policy((stmt(principals={"Federated": (COMPUTED,)}, conditions=(
        ("StringEquals", "oidc.eks.eu-west-1.amazonaws.com/id/X:sub", ("system:serviceaccount:a:b",)),)),)), False),
    (P.Policy((stmt(principals={"Federated": (COMPUTED,)}),)), None),
    (P.Policy((stmt(principals={"Service": ("ec2.amazonaws.com",)}),)), False),
    (P.Policy((stmt(principals=GITHUB, conditions=(
        AUD, ("StringLike", "token.actions.githubusercontent.com:sub", (UNKNOWN,)))),)), False),
])
def test_github_oidc_unrestricted(policy, expected):
    assert P.github_oidc_unrestricted(policy).value is expected


# --- predicates ---------------------------------------------------------------------

def test_predicates_are_registered():
    for name in AWS_PREDICATES:
        assert PREDICATES[f"aws.{name}"] is AWS_PREDICATES[name]


def test_policy_predicates_report_attribute_and_evidence(tmp_path):
    contexts = scope(tmp_path, FOUR_SPELLINGS)
    verdict = PREDICATES["aws.policy_allows_admin"](contexts["aws_iam_policy.document"], {"attr": "policy"})
    assert verdict.value is True and verdict.attr == "policy" and '"*"' in verdict.evidence
    verdict = PREDICATES["aws.policy_denies_insecure_transport"](contexts["aws_iam_policy.file"], {"attr": "nothing"})
    assert verdict.value is False


MFA_POLICY = '''
data "aws_iam_policy_document" "force_mfa" {
  statement {
    sid         = "DenyAllExceptListedIfNoMFA"
    effect      = "Deny"
    not_actions = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"]
    resources   = ["*"]
    condition {
      test     = "BoolIfExists"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["false"]
    }
  }
}
'''


@pytest.mark.parametrize("body, expected", [
    # inline user policy by reference
    ('''resource "aws_iam_user_policy" "mfa" {
          user   = aws_iam_user.u.name
          policy = data.aws_iam_policy_document.force_mfa.json
        }''', True),
    # managed policy attached to a group the user is in, group named literally
    ('''resource "aws_iam_policy" "mfa" {
          name   = "force-mfa"
          policy = data.aws_iam_policy_document.force_mfa.json
        }
        resource "aws_iam_group" "g" {
          name = "humans"
        }
        resource "aws_iam_user_group_membership" "m" {
          user   = aws_iam_user.u.name
          groups = ["humans"]
        }
        resource "aws_iam_group_policy_attachment" "a" {
          group      = aws_iam_group.g.name
          policy_arn = aws_iam_policy.mfa.arn
        }''', True),
    # aws_iam_group_membership lists the user
    ('''resource "aws_iam_group_membership" "m" {
          name  = "m"
          users = [aws_iam_user.u.name]
          group = "humans"
        }
        resource "aws_iam_group_policy" "mfa" {
          group  = "humans"
          policy = data.aws_iam_policy_document.force_mfa.json
        }''', True),
    # only a non-MFA AWS managed policy
    ('''resource "aws_iam_user_policy_attachment" "ro" {
          user       = aws_iam_user.u.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }''', False),
    # the MFA policy goes to someone else
    ('''resource "aws_iam_user_policy" "mfa" {
          user   = "somebody-else"
          policy = data.aws_iam_policy_document.force_mfa.json
        }''', False),
    # a membership for an unknown user
    ('''variable "who" {}
        resource "aws_iam_group_membership" "m" {
          name  = "m"
          users = [var.who]
          group = "humans"
        }
        resource "aws_iam_group_policy" "mfa" {
          group  = "humans"
          policy = data.aws_iam_policy_document.force_mfa.json
        }''', None),
    # a customer policy outside the scanned code
    ('''resource "aws_iam_user_policy_attachment" "ext" {
          user       = aws_iam_user.u.name
          policy_arn = "arn:aws:iam::123456789012:policy/ForceMFA"
        }''', None),
])
def test_console_user_mfa_enforced(tmp_path, body, expected):
    contexts = scope(tmp_path, {"main.tf": MFA_POLICY + '''
        resource "aws_iam_user" "u" {
          name = "alice"
        }
        resource "aws_iam_user_login_profile" "u" {
          user = aws_iam_user.u.name
        }
    ''' + body})
    verdict = PREDICATES["aws.console_user_mfa_enforced"](contexts["aws_iam_user_login_profile.u"], {})
    assert verdict.value is expected, verdict


@pytest.mark.parametrize("password, extra, expected", [
    ('"Sup3rSecret!"', "", True),
    ("var.db_password", 'variable "db_password" {\n  default = "changeme123"\n}', True),
    ("local.pw", 'locals {\n  pw = "inline-secret"\n}', True),
    ("var.db_password", 'variable "db_password" {\n  sensitive = true\n}', False),
    ("random_password.db.result", 'resource "random_password" "db" {\n  length = 24\n}', False),
    ("data.aws_secretsmanager_secret_version.db.secret_string",
     'data "aws_secretsmanager_secret_version" "db" {\n  secret_id = "db"\n}', False),
    (None, "", False),
    ("each.value", "", True),  # each.value of a literal map is written in the code
])
def test_secret_hardcoded(tmp_path, password, extra, expected):
    attribute = f"  password = {password}\n" if password else ""
    for_each = '  for_each = {a = "x"}\n' if password == "each.value" else ""
    contexts = scope(tmp_path, {"main.tf": f'''
resource "aws_db_instance" "db" {{
{for_each}  engine = "postgres"
{attribute}}}
{extra}
'''})
    ctx = next(c for address, c in contexts.items() if address.startswith("aws_db_instance.db"))
    verdict = PREDICATES["secret_hardcoded"](ctx, {"attr": "password"})
    assert verdict.value is expected, verdict


def test_partly_unknown_policies_keep_their_structure(tmp_path):
    contexts = scope(tmp_path, {"main.tf": '''
        variable "principal" {}
        resource "aws_s3_bucket" "b" {
          bucket = "b"
        }
        resource "aws_s3_bucket_policy" "encoded" {
          bucket = aws_s3_bucket.b.id
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Principal = "*"
              Action    = "s3:GetObject"
              Resource  = "${aws_s3_bucket.b.arn}/*"
            }]
          })
        }
        resource "aws_s3_bucket_policy" "heredoc" {
          bucket = aws_s3_bucket.b.id
          policy = <<EOT
        {
          "Statement": [{
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
          }]
        }
        EOT
        }
        resource "aws_s3_bucket_policy" "variable" {
          bucket = aws_s3_bucket.b.id
          policy = jsonencode({
            Statement = [{Effect = "Allow", Principal = {AWS = var.principal}, Action = "s3:*", Resource = "*"}]
          })
        }
        resource "aws_sqs_queue" "q" {
          name = "q"
        }
        resource "aws_sqs_queue_policy" "restricted" {
          queue_url = aws_sqs_queue.q.id
          policy = jsonencode({
            Statement = [{
              Effect    = "Allow"
              Principal = {AWS = "*"}
              Action    = "sqs:SendMessage"
              Resource  = aws_sqs_queue.q.arn
              Condition = {ArnEquals = {"aws:SourceArn" = aws_s3_bucket.b.arn}}
            }]
          })
        }
    '''})
    encoded = P.policy_for(contexts["aws_s3_bucket_policy.encoded"], "policy")
    assert isinstance(encoded, P.Policy) and isinstance(encoded.statements[0].resources[0], Unknown)
    assert P.wildcard_principal_allows(encoded).value is True
    heredoc = P.policy_for(contexts["aws_s3_bucket_policy.heredoc"], "policy")
    assert P.denies_insecure_transport(heredoc).value is True
    variable = P.policy_for(contexts["aws_s3_bucket_policy.variable"], "policy")
    assert P.wildcard_principal_allows(variable).value is None
    restricted = P.policy_for(contexts["aws_sqs_queue_policy.restricted"], "policy")
    assert P.wildcard_principal_allows(restricted).value is False


@pytest.mark.parametrize("line, expected", [
    ('policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"', True),
    ('policy_arn = "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"', True),
    ('policy_arn = data.aws_iam_policy.admin.arn', True),
    ('policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"', False),
    ('policy_arn = aws_iam_policy.custom.arn', False),
    ('policy_arn = var.arn', None),
])
def test_managed_policy_attached(tmp_path, line, expected):
    contexts = scope(tmp_path, {"main.tf": f'''
variable "arn" {{}}
data "aws_iam_policy" "admin" {{
  name = "AdministratorAccess"
}}
resource "aws_iam_policy" "custom" {{
  name   = "custom"
  policy = "{{}}"
}}
resource "aws_iam_role_policy_attachment" "a" {{
  role = "r"
  {line}
}}
'''})
    verdict = PREDICATES["aws.managed_policy_attached"](contexts["aws_iam_role_policy_attachment.a"],
                                                    {"attr": "policy_arn", "policy": "AdministratorAccess"})
    assert verdict.value is expected, verdict


@pytest.mark.parametrize("lifecycle", ["ignore_changes = [password]", 'ignore_changes = ["password"]',
                                       "ignore_changes = all"])
def test_secret_placeholder_ignored_by_lifecycle_is_not_hardcoded(tmp_path, lifecycle):
    contexts = scope(tmp_path, {"main.tf": f'''
resource "aws_db_instance" "db" {{
  engine   = "postgres"
  password = "changeme"
  lifecycle {{
    {lifecycle}
  }}
}}
'''})
    verdict = PREDICATES["secret_hardcoded"](contexts["aws_db_instance.db"], {"attr": "password"})
    assert verdict.value is False, verdict
