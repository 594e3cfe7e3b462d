"""JSON Schemas of the ``args`` each AWS predicate takes, checked when a rule file is loaded
(analyzer/rules/loader.py), so a wrong argument is a rule-error at load, never a crash mid-scan.
Keys are the names in ``PREDICATES`` (without the ``aws.`` prefix)."""
from __future__ import annotations


def _object(required=(), **properties) -> dict:
    return {"type": "object", "required": list(required), "properties": properties, "additionalProperties": False}


_NAME = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": _NAME}

PREDICATE_ARGS: dict = {
    "policy_allows_admin": _object(["attr"], attr=_NAME),
    "policy_allows_action_on_all": _object(["attr", "action"], attr=_NAME, action=_NAME),
    "policy_wildcard_principal": _object(["attr"], attr=_NAME, extra_keys=_NAMES, extra_true_keys=_NAMES),
    "policy_denies_insecure_transport": _object(["attr"], attr=_NAME, service=_NAME),
    "policy_github_oidc_unrestricted": _object(["attr"], attr=_NAME),
    "console_user_mfa_enforced": _object(attr=_NAME),
    "managed_policy_attached": _object(["attr", "policy"], attr=_NAME, policy=_NAME),
    "ingress_open_to_world": _object(
        ports={"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}},
        all_ports={"type": "boolean"}),
}
