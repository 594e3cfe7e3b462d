"""Azure NSG exposure model and PaaS firewall ranges (analyzer/providers/azure/network.py)."""
from __future__ import annotations


import pytest

from analyzer.evaluate.values import Unknown
from analyzer.model import CheckContext as Context
from analyzer.providers.azure import network as N
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts

UNKNOWN = Unknown("var.x has no value (no default, tfvars or -var)")
SSH = N.Question.from_args({"ports": [22], "protocols": ["tcp"]})
ALL = N.Question.from_args({"all_ports": True})
UDP = N.Question.from_args({"any_port": True, "protocols": ["udp"], "explicit_protocol": True})


def rule(**fields) -> N.RuleView:
    values = {"name": "r", "priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
              "destination_port_range": "22", "source_address_prefix": "*", "destination_address_prefix": "*"}
    values.update(fields)
    return N.rule_view({k: v for k, v in values.items() if v is not None}, "r")


@pytest.mark.parametrize("prefix, world", [
    ("*", True), ("Internet", True), ("internet", True), ("Any", True), ("0.0.0.0/0", True), ("0.0.0.0", True),
    ("::/0", True), ("10.0.0.0/0", True), ("10.0.0.0/8", False), ("VirtualNetwork", False),
    ("AzureLoadBalancer", False), (UNKNOWN, False), (None, False),
])
def test_world_prefixes(prefix, world):
    assert N.is_world_prefix(prefix) is world


@pytest.mark.parametrize("fields, question, exposed", [
    ({}, SSH, True),
    ({"destination_port_range": "20-25"}, SSH, True),
    ({"destination_port_range": None, "destination_port_ranges": ["80", "22"]}, SSH, True),
    ({"destination_port_range": "*"}, SSH, True),
    # a plan spells the unused singular attributes as "" and the plural ones as []
    ({"destination_port_range": "", "destination_port_ranges": ["443"], "protocol": "*"}, ALL, False),
    ({"source_address_prefix": "", "source_address_prefixes": ["Internet"]}, SSH, True),
    ({"destination_port_range": "23-443"}, SSH, False),
    ({"protocol": "*"}, SSH, True),
    ({"protocol": "Udp"}, SSH, False),
    ({"direction": "Outbound"}, SSH, False),
    ({"access": "Deny"}, SSH, False),
    ({"source_address_prefix": "10.0.0.0/8"}, SSH, False),
    ({"source_address_prefix": None, "source_address_prefixes": ["10.0.0.0/8", "Internet"]}, SSH, True),
    ({"source_address_prefix": UNKNOWN}, SSH, None),
    ({"destination_port_range": UNKNOWN}, SSH, None),
    ({"protocol": UNKNOWN}, SSH, None),
    ({"protocol": "*", "destination_port_range": "*"}, ALL, True),
    ({"protocol": "*", "destination_port_range": "0-65535"}, ALL, True),
    ({"protocol": "Tcp", "destination_port_range": "*"}, ALL, True),  # every TCP port
    ({"protocol": "Udp", "destination_port_range": "1-65535"}, ALL, True),
    ({"protocol": "*", "destination_port_range": "1-1024"}, ALL, False),
    ({"protocol": "Udp", "destination_port_range": "53"}, UDP, True),
    ({"protocol": "*", "destination_port_range": "443"}, UDP, False),  # explicit_protocol: "*" is not judged
])
def test_single_rule_exposure(fields, question, exposed):
    assert N.internet_exposure(rule(**fields), [], question).value is exposed


@pytest.mark.parametrize("deny, exposed", [
    ({"priority": 100, "access": "Deny", "protocol": "*", "destination_port_range": "*"}, False),
    ({"priority": 100, "access": "Deny", "protocol": "Tcp", "destination_port_range": "22"}, False),
    ({"priority": 100, "access": "Deny", "source_address_prefix": "Internet"}, False),
    ({"priority": 300, "access": "Deny", "destination_port_range": "*"}, True),  # lower precedence
    ({"priority": 100, "access": "Deny", "destination_port_range": "3389"}, True),  # other port
    ({"priority": 100, "access": "Deny", "source_address_prefix": "10.0.0.0/8"}, True),  # other source
    ({"priority": 100, "access": "Deny", "direction": "Outbound"}, True),
    ({"priority": 100, "access": "Deny", "protocol": "Udp"}, True),
    ({"priority": 100, "access": "Deny", "destination_address_prefix": "10.1.0.4"}, True),  # narrower target
    ({"priority": UNKNOWN, "access": "Deny"}, None),
    ({"priority": 100, "access": "Deny", "destination_port_range": UNKNOWN}, None),
])
def test_higher_precedence_deny(deny, exposed):
    allow = rule(destination_port_range="20-25", protocol="*")
    assert N.internet_exposure(allow, [allow, rule(**deny)], SSH).value is exposed


def test_deny_must_cover_every_exposed_port():
    allow = rule(destination_port_range="*", protocol="*")
    deny_ssh = rule(priority=100, access="Deny", destination_port_range="22", protocol="*")
    assert N.internet_exposure(allow, [deny_ssh], ALL).value is True
    assert N.internet_exposure(allow, [deny_ssh], SSH).value is False


def test_unknown_sibling_block_makes_exposure_unknown():
    assert N.internet_exposure(rule(), [UNKNOWN], SSH).value is None




def test_split_rule_sees_inline_and_split_denies_of_its_nsg(tmp_path):
    ctx = contexts(tmp_path, '''
        resource "azurerm_network_security_group" "nsg" {
          name                = "nsg-app"
          location            = "westeurope"
          resource_group_name = "rg"
        }
        resource "azurerm_network_security_rule" "deny" {
          name                        = "deny-ssh"
          priority                    = 100
          direction                   = "Inbound"
          access                      = "Deny"
          protocol                    = "*"
          source_port_range           = "*"
          destination_port_range      = "22"
          source_address_prefix       = "*"
          destination_address_prefix  = "*"
          resource_group_name         = "rg"
          network_security_group_name = "nsg-app"
        }
        resource "azurerm_network_security_rule" "allow" {
          name                        = "allow-low"
          priority                    = 200
          direction                   = "Inbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_range      = "1-1024"
          source_address_prefix       = "Internet"
          destination_address_prefix  = "*"
          resource_group_name         = "rg"
          network_security_group_name = azurerm_network_security_group.nsg.name
        }
    ''')
    predicate = PREDICATES["azure.nsg_denies_internet_inbound"]
    assert predicate(ctx["azurerm_network_security_rule.allow"], {"ports": [22], "protocols": ["tcp"]}).value is True
    verdict = predicate(ctx["azurerm_network_security_rule.allow"], {"ports": [23], "protocols": ["tcp"]})
    assert verdict.value is False and "allow-low" in verdict.evidence


@pytest.mark.parametrize("start, end, holds", [
    ("0.0.0.0", "255.255.255.255", False),
    ("1.0.0.0", "254.255.255.255", False),
    ("0.0.0.0", "0.0.0.0", True),  # allow Azure services: a separate rule
    ("203.0.113.1", "203.0.113.20", True),
    ("10.0.0.0", "10.255.255.255", True),
    (UNKNOWN, "255.255.255.255", None),
    ("not-an-ip", "1.2.3.4", None),
])
def test_firewall_range_not_world(start, end, holds):
    ctx = Context({"start_ip_address": start, "end_ip_address": end}, None, None, {})
    assert N.firewall_range_not_world(ctx, {}).value is holds
