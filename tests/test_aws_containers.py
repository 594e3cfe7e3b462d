"""Table tests for the container-definition and plaintext-secret predicates."""
from __future__ import annotations

import pytest

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.model import CheckContext, Location, Resource
from analyzer.providers.aws import containers as K

IMAGE = Unknown("aws_ecr_repository.r.repository_url is known only after apply")


def _ctx(values):
    resource = Resource("aws_ecs_task_definition.t", "aws_ecs_task_definition", "t", "managed", "", values,
                        Location("main.tf", 1, 1))
    return CheckContext(values, resource, None, {})


@pytest.mark.parametrize("value, expected", [
    ('[{"name": "a", "privileged": true}]', [{"name": "a", "privileged": True}]),
    ('{"name": "a"}', [{"name": "a"}]),
    (Unknown("x", partial=[{"name": "a", "image": IMAGE}]), [{"name": "a", "image": IMAGE}]),
    (Unknown("x", partial=TemplateParts(('[{"name": "a", "image": "', IMAGE, ':1", "privileged": true}]'))),
     [{"name": "a", "image": IMAGE, "privileged": True}]),
    (None, None),
])
def test_container_definitions(value, expected):
    assert K.container_definitions(value) == expected


def test_container_definitions_unknown_and_invalid():
    assert isinstance(K.container_definitions(Unknown("templatefile")), Unknown)
    # an unquoted interpolation leaves no valid JSON: unknown, not a guess
    broken = Unknown("x", partial=TemplateParts(('[{"privileged": ', IMAGE, "}]")))
    assert isinstance(K.container_definitions(broken), Unknown)
    with pytest.raises(ValueError):
        K.container_definitions("not json")


PRIVILEGED = {"none_match": {"attr": "privileged", "equals": True, "default": False}}
READONLY = {"all_match": {"attr": "readonlyRootFilesystem", "equals": True, "default": False}}


@pytest.mark.parametrize("definitions, args, expected", [
    ('[{"name": "a"}, {"name": "b", "privileged": false}]', PRIVILEGED, True),
    ('[{"name": "a"}, {"name": "b", "privileged": true}]', PRIVILEGED, False),
    (Unknown("x", partial=[{"name": "a", "privileged": Unknown("var")}]), PRIVILEGED, None),
    (Unknown("templatefile"), PRIVILEGED, None),
    ("not json", PRIVILEGED, None),
    ('[{"name": "a", "readonlyRootFilesystem": true}]', READONLY, True),
    ('[{"name": "a", "readonlyRootFilesystem": true}, {"name": "b"}]', READONLY, False),
    ("[]", READONLY, True),
    ('[{"name": "a", "logConfiguration": {"logDriver": "awslogs"}}]',
     {"any_match": {"attr": "logConfiguration.logDriver", "exists": True}}, True),
])
def test_containers_match(definitions, args, expected):
    verdict = K.containers_match(_ctx({"container_definitions": definitions}), args)
    assert verdict.value is expected


@pytest.mark.parametrize("name, value, expected", [
    ("DB_PASSWORD", "s3cr3t-pass", True),
    ("password", "hunter22", True),
    ("STRIPE_API_KEY", "sk_live_abc", True),
    ("CLIENT_SECRET", "abcdef", True),
    ("AUTH_TOKEN", "abcdef", True),
    ("ANYTHING", "AKIAIOSFODNN7EXAMPLE", True),
    ("DB_PASSWORD_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x", False),
    ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:1:secret:x", False),
    ("SECRET_NAME", "prod/db", False),
    ("TOKEN_URL", "https://auth.example.com/token", False),
    ("ENABLE_TOKEN", "true", False),
    ("DB_PASSWORD", "", False),
    ("DB_PASSWORD", "${DB_PASSWORD}", False),
    ("DB_PASSWORD", Unknown("var"), None),
    ("LOG_LEVEL", "debug", False),
    ("PASSWORD", True, False),
    ("DBPassword", "Pa55w0rd-prod", True),
    ("apiKey", "abcdef123", True),
    ("MinPasswordLength", "12", False),
    ("ShowPassword", "true", False),
])
def test_plaintext_secret(name, value, expected):
    assert K.plaintext_secret(name, value) is expected


@pytest.mark.parametrize("variables, expected", [
    ({"DB_HOST": "db", "DB_PASSWORD": "Pa55w0rd"}, True),
    ({"DB_HOST": "db", "DB_PASSWORD": Unknown("var")}, False),
    (Unknown("local", partial={"API_KEY": "abcdef123"}), True),
    (Unknown("computed"), None),
    ({}, False),
])
def test_env_map_has_plaintext_secret(variables, expected):
    ctx = _ctx({"environment": [{"variables": variables}]})
    assert K.env_map_has_plaintext_secret(ctx, {"attr": "environment.variables"}).value is expected


@pytest.mark.parametrize("elements, expected", [
    ([{"name": "DB_PASSWORD", "value": "Pa55w0rd"}], True),
    ([{"name": "DB_PASSWORD", "value": "prod/db:password", "type": "SECRETS_MANAGER"}], False),
    ([{"name": "NPM_TOKEN", "value": "/ci/npm", "type": "PARAMETER_STORE"}], False),
    ([{"name": "STAGE", "value": "prod"}], False),
    ([Unknown("dynamic")], False),
])
def test_env_list_has_plaintext_secret(elements, expected):
    ctx = _ctx({"environment": [{"environment_variable": elements}]})
    assert K.env_list_has_plaintext_secret(ctx, {"attr": "environment.environment_variable"}).value is expected


LOGGING = {"any": [{"attr": "inputs.s3BucketName", "exists": True},
                   {"attr": "inputs.cloudWatchLogGroupName", "exists": True}]}


@pytest.mark.parametrize("content, expected", [
    ('{"inputs": {"s3BucketName": "logs"}}', True),
    ('{"inputs": {"s3BucketName": ""}}', False),
    ("inputs:\n  cloudWatchLogGroupName: /ssm/sessions\n", True),
    ("inputs:\n  idleSessionTimeout: '20'\n", False),
    (Unknown("x", partial={"inputs": {"s3BucketName": Unknown("bucket")}}), True),
    (Unknown("templatefile"), None),
    ("- not\n- an object\n", None),
])
def test_json_document_match(content, expected):
    ctx = _ctx({"content": content})
    assert K.json_document_match(ctx, {"attr": "content", "assert": LOGGING}).value is expected
