"""Table tests for the GCP predicates in analyzer/providers/gcp/checks.py."""
from __future__ import annotations

import pytest

from analyzer.evaluate.values import Unknown
from analyzer.model import CheckContext
from analyzer.providers.gcp.checks import duration_at_most, env_secret_hardcoded, secret_like_name


def ctx(values: dict) -> CheckContext:
    return CheckContext(values, None, None, {})


@pytest.mark.parametrize("value, expected", [
    (None, False),                     # not set: no rotation
    ("", False),
    ("7776000s", True),                # exactly 90 days
    ("86400s", True),
    ("7776000.5s", False),
    ("7776001s", False),
    ("31536000s", False),
    ("2592000.000000001s", True),
    (Unknown("var.period"), None),
    ("90d", None),                     # not a protobuf duration: cannot judge
])
def test_duration_at_most(value, expected):
    values = {} if value is None else {"rotation_period": value}
    verdict = duration_at_most(ctx(values), {"attr": "rotation_period", "seconds": 7776000})
    assert verdict.value is expected


@pytest.mark.parametrize("name, secret", [
    ("DB_PASSWORD", True), ("password", True), ("JWT_SECRET", True), ("stripe-api-key", True),
    ("API_KEY", True), ("APIKEY", True), ("GITHUB_TOKEN", True), ("client_secret", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("PRIVATE_KEY", True), ("GOOGLE_APPLICATION_CREDENTIALS", False),
    ("AWS_ACCESS_KEY_ID", False), ("PWD", False), ("OLDPWD", False),
    ("DB_PASSWORD_FILE", False), ("SECRET_NAME", False), ("TOKEN_URL", False),
    ("API_KEY_SECRET_ID", False), ("LOG_LEVEL", False), ("PASSWORD_MIN_LENGTH", False),
    ("db-password-secret", True), ("tokenizer", False), ("enable-oslogin", False),
])
def test_secret_like_name(name, secret):
    assert secret_like_name(name) is secret


@pytest.mark.parametrize("values, args, expected", [
    ({"environment_variables": {"DB_PASSWORD": "hunter2"}}, {"maps": ["environment_variables"]}, True),
    ({"environment_variables": {"LOG_LEVEL": "debug"}}, {"maps": ["environment_variables"]}, False),
    ({"environment_variables": {"DB_PASSWORD": Unknown("var.pw")}}, {"maps": ["environment_variables"]}, False),
    ({"environment_variables": {"DB_PASSWORD": ""}}, {"maps": ["environment_variables"]}, False),
    ({"environment_variables": {"ENABLE_API_KEY": "true"}}, {"maps": ["environment_variables"]}, False),
    ({"environment_variables": {"API_KEY": "projects/p/secrets/k/versions/1"}},
     {"maps": ["environment_variables"]}, False),
    ({"environment_variables": Unknown("merge of unknown")}, {"maps": ["environment_variables"]}, None),
    ({}, {"maps": ["environment_variables"]}, False),
    ({"service_config": [{"environment_variables": {"SLACK_TOKEN": "xoxb-1"}}]},
     {"maps": ["service_config.environment_variables"]}, True),
    ({"template": [{"containers": [{"env": [{"name": "TOKEN", "value": "abc"}]}]}]},
     {"blocks": ["template.containers.env"]}, True),
    ({"template": [{"containers": [{"env": [{"name": "TOKEN", "value_source": [{}]}]}]}]},
     {"blocks": ["template.containers.env"]}, False),
    ({"template": [{"containers": [{"env": [Unknown("dynamic env")]}]}]},
     {"blocks": ["template.containers.env"]}, None),
    ({"template": [{"containers": [{"env": [Unknown("dynamic env"), {"name": "PASSWORD", "value": "x1"}]}]}]},
     {"blocks": ["template.containers.env"]}, True),
])
def test_env_secret_hardcoded(values, args, expected):
    assert env_secret_hardcoded(ctx(values), args).value is expected
