"""Table tests for analyzer/providers/gcp/identity.py (workload identity federation)."""
from __future__ import annotations

import pytest

from analyzer.evaluate.values import Unknown
from analyzer.model import CheckContext
from analyzer.providers.gcp.identity import condition_restricts, wif_github_unrestricted

GITHUB = "https://token.actions.githubusercontent.com"


def ctx(values: dict) -> CheckContext:
    return CheckContext(values, None, None, {})


@pytest.mark.parametrize("condition, restricts", [
    ("assertion.repository_owner == 'acme'", True),
    ("assertion.repository == 'acme/infra'", True),
    ('attribute.repository_owner_id == "123456"', True),
    ("assertion.repository in ['acme/api', 'acme/web']", True),
    ("assertion.repository.startsWith('acme/')", True),
    ("assertion.sub == 'repo:acme/infra:ref:refs/heads/main'", True),
    ("assertion.sub.startsWith('repo:acme/infra:')", True),
    ("assertion.repository_owner == 'acme' && assertion.ref == 'refs/heads/main'", True),
    ("assertion.sub == 'invalid'", False),
    ("assertion.sub == '*'", False),
    ("assertion.sub == 'repo:*'", False),
    ("assertion.sub == 'repo:acme*'", False),
    ("assertion.sub == 'workflow:deploy:repo:acme/infra'", False),
    ("assertion.repository == '*'", False),
    ("assertion.ref == 'refs/heads/main'", False),
    ("true", False),
])
def test_condition_restricts(condition, restricts):
    assert condition_restricts(condition) is restricts


@pytest.mark.parametrize("values, expected", [
    ({"oidc": [{"issuer_uri": GITHUB}]}, True),                                       # no condition
    ({"oidc": [{"issuer_uri": GITHUB}], "attribute_condition": ""}, True),
    ({"oidc": [{"issuer_uri": GITHUB}], "attribute_condition": "assertion.sub == 'repo:*'"}, True),
    ({"oidc": [{"issuer_uri": GITHUB}], "attribute_condition": "assertion.repository_owner == 'acme'"}, False),
    ({"issuer_uri": GITHUB, "attribute_condition": "assertion.sub == 'repo:acme/x:*'"}, False),  # top-level spelling
    ({"issuer_uri": GITHUB}, True),
    ({"oidc": [{"issuer_uri": "https://gitlab.example.com"}]}, False),                # another issuer
    ({"aws": [{"account_id": "123456789012"}]}, False),
    ({"oidc": [{"issuer_uri": Unknown("var.issuer")}]}, None),
    ({"oidc": [{"issuer_uri": GITHUB}], "attribute_condition": Unknown("var.cond")}, None),
])
def test_wif_github_unrestricted(values, expected):
    assert wif_github_unrestricted(ctx(values), {}).value is expected
