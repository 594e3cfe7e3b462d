"""AWS predicates over IAM policy documents and console-user MFA.

Plain functions ``(ctx, args) -> Verdict`` in one explicit dict, merged (as ``aws.<name>``)
into ``analyzer.rules.predicates.PREDICATES``. A predicate answers the question its name asks
(``policy_allows_admin`` is True when the policy grants ``*`` on ``*``); rules negate it
with ``not`` where the question names the bad state.
"""
from __future__ import annotations

import re

from analyzer.providers.aws.policy import (
    Answer, allows_action_on_all_resources, allows_admin, allows_privilege_escalation, allows_service_wildcard,
    denies_insecure_transport, github_oidc_unrestricted, policy_for, requires_mfa, wildcard_principal_allows,
)
from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.model import CheckContext
from analyzer.providers.scope_index import scope_index
from analyzer.rules.verdict import Verdict


def _at(ctx, resource) -> CheckContext:
    """The context of a neighbouring resource, to read its own policy."""
    return CheckContext(resource.values, resource, ctx.graph, ctx.by_type)


def _policy_verdict(ctx, args: dict, question, absent: str, **options) -> Verdict:
    attr = args["attr"]
    policy = policy_for(ctx, attr)
    if policy is None:
        return Verdict(False, attr, f"no {attr} set{absent}")
    answer = question(policy, **options)
    return Verdict(answer.value, attr, f"{attr}: {answer.evidence}")


# --- policy questions -------------------------------------------------------------

def policy_allows_admin(ctx, args: dict) -> Verdict:
    """True when the policy in ``args.attr`` has an Allow of action ``*`` on resource ``*``."""
    return _policy_verdict(ctx, args, allows_admin, "")


def policy_allows_action_on_all(ctx, args: dict) -> Verdict:
    """True when the policy allows ``args.action`` (IAM wildcards count) on resource ``*``;
    statements granting ``*`` on ``*`` are left to policy_allows_admin."""
    return _policy_verdict(ctx, args, allows_action_on_all_resources, "", action=args["action"])


def policy_allows_service_wildcard(ctx, args: dict) -> Verdict:
    """True when the policy allows every action of a service (``s3:*``) or everything but a
    NotAction list, on resource ``*``, without a condition; ``*`` on ``*`` is left to
    policy_allows_admin."""
    return _policy_verdict(ctx, args, allows_service_wildcard, "")


def policy_allows_privilege_escalation(ctx, args: dict) -> Verdict:
    """True when the policy allows, on resource ``*`` and without a condition, an IAM
    privilege-escalation action or combination (policy.ESCALATION_ACTIONS / _COMBINATIONS)."""
    return _policy_verdict(ctx, args, allows_privilege_escalation, "")


def policy_wildcard_principal(ctx, args: dict) -> Verdict:
    """True when the policy allows Principal ``*`` without a restricting condition.

    ``args.extra_keys`` / ``args.extra_true_keys`` add condition keys that restrict here
    (e.g. sts:ExternalId in a role trust policy)."""
    return _policy_verdict(ctx, args, wildcard_principal_allows, "",
                           extra_keys=tuple(args.get("extra_keys", ())),
                           extra_true_keys=tuple(args.get("extra_true_keys", ())))


def policy_denies_insecure_transport(ctx, args: dict) -> Verdict:
    """True when the policy denies every principal the ``args.service`` (default s3) actions
    over plain HTTP (aws:SecureTransport false)."""
    return _policy_verdict(ctx, args, denies_insecure_transport, " (nothing denies plain HTTP)",
                           service=args.get("service", "s3"))


def policy_github_oidc_unrestricted(ctx, args: dict) -> Verdict:
    """True when a trust policy lets GitHub Actions OIDC tokens of any repository assume the role."""
    return _policy_verdict(ctx, args, github_oidc_unrestricted, "")


# --- console users and MFA ---------------------------------------------------------

_AWS_MANAGED_POLICY = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/")


def _as_items(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _edge_targets(ctx, resource, attr: str) -> list:
    graph = ctx.graph
    if graph is None or resource.address not in graph:
        return []
    return [graph.nodes[t]["resource"] for t in graph.successors(resource.address)
            if attr in graph.edges[resource.address, t]["attributes"]]


def _refers(ctx, other, attr: str, addresses: set, names: set) -> Answer:
    """Does ``other`` name one of ``addresses``/``names`` in its attribute ``attr``?"""
    targets = _edge_targets(ctx, other, attr)
    for target in targets:
        if target.address in addresses:
            return Answer(True, f"{other.address} refers to {target.address}")
    value = other.values.get(attr)
    items = _as_items(value)
    for item in items:
        if isinstance(item, str) and item in names:
            return Answer(True, f'{other.address} names "{item}"')
    unknown = [item for item in items if isinstance(item, Unknown)]
    if isinstance(value, Unknown):
        unknown = [value]
    if unknown and len(targets) < len(unknown):
        return Answer(None, f"{other.address}: {attr} is unknown ({unknown[0].reason})")
    return Answer(False, "")


def _scope_cache(ctx) -> dict:
    """Per-scope indexes, cached on the graph like the engine's companion index (none: uncached)."""
    return scope_index(ctx, "aws_iam_indexes", dict)


def _by_name(ctx, type_name: str) -> dict:
    """Literal ``name`` -> resources of ``type_name`` with it, in by_type order. A scan of every
    policy (user, group) per attachment (login profile) made the scope cost O(N*M)."""
    cache = _scope_cache(ctx)
    key = ("by_name", type_name)
    if key not in cache:
        index: dict = {}
        for resource in ctx.by_type.get(type_name, ()):
            name = resource.values.get("name")
            if isinstance(name, str):
                index.setdefault(name, []).append(resource)
        cache[key] = index
    return cache[key]


def _by_address(ctx, type_name: str) -> dict:
    """Address -> resource of ``type_name``."""
    cache = _scope_cache(ctx)
    key = ("by_address", type_name)
    if key not in cache:
        cache[key] = {r.address: r for r in ctx.by_type.get(type_name, ())}
    return cache[key]


def _referring(ctx, type_name: str, attr: str, addresses: set, names: set) -> list:
    """The resources of ``type_name`` for which ``_refers`` may not be False, in by_type order:
    those whose ``attr`` leads to one of ``addresses`` or names one of ``names``, and those whose
    ``attr`` is unknown beyond its references (which ``_refers`` answers None whatever we look for)."""
    cache = _scope_cache(ctx)
    key = ("referring", type_name, attr)
    if key not in cache:
        resources = tuple(ctx.by_type.get(type_name, ()))
        by_address: dict = {}
        by_item: dict = {}
        open_ones = []
        for position, resource in enumerate(resources):
            targets = _edge_targets(ctx, resource, attr)
            for target in targets:
                by_address.setdefault(target.address, set()).add(position)
            value = resource.values.get(attr)
            items = _as_items(value)
            for item in items:
                if isinstance(item, str):
                    by_item.setdefault(item, set()).add(position)
            unknown = [value] if isinstance(value, Unknown) else [i for i in items if isinstance(i, Unknown)]
            if unknown and len(targets) < len(unknown):
                open_ones.append(position)
        cache[key] = (resources, by_address, by_item, frozenset(open_ones))
    resources, by_address, by_item, open_ones = cache[key]
    positions = set(open_ones)
    for address in addresses:
        positions |= by_address.get(address, set())
    for name in names:
        if isinstance(name, str):
            positions |= by_item.get(name, set())
    return [resources[p] for p in sorted(positions)]


def _names_of(resources) -> set:
    return {r.values.get("name") for r in resources if isinstance(r.values.get("name"), str)}


def _policy_answer(ctx, holder, policy, source: str) -> Answer:
    if policy is None:
        return Answer(False, "")
    answer = requires_mfa(policy)
    value = answer.value
    if value is True and isinstance(holder.exists, Unknown):
        value = None
    return Answer(value, f"{source}: {answer.evidence}")


def _policy_from_arn(ctx, holder) -> Answer:
    """MFA question for the managed policy a *_policy_attachment points at (policy_arn)."""
    for target in _edge_targets(ctx, holder, "policy_arn"):
        if target.type == "aws_iam_policy" and target.mode == "managed":
            return _policy_answer(ctx, holder, policy_for(_at(ctx, target), "policy"),
                                  f"{holder.address} -> {target.address}")
    arn = holder.values.get("policy_arn")
    if isinstance(arn, str):
        if _AWS_MANAGED_POLICY.match(arn):
            return Answer(False, f"{holder.address}: AWS managed policy {arn} does not enforce MFA")
        name = arn.rsplit("/", 1)[-1]
        for policy in _by_name(ctx, "aws_iam_policy").get(name, ())[:1]:
            return _policy_answer(ctx, holder, policy_for(_at(ctx, policy), "policy"),
                                      f"{holder.address} -> {policy.address}")
        return Answer(None, f"{holder.address}: policy {arn} is not in the scanned code")
    reason = arn.reason if isinstance(arn, Unknown) else "not a managed policy in the scanned code"
    return Answer(None, f"{holder.address}: policy_arn is unknown ({reason})")


def _attached_answers(ctx, addresses: set, names: set, kind: str) -> list:
    """MFA answers for every policy attached to the user (kind "user") or group ("group")."""
    inline_type, attachment_type, list_attr = (("aws_iam_user_policy", "aws_iam_user_policy_attachment", "users")
                                               if kind == "user" else
                                               ("aws_iam_group_policy", "aws_iam_group_policy_attachment", "groups"))
    answers = []
    for holder in _referring(ctx, inline_type, kind, addresses, names):
        link = _refers(ctx, holder, kind, addresses, names)
        if link.value is not False:
            policy = _policy_answer(ctx, holder, policy_for(_at(ctx, holder), "policy"), holder.address)
            answers.append(policy if link.value else Answer(None if policy.value is not False else False,
                                                            link.evidence))
    for holder in _referring(ctx, attachment_type, kind, addresses, names):
        link = _refers(ctx, holder, kind, addresses, names)
        if link.value is not False:
            policy = _policy_from_arn(ctx, holder)
            answers.append(policy if link.value else Answer(None if policy.value is not False else False,
                                                            link.evidence))
    for holder in _referring(ctx, "aws_iam_policy_attachment", list_attr, addresses, names):
        link = _refers(ctx, holder, list_attr, addresses, names)
        if link.value is not False:
            policy = _policy_from_arn(ctx, holder)
            answers.append(policy if link.value else Answer(None if policy.value is not False else False,
                                                            link.evidence))
    return answers


def _groups_of(ctx, addresses: set, names: set):
    """(group addresses, group names, unknown links) of the user's group memberships."""
    group_addresses, group_names, unknown = set(), set(), []
    for membership in _referring(ctx, "aws_iam_user_group_membership", "user", addresses, names):
        link = _refers(ctx, membership, "user", addresses, names)
        if link.value is None:
            unknown.append(link)
        if not link.value:
            continue
        targets = [t for t in _edge_targets(ctx, membership, "groups") if t.type == "aws_iam_group"]
        group_addresses |= {t.address for t in targets}
        groups = membership.values.get("groups")
        items = _as_items(groups)
        group_names |= {g for g in items if isinstance(g, str)}
        missing = [g for g in items if isinstance(g, Unknown)] or ([groups] if isinstance(groups, Unknown) else [])
        if missing and len(targets) < len(missing):
            unknown.append(Answer(None, f"{membership.address}: groups are unknown ({missing[0].reason})"))
    for membership in _referring(ctx, "aws_iam_group_membership", "users", addresses, names):
        link = _refers(ctx, membership, "users", addresses, names)
        if link.value is None:
            unknown.append(link)
        if not link.value:
            continue
        targets = [t for t in _edge_targets(ctx, membership, "group") if t.type == "aws_iam_group"]
        group_addresses |= {t.address for t in targets}
        group = membership.values.get("group")
        if isinstance(group, str):
            group_names.add(group)
        elif not targets:
            unknown.append(Answer(None, f"{membership.address}: group is unknown"))
    groups = _by_address(ctx, "aws_iam_group")
    group_names |= _names_of([groups[a] for a in group_addresses if a in groups])
    named = _by_name(ctx, "aws_iam_group")
    group_addresses |= {g.address for name in group_names for g in named.get(name, ())}
    return group_addresses, group_names, unknown


def console_user_mfa_enforced(ctx, args: dict) -> Verdict:
    """For aws_iam_user_login_profile: the user has an MFA-enforcing policy attached directly
    (aws_iam_user_policy, aws_iam_user_policy_attachment, aws_iam_policy_attachment) or
    through a group (aws_iam_user_group_membership / aws_iam_group_membership, then
    aws_iam_group_policy, aws_iam_group_policy_attachment, aws_iam_policy_attachment)."""
    attr = args.get("attr", "user")
    value = ctx.values.get(attr)
    users = [u for u in _edge_targets(ctx, ctx.resource, attr) if u.type == "aws_iam_user"]
    if isinstance(value, str):
        users += [u for u in _by_name(ctx, "aws_iam_user").get(value, ()) if u not in users]
    if not users and not isinstance(value, str):
        reason = value.reason if isinstance(value, Unknown) else "not set"
        return Verdict(None, attr, f"the user is unknown ({reason})")
    addresses = {u.address for u in users}
    names = _names_of(users) | ({value} if isinstance(value, str) else set())
    label = ", ".join(sorted(names)) or ", ".join(sorted(addresses))
    answers = _attached_answers(ctx, addresses, names, "user")
    group_addresses, group_names, unknown_links = _groups_of(ctx, addresses, names)
    if group_addresses or group_names:
        answers += _attached_answers(ctx, group_addresses, group_names, "group")
    answers += unknown_links
    found = Answer(False, "")
    for answer in answers:
        if answer.value is True:
            return Verdict(True, attr, answer.evidence)
        if answer.value is None and found.value is False:
            found = answer
    if found.value is None:
        return Verdict(None, attr, found.evidence)
    return Verdict(False, attr, f'no policy that enforces MFA is attached to user "{label}" '
                                f"directly or through a group")


# --- managed policy attachments -------------------------------------------------------

def managed_policy_attached(ctx, args: dict) -> Verdict:
    """True when ``args.attr`` (an ARN or a list of ARNs) names the AWS managed policy
    ``args.policy`` (e.g. AdministratorAccess), literally or through a data.aws_iam_policy.
    An ARN taken from a managed aws_iam_policy resource is a customer policy, not it."""
    attr, name = args["attr"], args["policy"]
    pattern = re.compile(rf"^arn:aws[a-z-]*:iam::aws:policy/(.*/)?{re.escape(name)}$")
    value = ctx.values.get(attr)
    if value is None or value == []:
        return Verdict(False, attr, f"{attr} is not set")
    items = [value] if isinstance(value, Unknown) else _as_items(value)
    for item in items:
        if isinstance(item, str) and pattern.match(item):
            return Verdict(True, attr, f'{attr} attaches "{item}"')
        if isinstance(item, Unknown) and _tail_names(item, name):
            return Verdict(True, attr, f"{attr} attaches the AWS managed policy {name} (in any partition)")
    explained = 0
    for target in _edge_targets(ctx, ctx.resource, attr):
        if target.type != "aws_iam_policy":
            continue
        if target.mode == "managed":
            explained += 1
            continue
        target_name, target_arn = target.values.get("name"), target.values.get("arn")
        if target_name == name or (isinstance(target_arn, str) and pattern.match(target_arn)):
            return Verdict(True, attr, f"{attr} attaches {target.address}, the AWS managed policy {name}")
        if isinstance(target_name, str) or isinstance(target_arn, str):
            explained += 1
    # "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy":
    # the literal tail already says which policy it is.
    unknown = [item for item in items if isinstance(item, Unknown) and not _tail_excludes(item, name)]
    if len(unknown) > explained:
        return Verdict(None, attr, f"{attr} is unknown ({unknown[0].reason})")
    return Verdict(False, attr, f"{name} is not attached")


def _tail_names(value: Unknown, name: str) -> bool:
    """"arn:${partition}:iam::aws:policy/<name>": an AWS managed policy ARN in any partition."""
    parts = value.partial.parts if isinstance(value.partial, TemplateParts) else ()
    return bool(parts) and isinstance(parts[-1], str) and parts[-1].endswith(f":iam::aws:policy/{name}") \
        and isinstance(parts[0], str) and parts[0] == "arn:"


def _tail_excludes(value: Unknown, name: str) -> bool:
    """A template whose literal end cannot end with ``/<name>``."""
    parts = value.partial.parts if isinstance(value.partial, TemplateParts) else ()
    if not parts or not isinstance(parts[-1], str):
        return False
    tail = parts[-1]
    return "/" in tail and not tail.endswith(f"/{name}")


IAM_PREDICATES: dict = {
    "policy_allows_admin": policy_allows_admin,
    "policy_allows_action_on_all": policy_allows_action_on_all,
    "policy_allows_service_wildcard": policy_allows_service_wildcard,
    "policy_allows_privilege_escalation": policy_allows_privilege_escalation,
    "policy_wildcard_principal": policy_wildcard_principal,
    "policy_denies_insecure_transport": policy_denies_insecure_transport,
    "policy_github_oidc_unrestricted": policy_github_oidc_unrestricted,
    "console_user_mfa_enforced": console_user_mfa_enforced,
    "managed_policy_attached": managed_policy_attached,
}

