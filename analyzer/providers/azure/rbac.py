"""Azure role definitions and assignments: how broad a scope is, what a role grants.

Scopes are ARM ids: "/" (root), "/providers/Microsoft.Management/managementGroups/<mg>",
"/subscriptions/<id>", "/subscriptions/<id>/resourceGroups/<rg>[/...]". A scope written as
``data.azurerm_subscription.current.id`` or ``"/subscriptions/${var.subscription_id}"`` is
a subscription even though its value is known only at plan time: the shape is decided in
the code, so it is judged (the id itself does not matter to the question).
"""
from __future__ import annotations

import re

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.rules.verdict import Verdict

# Built-in role ids (the same in every tenant).
BUILTIN_ROLE_IDS = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
}
_SUBSCRIPTION = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
_MANAGEMENT_GROUP = re.compile(r"^/providers/microsoft\.management/managementgroups/[^/]+/?$", re.IGNORECASE)
# Computed ids that are subscriptions or management groups by construction.
_BROAD_ORIGINS = re.compile(r"^(module\.[^.]+\.)*(data\.)?(azurerm_subscription|azurerm_management_group)\.[^.]+"
                            r"(\[[^\]]*\])?\.id$")

_RESOURCE_ID_ORIGIN = re.compile(r"^(module\.[^.]+\.)*(data\.)?azurerm_(?!subscription\b|subscriptions\b|management_group\b)"
                                 r"[a-z0-9_]+\.[^.]+(\[[^\]]*\])?\.id$")


def scope_breadth(scope):
    """"root", "management group", "subscription", "narrow", or None when it cannot be told."""
    if isinstance(scope, str):
        text = scope.strip()
        if text == "/":
            return "root"
        if _MANAGEMENT_GROUP.match(text):
            return "management group"
        if _SUBSCRIPTION.match(text):
            return "subscription"
        return "narrow"
    if isinstance(scope, Unknown):
        origin = scope.origin or ""
        if _BROAD_ORIGINS.match(origin):
            return "management group" if "management_group" in origin else "subscription"
        if _RESOURCE_ID_ORIGIN.match(origin):
            # The id of a resource group or any other resource lies below a subscription.
            return "narrow"
        parts = scope.partial.parts if isinstance(scope.partial, TemplateParts) else None
        if parts and isinstance(parts[0], Unknown) and len(parts) > 1:
            # "${azurerm_storage_account.x.id}/blobServices/default": below what it extends.
            head = scope_breadth(parts[0])
            tail = "".join(p for p in parts[1:] if isinstance(p, str)).lower()
            if head == "narrow" or (head in ("subscription", "management group")
                                    and re.match(r"^/(resourcegroups|providers)/.+", tail)):
                return "narrow"
        if parts and isinstance(parts[0], str):
            head = parts[0].lower()
            # "/subscriptions/${var.id}": nothing after the interpolation, so a subscription.
            if len(parts) == 2 and head in ("/subscriptions/", "/providers/microsoft.management/managementgroups/"):
                return "subscription" if head == "/subscriptions/" else "management group"
            if re.match(r"^/subscriptions/[^/]+/resourcegroups/", head):
                return "narrow"
    return None


def _role_name(values: dict):
    name = values.get("role_definition_name")
    if isinstance(name, str):
        return name
    role_id = values.get("role_definition_id")
    if isinstance(role_id, str):
        return BUILTIN_ROLE_IDS.get(role_id.rstrip("/").rsplit("/", 1)[-1].lower(), role_id)
    return name if isinstance(name, Unknown) else role_id


def assignment_not_broad(ctx, args: dict) -> Verdict:
    """True unless the role assignment grants one of ``args.roles`` (built-in role names) at
    subscription, management-group or root scope."""
    roles = {r.lower() for r in args.get("roles", [])}
    values = ctx.values
    role = _role_name(values)
    if isinstance(role, Unknown):
        return Verdict(None, "role_definition_name", "the role is known only after apply")
    if not isinstance(role, str) or role.lower() not in roles:
        return Verdict(True, "role_definition_name", f"role {role!r} is not one of {sorted(args.get('roles', []))}")
    breadth = scope_breadth(values.get("scope"))
    if breadth is None:
        return Verdict(None, "scope", f"role {role} is assigned at a scope known only after apply")
    if breadth == "narrow":
        return Verdict(True, "scope", f"role {role} is assigned below subscription scope")
    return Verdict(False, "role_definition_name", f"role {role} is assigned at {breadth} scope")


def custom_role_not_admin(ctx, args: dict) -> Verdict:
    """True unless an ``azurerm_role_definition`` allows every action ("*") and can be assigned
    at subscription, management-group or root scope (``assignable_scopes``, else ``scope``)."""
    values = ctx.values
    permissions = values.get("permissions")
    actions = []
    for block in permissions if isinstance(permissions, list) else [permissions]:
        if isinstance(block, Unknown):
            return Verdict(None, "permissions", "permissions are known only after apply")
        if isinstance(block, dict):
            found = block.get("actions")
            if isinstance(found, Unknown):
                return Verdict(None, "permissions", "permissions.actions is known only after apply")
            actions.extend(found or [])
    if any(isinstance(a, Unknown) for a in actions) and "*" not in actions:
        return Verdict(None, "permissions", "an action is known only after apply")
    if "*" not in actions:
        return Verdict(True, "permissions", "no action is \"*\"")
    scopes = values.get("assignable_scopes")
    if scopes in (None, []):
        scopes = [values.get("scope")]
    if isinstance(scopes, Unknown):
        return Verdict(None, "assignable_scopes", "assignable_scopes is known only after apply")
    breadths = [scope_breadth(s) for s in scopes]
    broad = [b for b in breadths if b not in (None, "narrow")]
    if broad:
        return Verdict(False, "permissions", f"actions include \"*\" and the role is assignable at {broad[0]} scope")
    if None in breadths:
        return Verdict(None, "assignable_scopes", "actions include \"*\"; an assignable scope is known only after apply")
    return Verdict(True, "assignable_scopes", "actions include \"*\" but only below subscription scope")


def targets_subscription(ctx, args: dict) -> Verdict:
    """True when ``args.attr`` (default target_resource_id) is a subscription id: a diagnostic
    setting on the subscription exports the Activity Log."""
    attr = args.get("attr", "target_resource_id")
    breadth = scope_breadth(ctx.values.get(attr))
    if breadth is None:
        return Verdict(None, attr, f"{attr} is known only after apply")
    return Verdict(breadth == "subscription", attr, f"{attr} is at {breadth} scope")


PREDICATES: dict = {
    "targets_subscription": targets_subscription,
    "assignment_not_broad": assignment_not_broad,
    "custom_role_not_admin": custom_role_not_admin,
}
