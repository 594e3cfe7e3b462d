"""Network ACL rule order (aws.nacl_ingress_open_to_world) and customer managed KMS keys
(aws.kms_key_customer_managed): table tests over small Terraform snippets."""
from __future__ import annotations


import pytest

from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts




def entry(number, action, protocol="tcp", port=22, cidr="0.0.0.0/0", field="cidr_block"):
    low, high = (0, 0) if protocol == "-1" else (port, port) if isinstance(port, int) else port
    return (f'  ingress {{\n    rule_no = {number}\n    action = "{action}"\n    protocol = "{protocol}"\n'
            f'    {field} = "{cidr}"\n    from_port = {low}\n    to_port = {high}\n  }}\n')


SSH = {"tcp_ports": [22]}
NACL = [
    ("deny 22 at 10 before allow-all at 100", [entry(10, "deny"), entry(100, "allow", "-1")], SSH, False),
    ("allow-all at 100 alone", [entry(100, "allow", "-1")], SSH, True),
    ("deny after the allow", [entry(100, "allow"), entry(200, "deny")], SSH, True),
    ("deny of a narrower CIDR", [entry(10, "deny", cidr="203.0.113.0/24"), entry(100, "allow")], SSH, True),
    ("deny all protocols first", [entry(10, "deny", "-1"), entry(100, "allow")], SSH, False),
    ("deny of a range covering 22", [entry(10, "deny", port=(0, 1023)), entry(100, "allow")], SSH, False),
    ("IPv4 deny does not close IPv6", [entry(10, "deny"), entry(100, "allow", field="ipv6_cidr_block", cidr="::/0")],
     SSH, True),
    ("deny of UDP does not close TCP", [entry(10, "deny", "udp"), entry(100, "allow")], SSH, True),
    ("RDP stays open behind an SSH deny", [entry(10, "deny"), entry(100, "allow", "-1")],
     {"tcp_ports": [22, 3389]}, True),
    ("ephemeral range is not an RDP opening", [entry(100, "allow", port=(1024, 65535))], {"tcp_ports": [3389]}, False),
    ("only a private source", [entry(100, "allow", cidr="10.0.0.0/8")], SSH, False),
]


@pytest.mark.parametrize("name, entries, args, expected", NACL, ids=[r[0] for r in NACL])
def test_nacl_rule_order(name, entries, args, expected, tmp_path):
    ctx = contexts(tmp_path, 'resource "aws_network_acl" "a" {\n  vpc_id = "vpc-1"\n' + "".join(entries) + "}\n")
    assert PREDICATES["aws.nacl_ingress_open_to_world"](ctx["aws_network_acl.a"], args).value is expected


def test_nacl_split_rules_and_unknown_rule_number(tmp_path):
    ctx = contexts(tmp_path, '''
        variable "n" { type = number }
        resource "aws_network_acl" "a" { vpc_id = "vpc-1" }
        resource "aws_network_acl_rule" "deny" {
          network_acl_id = aws_network_acl.a.id
          rule_number = var.n
          protocol = "tcp"
          rule_action = "deny"
          cidr_block = "0.0.0.0/0"
          from_port = 22
          to_port = 22
        }
        resource "aws_network_acl_rule" "allow" {
          network_acl_id = aws_network_acl.a.id
          rule_number = 100
          protocol = "-1"
          rule_action = "allow"
          cidr_block = "0.0.0.0/0"
          from_port = 0
          to_port = 0
        }
    ''')
    # the deny's number is unknown: it may or may not come first
    assert PREDICATES["aws.nacl_ingress_open_to_world"](ctx["aws_network_acl_rule.allow"], SSH).value is None
    assert PREDICATES["aws.nacl_ingress_open_to_world"](ctx["aws_network_acl_rule.deny"], SSH).value is False


KMS = [
    ('"alias/aws/secretsmanager"', False),
    ('"arn:aws:kms:eu-west-1:123456789012:alias/aws/secretsmanager"', False),
    ('"alias/app-secrets"', True),
    ('"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"', True),
    ("aws_kms_key.k.arn", True),
    ("data.aws_kms_alias.managed.target_key_arn", False),
    ('"arn:aws:kms:eu-west-1:${var.account}:alias/aws/secretsmanager"', False),
    ("var.key", None),
    ("null", False),
]


@pytest.mark.parametrize("expression, expected", KMS, ids=[r[0] for r in KMS])
def test_kms_key_customer_managed(expression, expected, tmp_path):
    ctx = contexts(tmp_path, f'''
        variable "key" {{ type = string }}
        variable "account" {{ type = string }}
        resource "aws_kms_key" "k" {{}}
        data "aws_kms_alias" "managed" {{ name = "alias/aws/secretsmanager" }}
        resource "aws_secretsmanager_secret" "s" {{
          name       = "s"
          kms_key_id = {expression}
        }}
    ''')
    verdict = PREDICATES["aws.kms_key_customer_managed"](ctx["aws_secretsmanager_secret.s"], {"attr": "kms_key_id"})
    assert verdict.value is expected
