"""GCP IAM as a model: bindings from every spelling (member, binding, policy) at every level.

GCP IAM is additive: a principal holds a role on a project when any
``google_project_iam_member`` (one member), ``google_project_iam_binding`` (``members``) or
``google_project_iam_policy`` (``policy_data``, usually from a ``data.google_iam_policy``
with ``binding`` blocks, or a ``jsonencode``d policy) grants it, and roles granted on a
folder or organization are inherited. The same three spellings exist for folders,
organizations and most resources (buckets, datasets, Cloud Run services, functions, ...).

``bindings_of(ctx, resource)`` turns any of these resources into ``Binding`` values;
``bindings_on(ctx, target)`` collects the bindings every IAM resource places on a target
(a bucket, a project) through a reference. Predicates ask "does it grant role R to member M"
with glob patterns; a role or member only known after apply gives unknown, never a failure.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from analyzer.evaluate.values import TemplateParts, Unknown, values_at
from analyzer.graph import referenced, referrers
from analyzer.rules.verdict import Verdict


@dataclass(frozen=True)
class Binding:
    """One (role, member) grant; role/member may be Unknown. ``source`` says where it is written."""

    role: object
    member: object
    source: str
    conditional: bool = False


# --- reading bindings ------------------------------------------------------------

def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _policy_document(value):
    """A policy given as JSON text (or the known structure of a partly unknown jsonencode)."""
    if isinstance(value, Unknown):
        return value.partial if isinstance(value.partial, dict) else None
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError:
            return None
        return document if isinstance(document, dict) else None
    return value if isinstance(value, dict) else None


def _policy_bindings(ctx, resource) -> list | Unknown:
    """Bindings of ``policy_data`` (``*_iam_policy`` resources)."""
    policy_data = resource.values.get("policy_data")
    sources = []
    if ctx.graph is not None and resource.address in ctx.graph:
        sources = [r for r in referenced(ctx.graph, resource.address, "policy_data")
                   if r.type == "google_iam_policy" and r.mode == "data"]
    found = []
    for source in sources:
        blocks = source.values.get("binding")
        if isinstance(blocks, Unknown):
            return Unknown(f"the bindings of {source.address} are known only after apply")
        for block in _as_list(blocks):
            if not isinstance(block, dict):
                return Unknown(f"a binding of {source.address} is known only after apply")
            members = block.get("members")
            if isinstance(members, Unknown):
                found.append(Binding(block.get("role"), members, source.address, bool(block.get("condition"))))
                continue
            for member in _as_list(members):
                found.append(Binding(block.get("role"), member, source.address, bool(block.get("condition"))))
    if sources:
        return found
    document = _policy_document(policy_data)
    if document is None:
        if isinstance(policy_data, Unknown):
            return Unknown(f"policy_data is known only after apply ({policy_data.reason})")
        return []
    bindings = document.get("bindings")
    if isinstance(bindings, Unknown):
        return Unknown("the policy's bindings are known only after apply")
    for block in _as_list(bindings):
        if not isinstance(block, dict):
            return Unknown("a policy binding is known only after apply")
        members = block.get("members")
        for member in ([members] if isinstance(members, Unknown) else _as_list(members)):
            found.append(Binding(block.get("role"), member, f"{resource.address}.policy_data",
                                 bool(block.get("condition"))))
    return found


def bindings_of(ctx, resource) -> list | Unknown:
    """The (role, member) bindings an IAM resource grants, whatever its spelling:
    ``*_iam_member`` (role, member), ``*_iam_binding`` (role, members), ``*_iam_policy``
    (policy_data). Unknown when the set of bindings itself is unknown."""
    values = resource.values
    conditional = bool(values.get("condition"))
    if resource.type.endswith("_iam_policy"):
        return _policy_bindings(ctx, resource)
    if resource.type.endswith("_iam_binding"):
        members = values.get("members")
        if isinstance(members, Unknown):
            return [Binding(values.get("role"), members, resource.address, conditional)]
        return [Binding(values.get("role"), m, resource.address, conditional) for m in _as_list(members)]
    if resource.type.endswith("_iam_member"):
        return [Binding(values.get("role"), values.get("member"), resource.address, conditional)]
    return []


def bindings_on(ctx, target, via: str) -> list:
    """Bindings that IAM resources referring to ``target`` through ``via`` place on it
    (``google_storage_bucket_iam_member.bucket = google_storage_bucket.b.name``)."""
    found = []
    if ctx.graph is None or target.address not in ctx.graph:
        return found
    for other in referrers(ctx.graph, target.address, via):
        if "_iam_" in other.type:
            grants = bindings_of(ctx, other)
            if isinstance(grants, Unknown):
                found.append(Binding(grants, grants, other.address))
            else:
                found.extend(grants)
    return found


# --- matching -------------------------------------------------------------------

_USER_MANAGED_SA = re.compile(r"(^|\.)google_service_account\.[^.]+(\[[^\]]*\])?\.(email|member)$")
_DEFAULT_COMPUTE_SA = "-compute@developer.gserviceaccount.com"
_CUSTOM_ROLE = re.compile(r"(^|\.)google_(project|organization)_iam_custom_role\.")


def _pattern_prefix(pattern: str) -> str:
    return re.split(r"[*?\[]", pattern, 1)[0]


def _unknown_parts(value) -> list:
    if isinstance(value, Unknown) and isinstance(value.partial, TemplateParts):
        return [p for p in value.partial.parts if isinstance(p, Unknown)]
    return [value] if isinstance(value, Unknown) else []


def _known_shape(value):
    """A partly known member string: its literal prefix, or what a computed attribute
    certainly is (google_service_account.x.member is "serviceAccount:<x>@<p>.iam...")."""
    if isinstance(value, Unknown) and isinstance(value.partial, TemplateParts):
        parts = value.partial.parts
        prefix = parts[0] if parts and isinstance(parts[0], str) else ""
        return prefix
    if isinstance(value, Unknown) and value.origin and _USER_MANAGED_SA.search(value.origin):
        return "serviceAccount:" if value.origin.endswith(".member") else ""
    return ""


_DEFAULT_SA_DATA = re.compile(r"(^|\.)data\.google_compute_default_service_account\.[^.]+(\[[^\]]*\])?\.(email|member)$")


def _placeholder(unknown: Unknown):
    """A stand-in for a computed value whose shape is certain, else None."""
    origin = unknown.origin or ""
    if _DEFAULT_SA_DATA.search(origin):
        email = "000000000000" + _DEFAULT_COMPUTE_SA
    elif _USER_MANAGED_SA.search(origin):
        email = "code-managed@project.iam.gserviceaccount.com"
    else:
        return None
    return "serviceAccount:" + email if origin.endswith(".member") else email


def _reconstructed(value: Unknown):
    parts = value.partial.parts if isinstance(value.partial, TemplateParts) else (value,)
    pieces = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        stand_in = _placeholder(part)
        if stand_in is None:
            return None
        pieces.append(stand_in)
    return "".join(pieces)


def match(value, pattern: str):
    """Does a role/member value match a glob pattern? True, False, or None (unknown)."""
    if isinstance(value, str):
        return fnmatchcase(value, pattern)
    if not isinstance(value, Unknown):
        return False
    whole = _reconstructed(value)
    if whole is not None:
        return fnmatchcase(whole, pattern)
    unknowns = _unknown_parts(value)
    origins = [u.origin or "" for u in unknowns]
    if pattern.endswith(_DEFAULT_COMPUTE_SA) and origins and all(_USER_MANAGED_SA.search(o) for o in origins):
        return False  # a service account created in code is never the default compute one
    if pattern.startswith("roles/") and origins and all(_CUSTOM_ROLE.search(o) for o in origins):
        return False  # a custom role's id is projects/P/roles/R or organizations/O/roles/R
    prefix = _known_shape(value)
    literal = _pattern_prefix(pattern)
    if prefix:
        if not (prefix.startswith(literal) or literal.startswith(prefix)):
            return False
        if pattern == literal + "*" and prefix.startswith(literal):
            return True
    if isinstance(value.partial, TemplateParts) and len(unknowns) < len(value.partial.parts):
        # "serviceAccount:service-${var.n}@gcp-sa-pubsub.iam.gserviceaccount.com": when the pattern
        # matches whatever fills the gaps (tried with a short and a longer filler), it matches.
        fillers = ("0", "0x-y.z")
        if all(fnmatchcase("".join(p if isinstance(p, str) else f for p in value.partial.parts), pattern)
               for f in fillers) and "*" in pattern:
            return True
    return None


def _show(value, noun: str = "member") -> str:
    """A role or member for a message: partly known templates keep their literal parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown) and isinstance(value.partial, TemplateParts):
        return "".join(p if isinstance(p, str) else "${...}" for p in value.partial.parts)
    if isinstance(value, Unknown) and value.origin:
        return f"${{{value.origin}}}"
    return f"a {noun} known only after apply"


def _matches_any(value, patterns) -> object:
    results = [match(value, p) for p in patterns]
    if True in results:
        return True
    if None in results:
        return None
    return False


def grants(bindings, roles, members, exclude_members=()) -> tuple:
    """(True/False/None, evidence): does any binding grant a role in ``roles`` to a member
    in ``members`` (glob patterns), leaving out members in ``exclude_members``?"""
    if isinstance(bindings, Unknown):
        return None, bindings.reason
    unknown = excluded = None
    for binding in bindings:
        role_hit = _matches_any(binding.role, roles)
        member_hit = _matches_any(binding.member, members)
        if member_hit is not False and exclude_members and _matches_any(binding.member, exclude_members) is True:
            if role_hit is not False and excluded is None:
                excluded = f"{binding.source} grants {_show(binding.role, 'role')} to {_show(binding.member)}, which is left out"
            member_hit = False
        if role_hit is True and member_hit is True:
            condition = " (conditional binding)" if binding.conditional else ""
            return True, f"{binding.source} grants {_show(binding.role, 'role')} to {_show(binding.member)}{condition}"
        if role_hit is not False and member_hit is not False and unknown is None:
            unknown = f"{binding.source} grants {_show(binding.role, 'role')} to {_show(binding.member)}"
    if unknown:
        return None, unknown
    if excluded:
        return False, excluded
    return False, f"no binding grants {', '.join(roles)} to {', '.join(members)}"


# --- predicates -----------------------------------------------------------------

def iam_grants_role(ctx, args: dict) -> Verdict:
    """True when this IAM resource (member, binding or policy spelling) grants one of
    ``args.roles`` to one of ``args.members`` (glob patterns, e.g. ``roles/owner``,
    ``serviceAccount:*``, ``allUsers``); ``args.exclude_members`` are left out."""
    resource = ctx.resource
    value, evidence = grants(bindings_of(ctx, resource), args["roles"], args["members"],
                             args.get("exclude_members", ()))
    attr = "policy_data" if resource.type.endswith("_iam_policy") else (
        "members" if resource.type.endswith("_iam_binding") else "member")
    return Verdict(value, attr, evidence)


def iam_target_grants_role(ctx, args: dict) -> Verdict:
    """True when IAM resources referring to this resource through ``args.via`` grant one of
    ``args.roles`` to one of ``args.members``."""
    value, evidence = grants(bindings_on(ctx, ctx.resource, args["via"]), args["roles"], args["members"],
                             args.get("exclude_members", ()))
    return Verdict(value, None, evidence)


def _scopes_include(scopes, wanted) -> object:
    if isinstance(scopes, Unknown):
        return None
    items = _as_list(scopes)
    if any(isinstance(i, str) and (i in wanted or i.rsplit("/", 1)[-1] in wanted) for i in items):
        return True
    return None if any(isinstance(i, Unknown) for i in items) else False


def uses_default_compute_sa(ctx, args: dict) -> Verdict:
    """True when a VM (or template) runs as the default Compute Engine service account
    (``<number>-compute@developer.gserviceaccount.com``): a ``service_account`` block whose
    ``email`` is that account or unset (the provider then uses the default). No block: no
    service account at all. With ``args.scopes``, only when the block also has one of them."""
    blocks = ctx.values.get("service_account")
    if isinstance(blocks, Unknown):
        return Verdict(None, "service_account", "service_account is known only after apply")
    blocks = _as_list(blocks)
    if not blocks:
        return Verdict(False, "service_account", "no service account attached")
    unknown = narrow = None
    for block in blocks:
        if not isinstance(block, dict):
            unknown = Verdict(None, "service_account", "a service_account block is known only after apply")
            continue
        email = block.get("email")
        default = True if email in (None, "", "default") else match(email, "*" + _DEFAULT_COMPUTE_SA)
        scoped = _scopes_include(block.get("scopes"), set(args["scopes"])) if args.get("scopes") else True
        if default is True and scoped is True:
            shown = email if isinstance(email, str) and email else "not set (the provider uses the default)"
            scopes = " with scope " + "/".join(args["scopes"]) if args.get("scopes") else ""
            return Verdict(True, "service_account", f"service_account.email is {shown}: the default compute "
                                                    f"service account{scopes}")
        if default is not False and scoped is not False and unknown is None:
            unknown = Verdict(None, "service_account", "service_account.email or scopes known only after apply")
        if default is True and scoped is False:
            narrow = Verdict(False, "service_account", "the default compute service account without scope "
                                                       + "/".join(args["scopes"]))
    return unknown or narrow or Verdict(False, "service_account", "runs as a dedicated service account")


def email_is_default_compute_sa(ctx, args: dict) -> Verdict:
    """True when the service-account e-mail at ``args.attr`` (a dotted path) is the default
    compute service account, "default", or unset (the provider then uses the default)."""
    path = args["attr"]
    found = [v for v in values_at(ctx.values, path) if v not in (None, "")]
    if not found:
        return Verdict(True, path, f"{path} is not set (the default compute service account is used)")
    unknown = None
    for value in found:
        hit = True if value == "default" else match(value, "*" + _DEFAULT_COMPUTE_SA)
        if hit is True:
            return Verdict(True, path, f"{path} is the default compute service account")
        if hit is None:
            unknown = Verdict(None, path, f"{path} is known only after apply")
    return unknown or Verdict(False, path, f"{path} is a dedicated service account")


PREDICATES: dict = {
    "email_is_default_compute_sa": email_is_default_compute_sa,
    "uses_default_compute_sa": uses_default_compute_sa,
    "iam_grants_role": iam_grants_role,
    "iam_target_grants_role": iam_target_grants_role,
}
