"""Workload Identity Federation: which external identities a pool provider admits.

A provider for a multi-tenant issuer (GitHub Actions) admits every token that issuer signs,
for every repository on GitHub, unless its attribute_condition narrows it down to the
organization's own owner or repositories."""
from __future__ import annotations

import re

from analyzer.evaluate.values import Unknown
from analyzer.rules.verdict import Verdict

_GITHUB_ISSUER = "token.actions.githubusercontent.com"

# Conditions that name an owner or a repository (CEL): attribute or assertion claims compared
# with ==, in, or startsWith on a literal that is not a wildcard.
_CLAIM = r"(?:assertion|attribute)\.(?:repository_owner_id|repository_owner|repository_id|repository|enterprise_id|enterprise)"
_RESTRICTING = [
    re.compile(_CLAIM + r"\s*==\s*['\"][^'\"*]+['\"]"),
    re.compile(_CLAIM + r"\s+in\s*\["),
    re.compile(_CLAIM + r"\.startsWith\(\s*['\"][^'\"*]+/['\"]?"),
    # the subject of a repository workflow: repo:<owner>/<name>... (an owner, then a slash)
    re.compile(r"(?:assertion|attribute)\.sub\s*==\s*['\"]repo:[^'\"*/]+/"),
    re.compile(r"(?:assertion|attribute)\.sub\.startsWith\(\s*['\"]repo:[^'\"*/]+/"),
    re.compile(r"google\.subject\s*==\s*['\"]repo:[^'\"*/]+/"),
]


def _issuer(values: dict):
    oidc = values.get("oidc")
    if isinstance(oidc, list):
        oidc = oidc[0] if oidc else None
    if isinstance(oidc, dict) and oidc.get("issuer_uri") is not None:
        return oidc.get("issuer_uri")
    if isinstance(oidc, Unknown):
        return oidc
    # Some hand-written examples put issuer_uri at the top level; read it there too.
    return values.get("issuer_uri")


def condition_restricts(condition: str) -> bool:
    """True when a CEL attribute_condition names a GitHub owner or repository."""
    return any(p.search(condition) for p in _RESTRICTING)


def wif_github_unrestricted(ctx, args: dict) -> Verdict:
    """True when a workload identity pool provider trusts GitHub Actions tokens without an
    attribute_condition that names an owner or repository. Other issuers: false."""
    issuer = _issuer(ctx.values)
    if isinstance(issuer, Unknown):
        return Verdict(None, "oidc.issuer_uri", "oidc.issuer_uri is known only after apply")
    if not isinstance(issuer, str) or _GITHUB_ISSUER not in issuer:
        return Verdict(False, "oidc.issuer_uri", "the provider does not trust GitHub Actions tokens")
    condition = ctx.values.get("attribute_condition")
    if isinstance(condition, Unknown):
        return Verdict(None, "attribute_condition", "attribute_condition is known only after apply")
    if not isinstance(condition, str) or not condition.strip():
        return Verdict(True, "attribute_condition",
                       "trusts GitHub Actions tokens without an attribute_condition: any repository on GitHub "
                       "can obtain credentials")
    if condition_restricts(condition):
        return Verdict(False, "attribute_condition", f"attribute_condition names an owner or repository: {condition}")
    return Verdict(True, "attribute_condition",
                   f"attribute_condition {condition!r} does not name a GitHub owner or repository")


PREDICATES: dict = {
    "wif_github_unrestricted": wif_github_unrestricted,
}
