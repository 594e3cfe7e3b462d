"""Table tests for the CloudWatch filter-pattern parser and the CIS alarm predicates."""
from __future__ import annotations

import pytest

from analyzer.evaluate.values import Unknown
from analyzer.graph import build_graph
from analyzer.model import CheckContext, Location, Resource
from analyzer.providers.aws import cloudwatch as C

UNAUTHORIZED = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
KMS = "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}"
NO_MFA = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'


@pytest.mark.parametrize("pattern, event, expected", [
    (UNAUTHORIZED, {"errorCode": "Client.UnauthorizedOperation"}, True),
    (UNAUTHORIZED, {"errorCode": "AccessDeniedException"}, True),
    (UNAUTHORIZED, {"errorCode": "ThrottlingException"}, False),
    (UNAUTHORIZED, {"eventName": "GetObject"}, False),
    (ROOT, {"userIdentity.type": "Root", "eventType": "AwsApiCall"}, True),
    (ROOT, {"userIdentity.type": "Root", "eventType": "AwsServiceEvent"}, False),
    (ROOT, {"userIdentity.type": "Root", "userIdentity.invokedBy": "s3.amazonaws.com"}, False),
    (ROOT, {"userIdentity.type": "IAMUser"}, False),
    (KMS, {"eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion"}, True),
    (KMS, {"eventSource": "kms.amazonaws.com", "eventName": "EnableKey"}, False),
    (KMS, {"eventSource": "s3.amazonaws.com", "eventName": "DisableKey"}, False),
    (NO_MFA, {"eventName": "ConsoleLogin", "additionalEventData.MFAUsed": "No"}, True),
    (NO_MFA, {"eventName": "ConsoleLogin", "additionalEventData.MFAUsed": "Yes"}, False),
    # && binds tighter than ||
    ("{ $.a = 1 || $.b = 2 && $.c = 3 }", {"a": "1"}, True),
    ("{ ($.a = 1 || $.b = 2) && $.c = 3 }", {"a": "1"}, False),
    ('{ $.eventName = %^Delete.*Policy$% }', {"eventName": "DeleteRolePolicy"}, True),
    ("{ $.count > 5 }", {"count": 7}, True),
    ("{ $.count > 5 }", {"count": 3}, False),
    ("{ $.flag IS TRUE }", {"flag": True}, True),
    ("{ $.x IS NULL }", {"x": None}, True),
])
def test_pattern_matches(pattern, event, expected):
    assert C.matches(C.parse_pattern(pattern), event) is expected


@pytest.mark.parametrize("text", ["ERROR", "", "{ $.a = }", "{ $.a = 1", "{ a = 1 }", "{ $.a = 1 } extra",
                                  '[ip, user, ...]'])
def test_not_a_json_filter_pattern(text):
    with pytest.raises(C.PatternError):
        C.parse_pattern(text)


def test_sample_events_merge_base():
    events = C.sample_events({"base": {"eventSource": "iam.amazonaws.com"}, "event_names": ["PutRolePolicy"],
                              "events": [{"eventName": "X", "eventSource": "sts.amazonaws.com"}]})
    assert events == [{"eventSource": "sts.amazonaws.com", "eventName": "X"},
                      {"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy"}]


@pytest.mark.parametrize("pattern, event, expected", [
    ({"source": ["aws.iam"], "detail": {"eventName": ["PutRolePolicy"]}},
     {"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy"}, True),
    ({"source": ["aws.iam"], "detail": {"eventName": ["PutRolePolicy"]}},
     {"eventSource": "iam.amazonaws.com", "eventName": "DeleteRolePolicy"}, False),
    ({"detail-type": ["AWS Console Sign In via CloudTrail"]},
     {"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin"}, True),
    ({"detail-type": ["AWS API Call via CloudTrail"]},
     {"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin"}, False),
    ({"detail": {"errorCode": [{"prefix": "AccessDenied"}]}}, {"eventSource": "s3.amazonaws.com",
                                                               "errorCode": "AccessDenied"}, True),
    ({"detail": {"errorCode": [{"suffix": "UnauthorizedOperation"}]}},
     {"eventSource": "ec2.amazonaws.com", "errorCode": "Client.UnauthorizedOperation"}, True),
    ({"detail": {"additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]}}},
     {"eventSource": "signin.amazonaws.com", "additionalEventData.MFAUsed": "No"}, True),
    ({"detail": {"userIdentity": {"invokedBy": [{"exists": False}]}}},
     {"eventSource": "iam.amazonaws.com"}, True),
    ({"$or": [{"detail": {"eventName": ["A"]}}, {"detail": {"eventName": ["B"]}}]},
     {"eventSource": "x.amazonaws.com", "eventName": "B"}, True),
])
def test_event_pattern_matches(pattern, event, expected):
    assert C.event_pattern_matches(pattern, C.eventbridge_envelope(event)) is expected


def _resource(address, values):
    type_, name = address.split(".")[:2]
    return Resource(address, type_, name, "managed", "", values, Location("main.tf", 1, 1))


def _ctx(resources, edges=(), subject=None):
    graph = build_graph(resources, edges)
    by_type = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)
    target = subject or resources[0]
    return CheckContext(target.values, target, graph, by_type)


FILTER = {"pattern": KMS, "log_group_name": "trail-logs",
          "metric_transformation": [{"name": "kms", "namespace": "CIS", "value": "1"}]}


@pytest.mark.parametrize("alarm, expected", [
    ({"metric_name": "kms", "namespace": "CIS", "alarm_actions": ["arn:aws:sns:eu-west-1:1:t"]}, True),
    ({"metric_name": "kms", "namespace": "CIS", "alarm_actions": [Unknown("arn")]}, True),
    ({"metric_name": "kms", "namespace": "CIS", "alarm_actions": []}, False),
    ({"metric_name": "kms", "namespace": "CIS", "alarm_actions": ["arn"], "actions_enabled": False}, False),
    ({"metric_name": "kms", "namespace": "Other", "alarm_actions": ["arn"]}, False),
    ({"metric_name": "other", "namespace": "CIS", "alarm_actions": ["arn"]}, False),
    ({"metric_name": Unknown("x"), "namespace": "CIS", "alarm_actions": ["arn"]}, None),
    ({"metric_name": "kms", "namespace": "CIS", "alarm_actions": Unknown("var", variable="var.actions")}, None),
    ({"metric_query": [{"metric": [{"metric_name": "kms", "namespace": "CIS"}]}], "alarm_actions": ["arn"]}, True),
])
def test_metric_filter_alarmed(alarm, expected):
    ctx = _ctx([_resource("aws_cloudwatch_log_metric_filter.f", FILTER),
                _resource("aws_cloudwatch_metric_alarm.a", alarm)])
    assert C.metric_filter_alarmed(ctx, {}).value is expected


def test_alarm_linked_by_reference():
    alarm = {"metric_name": Unknown("computed"), "namespace": "CIS", "alarm_actions": ["arn"]}
    resources = [_resource("aws_cloudwatch_log_metric_filter.f", FILTER),
                 _resource("aws_cloudwatch_metric_alarm.a", alarm)]
    ctx = _ctx(resources, [("aws_cloudwatch_metric_alarm.a", "metric_name", "aws_cloudwatch_log_metric_filter.f")])
    assert C.metric_filter_alarmed(ctx, {}).value is True


@pytest.mark.parametrize("trail, group_edge, expected", [
    (None, False, True),  # no trail in the scan: cannot check, holds
    ({"cloud_watch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:trail-logs:*"}, False, True),
    ({"cloud_watch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:other:*"}, False, False),
    ({"cloud_watch_logs_group_arn": Unknown("arn")}, False, None),
    ({"cloud_watch_logs_group_arn": Unknown("arn")}, True, True),
])
def test_metric_filter_on_trail_log_group(trail, group_edge, expected):
    resources = [_resource("aws_cloudwatch_log_metric_filter.f", FILTER),
                 _resource("aws_cloudwatch_log_group.g", {"name": "trail-logs"})]
    edges = []
    if trail is not None:
        resources.append(_resource("aws_cloudtrail.t", trail))
        if group_edge:
            edges.append(("aws_cloudtrail.t", "cloud_watch_logs_group_arn", "aws_cloudwatch_log_group.g"))
    ctx = _ctx(resources, edges)
    assert C.metric_filter_on_trail_log_group(ctx, {}).value is expected


@pytest.mark.parametrize("values, expected", [
    ({"pattern": KMS}, True),
    ({"pattern": '{ $.eventName = DisableKey }'}, False),
    ({"pattern": "DisableKey"}, False),
    ({"pattern": Unknown("var")}, None),
    ({}, False),
])
def test_filter_pattern_matches(values, expected):
    ctx = _ctx([_resource("aws_cloudwatch_log_metric_filter.f", values)])
    args = {"base": {"eventSource": "kms.amazonaws.com"}, "event_names": ["DisableKey", "ScheduleKeyDeletion"]}
    assert C.filter_pattern_matches(ctx, args).value is expected


@pytest.mark.parametrize("rule, target, expected", [
    ({"name": "r", "event_pattern": '{"source": ["aws.kms"]}'}, {"rule": "r"}, True),
    ({"name": "r", "event_pattern": '{"source": ["aws.kms"]}'}, {"rule": "other"}, False),
    ({"name": "r", "event_pattern": '{"source": ["aws.kms"]}'}, {"rule": Unknown("x")}, None),
])
def test_event_rule_has_target(rule, target, expected):
    resources = [_resource("aws_cloudwatch_event_rule.r", rule), _resource("aws_cloudwatch_event_target.t", target)]
    assert C.event_rule_has_target(_ctx(resources), {}).value is expected


@pytest.mark.parametrize("values, expected", [
    ({"event_pattern": '{"source": ["aws.kms"], "detail": {"eventName": ["DisableKey", "ScheduleKeyDeletion"]}}'},
     True),
    ({"event_pattern": '{"source": ["aws.kms"], "detail": {"eventName": ["DisableKey"]}}'}, False),
    ({"event_pattern": '{"source": ["aws.kms"]}', "state": "DISABLED"}, False),
    ({"schedule_expression": "rate(1 hour)"}, False),
    ({"event_pattern": Unknown("var")}, None),
])
def test_event_rule_matches(values, expected):
    ctx = _ctx([_resource("aws_cloudwatch_event_rule.r", values)])
    args = {"base": {"eventSource": "kms.amazonaws.com"}, "event_names": ["DisableKey", "ScheduleKeyDeletion"]}
    assert C.event_rule_matches(ctx, args).value is expected
