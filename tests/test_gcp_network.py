"""GCP firewall exposure (analyzer/providers/gcp/network.py): table tests."""
from __future__ import annotations


import pytest

from analyzer.evaluate.values import Unknown
from analyzer.model import CheckContext as Context
from analyzer.providers.gcp import network as N
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts

UNKNOWN = Unknown("var.x has no value (no default, tfvars or -var)")
SSH = {"ports": [22], "protocols": ["tcp"]}
ALL = {"all_ports": True, "protocols": ["tcp", "udp"]}


def rule(allow=None, **values):
    values.setdefault("source_ranges", ["0.0.0.0/0"])
    values["allow"] = allow if allow is not None else [{"protocol": "tcp", "ports": ["22"]}]
    return values


@pytest.mark.parametrize("ports, expected", [
    (["22"], [(22, 22)]),
    ([22, "8000-8080"], [(22, 22), (8000, 8080)]),
    (None, []),
    ([], []),
    (["x"], None),
    ([UNKNOWN], None),
    (UNKNOWN, None),
])
def test_parse_port_ranges(ports, expected):
    assert N.parse_port_ranges(ports) == expected


@pytest.mark.parametrize("values, args, exposed, unknown", [
    (rule(), SSH, True, False),
    (rule(source_ranges=["::/0"]), SSH, True, False),
    (rule([{"protocol": "tcp", "ports": ["20-25"]}]), SSH, True, False),
    (rule([{"protocol": "tcp"}]), SSH, True, False),                      # no ports: every port
    (rule([{"protocol": "all"}]), SSH, True, False),
    (rule([{"protocol": "6", "ports": ["22"]}]), SSH, True, False),        # protocol number
    (rule([{"protocol": "udp", "ports": ["22"]}]), SSH, False, False),
    (rule([{"protocol": "tcp", "ports": ["443"]}]), SSH, False, False),
    (rule(source_ranges=["10.0.0.0/8"]), SSH, False, False),
    (rule(source_ranges=None), SSH, True, False),                          # API default 0.0.0.0/0
    (rule(source_ranges=None, source_tags=["web"]), SSH, False, False),
    (rule(source_ranges=["0.0.0.0/0"], source_tags=["web"]), SSH, True, False),  # sources are OR-ed
    (rule(source_ranges=None, source_service_accounts=UNKNOWN), SSH, False, True),
    (rule(source_ranges=UNKNOWN), SSH, False, True),
    (rule(source_ranges=[UNKNOWN]), SSH, False, True),
    (rule(source_ranges=[UNKNOWN, "0.0.0.0/0"]), SSH, True, False),
    (rule(disabled=True), SSH, False, False),
    (rule(disabled="true"), SSH, False, False),
    (rule(disabled=UNKNOWN), SSH, False, True),
    (rule(direction="EGRESS"), SSH, False, False),
    (rule(direction=UNKNOWN), SSH, False, True),
    (rule([{"protocol": UNKNOWN}]), SSH, False, True),
    (rule([{"protocol": "tcp", "ports": [UNKNOWN]}]), SSH, False, True),
    (rule([{"protocol": "tcp", "ports": ["443"]}, {"protocol": "tcp", "ports": [UNKNOWN]}]), SSH, False, True),
    (rule([{"protocol": "tcp", "ports": ["0-65535"]}]), ALL, True, False),
    (rule([{"protocol": "tcp", "ports": ["1-65535"]}]), ALL, True, False),
    (rule([{"protocol": "tcp", "ports": ["1-1024"]}]), ALL, False, False),
    (rule([{"protocol": "icmp"}]), ALL, False, False),
    (rule([{"protocol": "udp"}]), ALL, True, False),
    (rule([]), SSH, False, False),                                         # deny-only rule
])
def test_exposures(values, args, exposed, unknown):
    found, reason = N.exposures(values, args)
    assert bool(found) is exposed
    assert (reason is not None) is unknown




ALLOW = """
resource "google_compute_network" "vpc" {
  name = "vpc"
}

resource "google_compute_network" "other" {
  name = "other"
}

resource "google_compute_firewall" "allow" {
  name          = "allow-ssh"
  network       = google_compute_network.vpc.name
  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["ssh"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
"""


def deny(**attrs):
    body = {"network": "google_compute_network.vpc.id", "priority": "100", "source_ranges": '["0.0.0.0/0"]',
            "protocol": '"tcp"', "ports": '["22"]', **attrs}
    extra = "\n".join(f"  {k} = {v}" for k, v in body.items() if k not in ("protocol", "ports") and v is not None)
    ports = f"\n    ports = {body['ports']}" if body["ports"] is not None else ""
    return f"""
resource "google_compute_firewall" "deny" {{
  name = "deny"
{extra}
  deny {{
    protocol = {body['protocol']}{ports}
  }}
}}
"""


@pytest.mark.parametrize("deny_text, denied", [
    (deny(), True),                                              # same network by another attribute
    (deny(priority="1000"), True),                               # equal priority: deny wins
    (deny(priority="1001"), False),                              # lower precedence
    (deny(priority="var.p"), False),                             # unknown priority: not proven
    (deny(network="google_compute_network.other.id"), False),    # another network
    (deny(source_ranges='["203.0.113.0/24"]'), False),           # does not cover the world
    (deny(ports='["23"]'), False),
    (deny(ports=None), True),                                    # tcp, every port
    (deny(protocol='"all"', ports=None), True),
    (deny(target_tags='["ssh", "web"]'), True),                  # covers the allow's targets
    (deny(target_tags='["web"]'), False),                        # other instances
    (deny(disabled="true"), False),
    (deny(direction='"EGRESS"'), False),
])
def test_deny_precedence(tmp_path, deny_text, denied):
    ctx = contexts(tmp_path, ALLOW + deny_text + '\nvariable "p" {\n  type = number\n}\n')["google_compute_firewall.allow"]
    verdict = PREDICATES["gcp.firewall_allows_from_world"](ctx, SSH)
    assert verdict.value is (not denied)


@pytest.mark.parametrize("metadata, expected", [
    (None, False),
    ([{"annotations": {"run.googleapis.com/ingress": "internal"}}], True),
    ([{"annotations": {"run.googleapis.com/ingress": "internal-and-cloud-load-balancing"}}], True),
    ([{"annotations": {"run.googleapis.com/ingress": "all"}}], False),
    ([{"annotations": {"autoscaling.knative.dev/maxScale": "5"}}], False),
    ([{"annotations": {"run.googleapis.com/ingress": UNKNOWN}}], None),
    ([{"annotations": UNKNOWN}], None),
    (UNKNOWN, None),
])
def test_cloud_run_v1_internal_only(metadata, expected):
    values = {} if metadata is None else {"metadata": metadata}
    verdict = PREDICATES["gcp.cloud_run_v1_internal_only"](Context(values, None, None, {}), {})
    assert verdict.value is expected
