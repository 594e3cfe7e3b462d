"""Cross-resource predicates look their partners up in per-scope indexes cached on the graph
(docs/performance.md, "Predicates indexed per scope"): table tests that the first partner in
resource order still wins, that unknown partners still make the answer unknown, and that the
work stays linear in the number of resources."""
from __future__ import annotations


import pytest

from analyzer.model import CheckContext as Context
from analyzer.providers.aws import cloudwatch
from analyzer.providers.gcp import network
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts




VARIABLE = 'variable "x" {\n  type = string\n}\n'


# --- gcp firewall deny rules --------------------------------------------------------------

def firewall(name, kind="allow", priority=1000, network_ref="google_compute_network.vpc.name",
             sources='["0.0.0.0/0"]', protocol="tcp"):
    return f"""
resource "google_compute_firewall" "{name}" {{
  name          = "{name}"
  network       = {network_ref}
  priority      = {priority}
  source_ranges = {sources}
  {kind} {{
    protocol = "{protocol}"
    ports    = ["22"]
  }}
}}
"""


NETWORKS = 'resource "google_compute_network" "vpc" {\n  name = "vpc"\n}\n' \
           'resource "google_compute_network" "other" {\n  name = "other"\n}\n'
SSH = {"ports": [22], "protocols": ["tcp"]}


@pytest.mark.parametrize("denies, value, named", [
    ([firewall("d1", "deny", 100), firewall("d2", "deny", 200)], False, "d1"),   # first in order
    ([firewall("d2", "deny", 200), firewall("d1", "deny", 100)], False, "d2"),
    ([firewall("d1", "deny", 100, protocol="udp"), firewall("d2", "deny", 100)], False, "d2"),
    ([firewall("d1", "deny", 100, network_ref="google_compute_network.other.name")], True, None),
    ([firewall("d1", "deny", 100, network_ref='"vpc"')], False, "d1"),           # network by literal name
    ([firewall("d1", "deny", 100, sources='["::/0"]')], True, None),             # another source
    ([firewall("d1", "deny", 100, sources="[var.x]")], True, None),              # unknown source: not proven
    ([firewall("d1", "deny", 2000)], True, None),                                # lower precedence
])
def test_winning_deny(tmp_path, denies, value, named):
    contexts_ = contexts(tmp_path, NETWORKS + VARIABLE + firewall("allow") + "".join(denies))
    verdict = PREDICATES["gcp.firewall_allows_from_world"](contexts_["google_compute_firewall.allow"], SSH)
    assert verdict.value is value
    if named:
        assert f"google_compute_firewall.{named})" in verdict.evidence


def test_deny_index_built_once_per_scope(tmp_path, monkeypatch):
    count = 50
    text = NETWORKS + "".join(firewall(f"a{i}") for i in range(count)) \
        + "".join(firewall(f"d{i}", "deny", 100, protocol="udp") for i in range(count))
    contexts_ = contexts(tmp_path, text)
    calls = []
    original = network._network_keys
    monkeypatch.setattr(network, "_network_keys", lambda ctx, r: calls.append(r) or original(ctx, r))
    for i in range(count):
        assert PREDICATES["gcp.firewall_allows_from_world"](contexts_[f"google_compute_firewall.a{i}"], SSH).value
    assert len(calls) <= 2 * count + count  # each deny indexed once, each allow once (not count * count)


# --- aws metric filters and alarms -----------------------------------------------------------

def metric_filter(name, metric):
    return f"""
resource "aws_cloudwatch_log_metric_filter" "{name}" {{
  name           = "{name}"
  log_group_name = "trail"
  pattern        = "{{ $.eventName = ConsoleLogin }}"
  metric_transformation {{
    name      = {metric}
    namespace = "CIS"
    value     = "1"
  }}
}}
"""


def alarm(name, metric, actions=True, namespace='"CIS"'):
    action = '\n  alarm_actions = ["arn:aws:sns:us-east-1:123456789012:a"]' if actions else ""
    return f"""
resource "aws_cloudwatch_metric_alarm" "{name}" {{
  alarm_name          = "{name}"
  metric_name         = {metric}
  namespace           = {namespace}
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  period              = 300
  statistic           = "Sum"
  threshold           = 1{action}
}}
"""


@pytest.mark.parametrize("filter_metric, alarms, value, evidence", [
    ('"m"', [alarm("a1", '"m"')], True, "a1"),
    ('"m"', [alarm("a1", '"n"')], False, "no aws_cloudwatch_metric_alarm"),
    ('"m"', [alarm("a1", '"m"', actions=False), alarm("a2", '"m"')], True, "a2"),
    ('"m"', [alarm("a1", '"m"', actions=False)], False, "a1 has no alarm_actions"),
    ('"m"', [alarm("a1", '"m"', namespace='"Other"')], False, "no aws_cloudwatch_metric_alarm"),
    ('"m"', [alarm("a1", "var.x")], None, "a1 may watch"),                       # unknown metric name
    ('"m"', [alarm("a1", "var.x"), alarm("a2", '"m"')], True, "a2"),
    ('"m"', [alarm("a1", "aws_cloudwatch_log_metric_filter.f.metric_transformation[0].name")], True, "a1"),
    ("var.x", [alarm("a1", '"n"')], None, "a1 may watch"),                       # unknown filter metric
])
def test_metric_filter_alarmed(tmp_path, filter_metric, alarms, value, evidence):
    contexts_ = contexts(tmp_path, VARIABLE + metric_filter("f", filter_metric) + "".join(alarms))
    verdict = PREDICATES["aws.metric_filter_alarmed"](contexts_["aws_cloudwatch_log_metric_filter.f"], {})
    assert verdict.value is value
    assert evidence in verdict.evidence


def test_alarm_index_linear(tmp_path, monkeypatch):
    count = 40
    text = "".join(metric_filter(f"f{i}", f'"m{i}"') + alarm(f"a{i}", f'"m{i}"') for i in range(count))
    contexts_ = contexts(tmp_path, text)
    calls = []
    original = cloudwatch._alarm_metric_pairs
    monkeypatch.setattr(cloudwatch, "_alarm_metric_pairs", lambda a: calls.append(a) or original(a))
    for i in range(count):
        verdict = PREDICATES["aws.metric_filter_alarmed"](contexts_[f"aws_cloudwatch_log_metric_filter.f{i}"], {})
        assert verdict.value is True and f"a{i}" in verdict.evidence
    assert len(calls) <= 4 * count


# --- aws EventBridge rules and targets ---------------------------------------------------------

def event_rule(name, bus=None):
    bus_line = f"\n  event_bus_name = {bus}" if bus else ""
    return f"""
resource "aws_cloudwatch_event_rule" "{name}" {{
  name          = "{name}"{bus_line}
  event_pattern = jsonencode({{ source = ["aws.signin"] }})
}}
"""


def event_target(name, rule, bus=None):
    bus_line = f"\n  event_bus_name = {bus}" if bus else ""
    return f"""
resource "aws_cloudwatch_event_target" "{name}" {{
  rule = {rule}{bus_line}
  arn  = "arn:aws:sns:us-east-1:123456789012:a"
}}
"""


@pytest.mark.parametrize("rule_bus, targets, value, evidence", [
    (None, [event_target("t1", '"r"')], True, "t1"),
    (None, [event_target("t1", "aws_cloudwatch_event_rule.r.name")], True, "t1"),
    (None, [event_target("t1", '"other"'), event_target("t2", '"r"'), event_target("t3", '"r"')], True, "t2"),
    (None, [event_target("t1", '"r"', bus='"custom"')], False, "no aws_cloudwatch_event_target"),
    ('"custom"', [event_target("t1", '"r"', bus='"custom"')], True, "t1"),
    ('"custom"', [event_target("t1", '"r"')], False, "no aws_cloudwatch_event_target"),
    (None, [event_target("t1", '"r"', bus="var.x")], False, "no aws_cloudwatch_event_target"),
    ("var.x", [event_target("t1", '"r"')], False, "no aws_cloudwatch_event_target"),
    (None, [event_target("t1", "var.x")], None, "unknown rule"),
    (None, [event_target("t1", "var.x"), event_target("t2", '"r"')], True, "t2"),
])
def test_event_rule_has_target(tmp_path, rule_bus, targets, value, evidence):
    contexts_ = contexts(tmp_path, VARIABLE + event_rule("r", rule_bus) + event_rule("other") + "".join(targets))
    verdict = PREDICATES["aws.event_rule_has_target"](contexts_["aws_cloudwatch_event_rule.r"], {})
    assert verdict.value is value
    assert evidence in verdict.evidence


# --- aws IAM: console user MFA through attached policies ------------------------------------------

MFA_POLICY = """jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "DenyWithoutMFA", Effect = "Deny",
    NotAction = ["iam:*"], Resource = "*",
    Condition = { BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" } } }] })"""
PLAIN_POLICY = 'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], ' \
               'Resource = "*" }] })'


def iam_setup(policies, attachment_user='aws_iam_user.u.name', arn='"arn:aws:iam::123456789012:policy/p"'):
    text = """
resource "aws_iam_user" "u" {
  name = "u"
}
resource "aws_iam_user_login_profile" "lp" {
  user = aws_iam_user.u.name
}
"""
    for address, name, document in policies:
        text += f'resource "aws_iam_policy" "{address}" {{\n  name = "{name}"\n  policy = {document}\n}}\n'
    text += f"""
resource "aws_iam_user_policy_attachment" "at" {{
  user       = {attachment_user}
  policy_arn = {arn}
}}
"""
    return text


@pytest.mark.parametrize("policies, attachment_user, value, evidence", [
    ([("p1", "p", MFA_POLICY)], "aws_iam_user.u.name", True, "aws_iam_policy.p1"),
    ([("p1", "p", PLAIN_POLICY)], "aws_iam_user.u.name", False, "no policy that enforces MFA"),
    ([("p1", "other", MFA_POLICY)], "aws_iam_user.u.name", None, "not in the scanned code"),
    ([("p1", "p", MFA_POLICY)], '"u"', True, "aws_iam_policy.p1"),                     # user by name
    ([("p1", "p", MFA_POLICY)], '"someone-else"', False, "no policy that enforces MFA"),
    ([("p1", "p", MFA_POLICY)], "var.x", None, "unknown"),                              # may be our user
    ([("p1", "p", PLAIN_POLICY), ("p2", "p", MFA_POLICY)], "aws_iam_user.u.name", False,
     "no policy that enforces MFA"),                                                     # first by name
])
def test_console_user_mfa_policy_by_name(tmp_path, policies, attachment_user, value, evidence):
    contexts_ = contexts(tmp_path, VARIABLE + iam_setup(policies, attachment_user))
    verdict = PREDICATES["aws.console_user_mfa_enforced"](contexts_["aws_iam_user_login_profile.lp"], {})
    assert verdict.value is value
    assert evidence in verdict.evidence


def test_index_inherited_by_a_composed_graph_is_not_reused(tmp_path):
    """The account scope's graph is networkx.compose_all of the root modules' graphs, which copies
    their graph attributes: an index built for one root module must be rebuilt for the whole scan."""
    import networkx as nx

    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    with_target = contexts(tmp_path / "b", event_target("t1", '"r"'))
    with_rule = contexts(tmp_path / "a", event_rule("r"))
    rule_ctx = with_rule["aws_cloudwatch_event_rule.r"]
    assert PREDICATES["aws.event_rule_has_target"](rule_ctx, {}).value is False  # builds the index of "a"
    target_ctx = with_target["aws_cloudwatch_event_target.t1"]
    graph = nx.compose_all([target_ctx.graph, rule_ctx.graph])  # "a" last: its attributes win
    assert "aws_event_target_index" in graph.graph
    by_type = {"aws_cloudwatch_event_rule": [rule_ctx.resource], "aws_cloudwatch_event_target": [target_ctx.resource]}
    verdict = PREDICATES["aws.event_rule_has_target"](Context(rule_ctx.values, rule_ctx.resource, graph, by_type), {})
    assert verdict.value is True and "t1" in verdict.evidence
