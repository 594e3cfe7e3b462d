"""IAM policy documents, normalized so that rules see one shape whatever the spelling.

A policy reaches a resource's values in one of four spellings:
  (a) ``jsonencode({...})``        -> a JSON string (Unknown if any part is unknown)
  (b) a heredoc                   -> a JSON string (Unknown if an interpolation is unknown)
  (c) ``file("policy.json")``     -> the file's text
  (d) ``data.aws_iam_policy_document.x.json`` -> Unknown (computed), but the graph links the
      resource to the data source, whose ``statement`` blocks are plain values.
``policy_for`` turns any of them into a ``Policy`` (or Unknown, or None when not set).

Three-valued throughout: a field, a statement element or a whole statement may be
``Unknown``; the helpers answer ``True`` / ``False`` / ``None`` (unknown) and never guess.
Two documented readings of unknowns (both can only avoid a failure, never cause one):
  * an unknown value that stands for a computed resource attribute (``Unknown.origin``: an
    ARN, an id, an account id) is never the literal wildcard ``"*"``;
  * a restricting condition (``aws:SourceArn`` ...) whose values are unknown still restricts.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from analyzer import logic
from analyzer.evaluate.values import TemplateParts, Unknown, values_at
from analyzer.model import CheckContext
from analyzer.providers.scope_index import scope_index

POLICY_DOCUMENT = "aws_iam_policy_document"
_JSON_ATTRS = ("json", "minified_json")


# --- normalized policy --------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    """One statement. Lists are sorted tuples of strings, possibly with Unknown elements.

    ``principals`` / ``not_principals`` map a principal type ("AWS", "Service",
    "Federated", "CanonicalUser") to a tuple of identifiers, or are Unknown.
    ``conditions`` is a tuple of ``(operator, key, values)``; operator and key may be Unknown.
    """

    effect: object = "Allow"  # "Allow" | "Deny" | Unknown
    actions: tuple = ()
    not_actions: tuple = ()
    resources: tuple = ()
    not_resources: tuple = ()
    principals: object = field(default_factory=dict)
    not_principals: object = field(default_factory=dict)
    conditions: object = ()
    sid: object = ""


@dataclass(frozen=True)
class Policy:
    """A policy: its statements, each a Statement or Unknown (an unknown dynamic block)."""

    statements: tuple = ()


class Answer(NamedTuple):
    """A three-valued answer with what decided it, for the finding's message."""

    value: bool | None
    evidence: str


# --- small helpers ---------------------------------------------------------------

_PRINCIPAL_TYPES = {"aws": "AWS", "service": "Service", "federated": "Federated",
                    "canonicaluser": "CanonicalUser", "*": "AWS"}


def _get(mapping: dict, name: str, default=None):
    """Case-insensitive key lookup (AWS accepts "statement", "effect"... in any case)."""
    if name in mapping:
        return mapping[name]
    lowered = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return default


def _scalar_text(value):
    if isinstance(value, Unknown) or value is None:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, (int, float, str)) else value


def _norm_list(value) -> tuple:
    """str | list | Unknown -> sorted tuple of unique strings, Unknowns kept at the end."""
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return (value,)
    items = value if isinstance(value, (list, tuple)) else [value]
    known, unknown = set(), []
    for item in items:
        item = _scalar_text(item)
        if isinstance(item, Unknown):
            unknown.append(item)
        elif isinstance(item, str):
            known.add(item)
        elif item is not None:
            unknown.append(Unknown(f"unexpected policy value {item!r}"))
    return tuple(sorted(known)) + tuple(unknown)


def _norm_effect(value):
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("allow", "deny"):
        return value.capitalize()
    return Unknown(f"effect {value!r} is not Allow or Deny")


def _norm_principal(value):
    """JSON Principal: "*" | {"AWS": "..." | [...], ...} -> {type: tuple}."""
    if value is None:
        return {}
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return {"AWS": (value,)} if value == "*" else {"AWS": _norm_list(value)}
    if isinstance(value, dict):
        result: dict = {}
        for key, identifiers in value.items():
            if isinstance(key, Unknown):
                return key
            kind = _PRINCIPAL_TYPES.get(str(key).lower(), str(key))
            result[kind] = tuple(sorted(set(result.get(kind, ()) + _norm_list(identifiers)), key=_sort_key))
        return result
    return Unknown(f"principal {value!r} is not a string or an object")


def _principal_blocks(blocks):
    """aws_iam_policy_document ``principals`` blocks -> {type: tuple}."""
    if blocks is None:
        return {}
    if isinstance(blocks, Unknown):
        return blocks
    result: dict = {}
    for block in blocks:
        if isinstance(block, Unknown) or not isinstance(block, dict):
            return block if isinstance(block, Unknown) else Unknown("principals block is not an object")
        kind = block.get("type")
        if isinstance(kind, Unknown):
            return kind
        kind = _PRINCIPAL_TYPES.get(str(kind).lower(), str(kind))
        result[kind] = tuple(sorted(set(result.get(kind, ()) + _norm_list(block.get("identifiers"))),
                                    key=_sort_key))
    return result


def _sort_key(item):
    return (1, "") if isinstance(item, Unknown) else (0, item)


def _norm_conditions(value):
    """JSON Condition {operator: {key: value(s)}} -> sorted tuple of (operator, key, values)."""
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, dict):
        return Unknown("condition is not an object")
    found = []
    for operator, pairs in value.items():
        if isinstance(pairs, Unknown):
            found.append((operator, pairs, (pairs,)))
            continue
        if not isinstance(pairs, dict):
            return Unknown(f"condition {operator} is not an object")
        for key, values in pairs.items():
            found.append((operator, key, _norm_list(values)))
    return tuple(sorted(found, key=_condition_key))


def _condition_blocks(blocks):
    if blocks is None:
        return ()
    if isinstance(blocks, Unknown):
        return blocks
    found = []
    for block in blocks:
        if isinstance(block, Unknown) or not isinstance(block, dict):
            return block if isinstance(block, Unknown) else Unknown("condition block is not an object")
        found.append((block.get("test"), block.get("variable"), _norm_list(block.get("values"))))
    return tuple(sorted(found, key=_condition_key))


def _condition_key(condition):
    return tuple(str(part) if not isinstance(part, Unknown) else "\uffff" for part in condition[:2])


# --- parsing the spellings --------------------------------------------------------

def statement_from_json(raw) -> Statement | Unknown:
    if isinstance(raw, Unknown):
        return raw
    if not isinstance(raw, dict):
        return Unknown("statement is not an object")
    return Statement(
        effect=_norm_effect(_get(raw, "Effect")),
        actions=_norm_list(_get(raw, "Action")),
        not_actions=_norm_list(_get(raw, "NotAction")),
        resources=_norm_list(_get(raw, "Resource")),
        not_resources=_norm_list(_get(raw, "NotResource")),
        principals=_norm_principal(_get(raw, "Principal")),
        not_principals=_norm_principal(_get(raw, "NotPrincipal")),
        conditions=_norm_conditions(_get(raw, "Condition")),
        sid=_get(raw, "Sid") or "",
    )


def parse_policy_json(text) -> Policy | Unknown:
    """A policy JSON string (or an already decoded object) -> Policy, or Unknown."""
    if isinstance(text, Unknown):
        return text
    if isinstance(text, str):
        try:
            document = json.loads(text)
        except ValueError as err:
            return Unknown(f"policy is not valid JSON ({err.msg})")
    else:
        document = text
    if isinstance(document, Unknown):
        return document
    if not isinstance(document, dict):
        return Unknown("policy is not a JSON object")
    raw = _get(document, "Statement")
    if raw is None:
        return Policy(())
    if isinstance(raw, Unknown):
        return raw
    raw = raw if isinstance(raw, list) else [raw]
    return Policy(tuple(statement_from_json(item) for item in raw))


def statement_from_block(block) -> Statement | Unknown:
    """One ``statement`` block of data.aws_iam_policy_document -> Statement."""
    if isinstance(block, Unknown):
        return block
    if not isinstance(block, dict):
        return Unknown("statement block is not an object")
    effect = block.get("effect")
    return Statement(
        effect=_norm_effect("Allow" if effect is None else effect),
        actions=_norm_list(block.get("actions")),
        not_actions=_norm_list(block.get("not_actions")),
        resources=_norm_list(block.get("resources")),
        not_resources=_norm_list(block.get("not_resources")),
        principals=_principal_blocks(block.get("principals")),
        not_principals=_principal_blocks(block.get("not_principals")),
        conditions=_condition_blocks(block.get("condition")),
        sid=block.get("sid") or "",
    )


def _merge(base: list, overrides) -> list:
    """Statements of ``overrides`` replace those of ``base`` with the same sid, else append."""
    result = list(base)
    for statement in overrides:
        sid = getattr(statement, "sid", "")
        if isinstance(sid, str) and sid:
            for index, existing in enumerate(result):
                if isinstance(existing, Statement) and existing.sid == sid:
                    result[index] = statement
                    break
            else:
                result.append(statement)
        else:
            result.append(statement)
    return result


def from_policy_document_values(values: dict, resolve=None) -> Policy | Unknown:
    """The values of a data.aws_iam_policy_document -> Policy (as its ``json`` would read).

    Follows the provider's merge order: ``source_policy_documents`` (and legacy
    ``source_json``), then the document's own statements, then ``override_policy_documents``
    (and ``override_json``), a later statement replacing an earlier one with the same sid.
    ``resolve(unknown)`` may turn an unknown JSON string (another document's ``.json``)
    into a Policy; without it such a document makes the result Unknown.
    """
    resolve = resolve or (lambda unknown: unknown)

    def documents(*names):
        found = []
        for name in names:
            value = values.get(name)
            if value is None:
                continue
            if isinstance(value, Unknown):
                return value
            for text in value if isinstance(value, list) else [value]:
                policy = resolve(text) if isinstance(text, Unknown) else parse_policy_json(text)
                if not isinstance(policy, Policy):
                    return policy if isinstance(policy, Unknown) else Unknown("document could not be read")
                found.append(policy)
        return found

    sources = documents("source_json", "source_policy_documents")
    if isinstance(sources, Unknown):
        return sources
    overrides = documents("override_policy_documents", "override_json")
    if isinstance(overrides, Unknown):
        return overrides
    blocks = values.get("statement")
    if isinstance(blocks, Unknown):
        return blocks
    statements: list = []
    for policy in sources:
        statements = _merge(statements, policy.statements)
    statements = _merge(statements, [statement_from_block(b) for b in blocks or []])
    for policy in overrides:
        statements = _merge(statements, policy.statements)
    return Policy(tuple(statements))


# --- finding the policy of a resource ---------------------------------------------

def _element_position(ctx):
    """(block name, index) when ctx.values is one element of a nested block list, else None."""
    resource_values = getattr(ctx.resource, "values", None)
    if resource_values is None or ctx.values is resource_values:
        return None
    for name, value in resource_values.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is ctx.values:
                    return name, index
    return None


def _is_policy_document(resource) -> bool:
    return resource is not None and resource.mode == "data" and resource.type == POLICY_DOCUMENT


def _documents(ctx):
    by_type = getattr(ctx, "by_type", None) or {}
    return list(by_type.get(f"data.{POLICY_DOCUMENT}", ()))


def _linked_documents(ctx, edge_attr: str):
    graph = getattr(ctx, "graph", None)
    resource = getattr(ctx, "resource", None)
    if graph is None or resource is None or resource.address not in graph:
        return []
    linked = []
    for target in graph.successors(resource.address):
        if edge_attr in graph.edges[resource.address, target]["attributes"]:
            other = graph.nodes[target]["resource"]
            if other.type == POLICY_DOCUMENT and other.mode == "data":
                linked.append(other)
    return linked


def _documents_by_origin(ctx) -> dict:
    """``<document address>.json`` (or ``.minified_json``) -> the first document with that address.

    Built once per scope and cached on the graph (like the engine's companion index): a scan of
    every policy document for every policy made N policies and M documents cost O(N*M)."""
    def build() -> dict:
        index: dict = {}
        for document in _documents(ctx):
            for suffix in _JSON_ATTRS:
                index.setdefault(f"{document.address}.{suffix}", document)
        return index
    return scope_index(ctx, "aws_policy_documents_by_origin", build)


def _document_for_unknown(unknown: Unknown, candidates):
    """The policy document whose computed ``.json`` this unknown is (from its origin)."""
    for document in candidates:
        if unknown.origin in {f"{document.address}.{suffix}" for suffix in _JSON_ATTRS}:
            return document
    return None


def document_policy(document, ctx, seen=frozenset()) -> Policy | Unknown:
    """A data.aws_iam_policy_document resource -> Policy, following documents it merges."""
    if document.address in seen:
        return Unknown(f"{document.address} merges itself")
    seen = seen | {document.address}
    by_origin = _documents_by_origin(ctx)

    def resolve(unknown):
        other = by_origin.get(unknown.origin)
        if other is None:
            return unknown
        return document_policy(other, ctx, seen)

    return from_policy_document_values(document.values, resolve)


def _policy_of_value(value, ctx, edge_attr: str):
    if value is None or value == "":  # "" is Terraform 0.11's "no policy"
        return None
    if isinstance(value, (str, dict)):
        return parse_policy_json(value)
    if isinstance(value, Unknown):
        document = _document_for_unknown(value, _linked_documents(ctx, edge_attr))
        if document is None:
            document = _documents_by_origin(ctx).get(value.origin)
        if document is not None:
            return document_policy(document, ctx)
        structured = policy_from_partial(value)
        return structured if structured is not None else value
    return Unknown(f"policy is a {type(value).__name__}, not a JSON string")


def policy_for(ctx, attr: str) -> Policy | Unknown | None:
    """The policy held in attribute ``attr`` of the values under test, in any spelling.

    ``attr`` is a name, or ``block.name`` for a nested block list (``inline_policy.policy``):
    then the statements of every element are combined, an unknown element becoming an
    unknown statement. None when the attribute is not set.
    """
    head, _, rest = attr.partition(".")
    if rest and isinstance(ctx.values.get(head), list):
        parts = []
        for element in ctx.values[head]:
            if isinstance(element, Unknown) or not isinstance(element, dict):
                parts.append(element if isinstance(element, Unknown) else Unknown(f"{head} is not a block"))
                continue
            found = policy_for(CheckContext(element, ctx.resource, ctx.graph, ctx.by_type), rest)
            if found is not None:
                parts.append(found)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        statements: list = []
        for part in parts:
            statements.extend(part.statements if isinstance(part, Policy) else [part])
        return Policy(tuple(statements))
    found = values_at(ctx.values, attr)
    if not found:
        if attr in _JSON_ATTRS and _is_policy_document(getattr(ctx, "resource", None)):
            # a rule over data.aws_iam_policy_document asks for the document's own ``json``,
            # which is computed: read it from the document's statement blocks
            return document_policy(ctx.resource, ctx)
        return None
    if len(found) > 1:
        return Unknown(f"{attr} holds several values")
    position = _element_position(ctx)
    edge_attr = position[0] if position else head
    return _policy_of_value(found[0], ctx, edge_attr)


# --- the known structure of a partly unknown policy ---------------------------------
# jsonencode({...}) is Unknown as soon as one leaf is (an ARN), and so is a heredoc with an
# unknown interpolation; the evaluator keeps what is known in ``Unknown.partial``: the object
# given to jsonencode, or the template's pieces. Effects, actions, principals and conditions
# are usually literal, so the policy can still be judged.

def policy_from_partial(value: Unknown) -> Policy | None:
    """The policy structure kept in an Unknown's ``partial``, or None."""
    partial = value.partial
    if isinstance(partial, dict):
        return parse_policy_json(partial)
    if isinstance(partial, TemplateParts):
        document = partial.decode_json()
        return parse_policy_json(document) if isinstance(document, dict) else None
    return None


# --- three-valued logic (analyzer.logic), explained by Answer evidence --------------

def _and(*answers: Answer) -> Answer:
    decider, held = logic.conjunction(answers)
    return decider or Answer(True, "; ".join(a.evidence for a in held if a.evidence))


def _or(answers) -> Answer:
    return logic.disjunction(answers) or Answer(False, "")


def _not(answer: Answer) -> Answer:
    return Answer(logic.negate(answer.value), answer.evidence)


def _label(statement: Statement, index: int) -> str:
    return f'statement "{statement.sid}"' if isinstance(statement.sid, str) and statement.sid \
        else f"statement {index + 1}"


def _statements(policy):
    """(index, statement) pairs, or an Answer(None) when the whole policy is unknown."""
    if isinstance(policy, Unknown):
        return Answer(None, f"policy is unknown ({policy.reason})")
    if policy is None:
        return []
    return list(enumerate(policy.statements))


def is_computed(value: Unknown) -> bool:
    """An unknown that cannot be the literal "*": a computed resource attribute (an ARN, an
    id), or a template with literal text around its unknown parts ("arn:aws:iam::${x}:root")."""
    if not isinstance(value, Unknown):
        return False
    if value.origin is not None:
        return True
    partial = value.partial
    return isinstance(partial, TemplateParts) and any(
        isinstance(part, str) and part.strip("*") for part in partial.parts)


# --- wildcard matching (IAM: * and ?, actions case-insensitive) --------------------

def wildcard_match(pattern: str, text: str, ignore_case: bool = True) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = (re.IGNORECASE if ignore_case else 0) | re.DOTALL
    return re.fullmatch(regex, text, flags) is not None


def action_matches(pattern: str, action: str) -> bool:
    """``s3:Get*`` matches ``s3:GetObject``; IAM action names are case-insensitive."""
    return wildcard_match(pattern, action)


def covers_service(pattern: str, service: str) -> bool:
    """True when the action pattern matches every action of ``service`` (``*``, ``s3:*``, ``*:*``)."""
    pattern = pattern.strip().lower()
    if pattern == "*":
        return True
    prefix, _, name = pattern.partition(":")
    return name == "*" and wildcard_match(prefix, service)


def may_touch_service(pattern: str, service: str) -> bool:
    """True when the action pattern could match some action of ``service``."""
    pattern = pattern.strip().lower()
    if pattern == "*":
        return True
    prefix, _, _ = pattern.partition(":")
    return wildcard_match(prefix, service)


def _any_element(values: tuple, test, what: str, computed_never: bool = False) -> Answer:
    """Does some element satisfy ``test``? Unknown elements make a False unknown, except,
    with ``computed_never``, computed attributes (an ARN is never the wildcard "*")."""
    unknown = None
    for value in values:
        if isinstance(value, Unknown):
            if computed_never and is_computed(value):
                continue
            unknown = unknown or value
        elif test(value):
            return Answer(True, f'{what} "{value}"')
    if unknown is not None:
        return Answer(None, f"{what} is unknown ({unknown.reason})")
    return Answer(False, f"no matching {what}")


def _effect_is(statement: Statement, effect: str) -> Answer:
    if isinstance(statement.effect, Unknown):
        return Answer(None, f"effect is unknown ({statement.effect.reason})")
    return Answer(statement.effect == effect, f"effect {statement.effect}")


# --- the questions rules ask -------------------------------------------------------

def _some_statement(policy, judge, none_found: str) -> Answer:
    """Kleene OR over the statements of ``judge(statement, label)``. An unknown policy or
    statement is unknown; a True answer carries the judge's own evidence."""
    statements = _statements(policy)
    if isinstance(statements, Answer):
        return statements
    answers = []
    for index, statement in statements:
        if isinstance(statement, Unknown):
            answers.append(Answer(None, f"statement {index + 1} is unknown ({statement.reason})"))
            continue
        label = _label(statement, index)
        result = judge(statement, label)
        if result.value is None:
            result = Answer(None, f"{label}: {result.evidence}")
        answers.append(result)
    found = _or(answers)
    if found.value is False or not answers:
        return Answer(False, none_found)
    return found


def _true_as(result: Answer, evidence: str) -> Answer:
    return Answer(True, evidence) if result.value is True else result


def allows_admin(policy) -> Answer:
    """An Allow statement granting action ``*`` (or ``*:*``) on resource ``*``."""
    def judge(statement, label):
        return _true_as(_and(
            _effect_is(statement, "Allow"),
            _any_element(statement.actions, lambda a: a.strip() in ("*", "*:*"), "action"),
            _any_element(statement.resources, lambda r: r.strip() == "*", "resource", computed_never=True),
        ), f'{label} allows action "*" on resource "*"')

    return _some_statement(policy, judge, 'no statement allows "*" on "*"')


def allows_action_on_all_resources(policy, action: str, exclude_full_admin: bool = True) -> Answer:
    """An Allow statement whose actions match ``action`` (e.g. iam:PassRole) on resource ``*``.

    With ``exclude_full_admin``, statements allowing ``*`` are left to ``allows_admin``.
    """
    def judge(statement, label):
        known_actions = [a for a in statement.actions if isinstance(a, str)]
        if exclude_full_admin and any(a.strip() in ("*", "*:*") for a in known_actions) \
                and "*" in statement.resources:
            return Answer(False, f"{label} is full admin (reported separately)")
        matching = _any_element(statement.actions, lambda a: action_matches(a, action), "action")
        if statement.not_actions and not statement.actions:
            matching = _not(_any_element(statement.not_actions, lambda a: action_matches(a, action),
                                         "excluded action"))
            matching = Answer(matching.value, f"NotAction does not exclude {action}")
        return _true_as(_and(
            _effect_is(statement, "Allow"), matching,
            _any_element(statement.resources, lambda r: r.strip() == "*", "resource", computed_never=True),
        ), f'{label} allows {action} on resource "*"')

    return _some_statement(policy, judge, f'no statement allows {action} on "*"')


RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:PrincipalServiceName", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn", "aws:SourceIp",
    "aws:VpcSourceIp", "aws:userid", "aws:username", "kms:CallerAccount", "sns:Endpoint",
    "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
    "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
))
# How a value of a restricting key can still admit anyone (wildcards, with a Like/Arn operator):
# ARN keys whose account field is a wildcard ("arn:aws:iam::*:role/x"), account and
# organization keys holding a wildcard ("o-*"), organization paths whose organization is one.
_ARN_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalArn", "aws:SourceArn", "aws:SourceVpcArn", "s3:DataAccessPointArn"))
_ID_KEYS = frozenset(k.lower() for k in (
    "aws:SourceAccount", "aws:PrincipalAccount", "aws:SourceOwner", "kms:CallerAccount", "aws:VpceAccount",
    "s3:DataAccessPointAccount", "aws:PrincipalOrgID", "aws:SourceOrgID", "aws:VpceOrgID"))
_PATH_KEYS = frozenset(k.lower() for k in ("aws:PrincipalOrgPaths", "aws:SourceOrgPaths", "aws:VpceOrgPaths"))
# Keys that restrict only with the value "true" (Bool operators).
RESTRICTING_TRUE_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalIsAWSService", "elasticfilesystem:AccessedViaMountTarget",
))
_OPEN_VALUES = {"*", "0.0.0.0/0", "::/0"}


def _positive_operator(operator: str) -> bool:
    """Operators that admit a request only when the key is present and matches."""
    lowered = operator.lower()
    if lowered.endswith("ifexists") or lowered.startswith("forallvalues:") or lowered == "null":
        return False
    base = lowered.split(":", 1)[1] if lowered.startswith("foranyvalue:") else lowered
    return "not" not in base


def condition_restricts(condition, keys=RESTRICTING_KEYS, true_keys=RESTRICTING_TRUE_KEYS) -> Answer:
    """Does one condition limit who (or from where) can use a wildcard-principal grant?"""
    operator, key, values = condition
    if isinstance(operator, Unknown) or isinstance(key, Unknown):
        return Answer(None, "a condition operator or key is unknown")
    if not isinstance(operator, str) or not isinstance(key, str) or not _positive_operator(operator):
        return Answer(False, f"{operator} {key} does not restrict")
    lowered = key.lower()
    known = [v for v in values if isinstance(v, str)]
    if lowered in true_keys:
        if operator.lower() != "bool":
            return Answer(False, f"{operator} {key} does not restrict")
        if known and all(v.lower() == "true" for v in known):
            return Answer(True, f"{operator} {key} = true")
        if not known and values:
            return Answer(None, f"{key} value is unknown")
        return Answer(False, f"{key} is not required to be true")
    if lowered not in keys:
        return Answer(False, f"{key} does not restrict the principal")
    if known and all(v in _OPEN_VALUES for v in known) and len(known) == len(values):
        return Answer(False, f"{operator} {key} allows any value")
    broad = [v for v in known if _wildcards(operator) and _admits_anyone(lowered, v)]
    if broad:  # the values are ORed: one that admits anyone is enough
        return Answer(False, f'{operator} {key} "{broad[0]}" admits principals of any account')
    # Unknown values of a restricting key (an ARN, an account id) still restrict: documented.
    return Answer(True, f"{operator} {key}")


def _wildcards(operator: str) -> bool:
    """Operators that read * and ? as wildcards (StringLike, ArnLike, ArnEquals...)."""
    lowered = operator.lower()
    return "like" in lowered or "arn" in lowered


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _admits_anyone(key: str, value: str) -> bool:
    """Does this value of a restricting key (``key`` lower-cased) match principals or sources
    of any account? (see _ARN_KEYS above)"""
    value = value.strip()
    if key in _ARN_KEYS:
        fields = value.split(":", 5)
        if len(fields) < 6:
            return _has_wildcard(value)
        account, resource = fields[4], fields[5]
        return _has_wildcard(account) or (not account and resource.startswith(("*", "?")))
    if key in _ID_KEYS:
        return _has_wildcard(value)
    if key in _PATH_KEYS:
        return _has_wildcard(value.split("/", 1)[0])
    return False


def _principal_is_wildcard(principals) -> Answer:
    if isinstance(principals, Unknown):
        return Answer(None, f"principal is unknown ({principals.reason})")
    identifiers = principals.get("AWS", ())
    unknown = None
    for identifier in identifiers:
        if isinstance(identifier, Unknown):
            if not is_computed(identifier):
                unknown = unknown or identifier
        elif identifier.strip() == "*":
            return Answer(True, 'principal "*"')
    if unknown is not None:
        return Answer(None, f"principal is unknown ({unknown.reason})")
    return Answer(False, "no wildcard principal")


def _restricted(statement: Statement, keys, true_keys) -> Answer:
    if isinstance(statement.conditions, Unknown):
        return Answer(None, f"conditions are unknown ({statement.conditions.reason})")
    return _or([condition_restricts(c, keys, true_keys) for c in statement.conditions])


def wildcard_principal_allows(policy, extra_keys=(), extra_true_keys=()) -> Answer:
    """An Allow statement for Principal ``*`` (or ``{"AWS": "*"}``, or any NotPrincipal)
    without a condition restricting who or where (aws:SourceArn, aws:PrincipalOrgID, ...)."""
    keys = RESTRICTING_KEYS | {k.lower() for k in extra_keys}
    true_keys = RESTRICTING_TRUE_KEYS | {k.lower() for k in extra_true_keys}

    def judge(statement, label):
        if isinstance(statement.not_principals, Unknown):
            public = Answer(None, "NotPrincipal is unknown")
        elif statement.not_principals:
            public = Answer(True, "NotPrincipal (everyone but the listed principals)")
        else:
            public = _principal_is_wildcard(statement.principals)
        return _true_as(_and(_effect_is(statement, "Allow"), public, _not(_restricted(statement, keys, true_keys))),
                        f"{label} allows {public.evidence} without a restricting condition")

    return _some_statement(policy, judge,
                           "no statement allows a wildcard principal without a restricting condition")


def _conditions(statement: Statement):
    return statement.conditions if not isinstance(statement.conditions, Unknown) else None


def _has_condition(statement: Statement, operators, key: str, value: str) -> Answer:
    """A condition ``operator key value`` (case-insensitive operator and key, value ``true``/``false``)."""
    conditions = _conditions(statement)
    if conditions is None:
        return Answer(None, f"conditions are unknown ({statement.conditions.reason})")
    answers = []
    for operator, cond_key, values in conditions:
        if isinstance(operator, Unknown) or isinstance(cond_key, Unknown):
            answers.append(Answer(None, "a condition operator or key is unknown"))
            continue
        if str(operator).lower() not in operators or str(cond_key).lower() != key.lower():
            continue
        answers.append(_any_element(values, lambda v: v.lower() == value, f"{operator} {cond_key}"))
    found = _or(answers)
    return found if answers else Answer(False, f"no {key} condition")


def denies_insecure_transport(policy, service: str = "s3") -> Answer:
    """A Deny for every principal of all ``service`` actions when aws:SecureTransport is false."""
    def judge(statement, label):
        if statement.actions or not statement.not_actions:
            actions = _any_element(statement.actions, lambda a: covers_service(a, service), "action")
        else:
            excluded = _any_element(statement.not_actions, lambda a: may_touch_service(a, service), "NotAction")
            actions = Answer(None if excluded.value is None else not excluded.value, "NotAction")
        return _true_as(_and(
            _effect_is(statement, "Deny"),
            _principal_is_wildcard(statement.principals),
            actions,
            _has_condition(statement, ("bool", "boolifexists"), "aws:SecureTransport", "false"),
        ), f"{label} denies {service} requests when aws:SecureTransport is false")

    return _some_statement(policy, judge,
                           f"no statement denies {service} requests without TLS (aws:SecureTransport false)")


def requires_mfa(policy) -> Answer:
    """MFA enforced: a broad Deny (action ``*`` or NotAction) when aws:MultiFactorAuthPresent is
    false (Bool/BoolIfExists) or aws:MultiFactorAuthAge is null, or an Allow that requires
    aws:MultiFactorAuthPresent true (Bool) or a NumericLessThan aws:MultiFactorAuthAge."""
    def judge(statement, label):
        broad = _any_element(statement.actions, lambda a: a.strip() in ("*", "*:*"), "action")
        if statement.not_actions:
            broad = Answer(True, "NotAction")
        deny = _and(
            _effect_is(statement, "Deny"), broad,
            _or([_has_condition(statement, ("bool", "boolifexists"), "aws:MultiFactorAuthPresent", "false"),
                 _has_condition(statement, ("null",), "aws:MultiFactorAuthAge", "true")]),
        )
        allow = _and(
            _effect_is(statement, "Allow"),
            _or([_has_condition(statement, ("bool",), "aws:MultiFactorAuthPresent", "true"),
                 _numeric_mfa_age(statement)]),
        )
        kind = "denies requests without MFA" if deny.value is True else "allows only with MFA"
        return _true_as(_or([deny, allow]), f"{label} {kind}")

    return _some_statement(policy, judge, "no statement requires MFA (aws:MultiFactorAuthPresent)")


def _numeric_mfa_age(statement: Statement) -> Answer:
    conditions = _conditions(statement)
    if conditions is None:
        return Answer(None, "conditions are unknown")
    for operator, key, _ in conditions:
        if isinstance(operator, str) and isinstance(key, str) and key.lower() == "aws:multifactorauthage" \
                and operator.lower() in ("numericlessthan", "numericlessthanequals"):
            return Answer(True, f"{operator} {key}")
    return Answer(False, "no aws:MultiFactorAuthAge limit")


GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"


def github_oidc_unrestricted(policy) -> Answer:
    """A trust statement for GitHub Actions OIDC without a ``token.actions...:sub`` condition
    naming a repository (any repository on GitHub could then assume the role)."""
    def judge(statement, label):
        github = _trusts_github(statement)
        if github.value is False:
            return Answer(False, "")
        return _true_as(_and(_effect_is(statement, "Allow"), github, _not(_github_sub_restricted(statement))),
                        f"{label} trusts GitHub Actions OIDC without restricting {GITHUB_OIDC_HOST}:sub "
                        "to a repository")

    return _some_statement(policy, judge, "no GitHub Actions OIDC trust without a repository (sub) condition")


def _trusts_github(statement: Statement) -> Answer:
    principals = statement.principals
    if isinstance(principals, Unknown):
        return Answer(None, "principal is unknown")
    federated = principals.get("Federated", ())
    if any(isinstance(i, str) and GITHUB_OIDC_HOST in i for i in federated):
        return Answer(True, "GitHub OIDC provider")
    conditions = _conditions(statement)
    if conditions is None:
        return Answer(None, "conditions are unknown") if federated else Answer(False, "")
    keys = [k for _, k, _ in conditions]
    if any(isinstance(k, str) and k.lower().startswith((GITHUB_OIDC_HOST + ":", GITHUB_OIDC_HOST + "/"))
           for k in keys):
        return Answer(True, "GitHub OIDC condition keys")
    unknown_ids = [i for i in federated if isinstance(i, Unknown)]
    if not unknown_ids:
        return Answer(False, "")
    # The provider ARN is unknown: another provider's condition keys tell us it is not GitHub.
    if any(isinstance(k, str) and ":" in k and not k.lower().startswith(("aws:", "sts:")) for k in keys):
        return Answer(False, "")
    return Answer(None, f"federated principal is unknown ({unknown_ids[0].reason})")


def _github_sub_restricted(statement: Statement) -> Answer:
    conditions = _conditions(statement)
    if conditions is None:
        return Answer(None, "conditions are unknown")
    answers = []
    for operator, key, values in conditions:
        if isinstance(operator, Unknown) or isinstance(key, Unknown):
            answers.append(Answer(None, "a condition operator or key is unknown"))
            continue
        if not _GITHUB_SUB_KEY.match(str(key)) or not _positive_operator(str(operator)):
            continue
        open_subjects = [v for v in values if isinstance(v, str) and _open_github_subject(v, str(operator))]
        if open_subjects:
            answers.append(Answer(False, f'{operator} {key} allows "{open_subjects[0]}"'))
        else:
            answers.append(Answer(True, f"{operator} {key}"))
    if not answers:
        return Answer(False, f"no {GITHUB_OIDC_HOST}:sub condition")
    return _or(answers)


# The subject key, also in the issuer-scoped spelling of GitHub Enterprise Cloud's unique issuer
# URL (token.actions.githubusercontent.com/<enterprise-slug>:sub).
_GITHUB_SUB_KEY = re.compile(r"^token\.actions\.githubusercontent\.com(/[^:/]+)?:sub$", re.IGNORECASE)


def _open_github_subject(value: str, operator: str = "StringLike") -> bool:
    """A subject that any GitHub user can produce a token for: ``*``, ``repo:*``; with a Like
    operator, ``repo:`` whose owner is not a wildcard-free name followed by ``/`` (``repo:myOrg*``
    also matches ``repo:myOrgEvil/x``); and a subject starting with the ``workflow:`` claim (a
    workflow's name is chosen by whoever writes the workflow, in any repository)."""
    value = value.strip()
    lowered = value.lower()
    if value.startswith("*") or lowered.startswith(("repo:*", "workflow:")):
        return True
    if lowered.startswith("repo:") and _wildcards(operator):
        owner, slash, _ = value[len("repo:"):].partition("/")
        return not slash or _has_wildcard(owner) or not owner
    return False


# --- least privilege: what a policy grants on every resource --------------------------
# An Allow "grants A on all resources" when its actions match A (IAM wildcards count; with
# NotAction, when A is not excluded) and its resources include "*" (or it uses NotResource:
# everything but a few resources). Statements with a Condition are not counted: the condition
# may scope the grant (iam:PassedToService, aws:ResourceTag...), and precision comes first.
# A Deny matching A (whatever its resources or condition) is taken to remove it.

def _on_all_resources(statement: Statement) -> Answer:
    if statement.not_resources and not statement.resources:
        return Answer(True, "NotResource (every resource but the listed ones)")
    return _any_element(statement.resources, lambda r: r.strip() == "*", "resource", computed_never=True)


def _unconditional(statement: Statement) -> Answer:
    if isinstance(statement.conditions, Unknown):
        return Answer(None, f"conditions are unknown ({statement.conditions.reason})")
    return Answer(not statement.conditions, "no condition" if not statement.conditions else "has a condition")


def _statement_matches(statement: Statement, action: str) -> Answer:
    """Do the statement's Action (or NotAction) cover ``action``?"""
    if statement.not_actions and not statement.actions:
        excluded = _any_element(statement.not_actions, lambda a: action_matches(a, action), "excluded action")
        return Answer(None if excluded.value is None else not excluded.value, f"NotAction does not exclude {action}")
    return _any_element(statement.actions, lambda a: action_matches(a, action), "action")


def grants_on_all_resources(policy, action: str) -> Answer:
    """Three-valued: does the policy grant ``action`` on every resource (see above)?"""
    statements = _statements(policy)
    if isinstance(statements, Answer):
        return statements
    allowed, denied = [], []
    for index, statement in statements:
        if isinstance(statement, Unknown):
            allowed.append(Answer(None, f"statement {index + 1} is unknown ({statement.reason})"))
            continue
        label = _label(statement, index)
        matches = _statement_matches(statement, action)
        if isinstance(statement.effect, str) and statement.effect == "Deny":
            denied.append(_true_as(matches, f"{label} denies {action}"))
            continue
        allowed.append(_true_as(_and(_effect_is(statement, "Allow"), matches, _on_all_resources(statement),
                                     _unconditional(statement)), f'{label} allows {action} on resource "*"'))
    grant = _or(allowed)
    if grant.value is False:
        return Answer(False, f'nothing allows {action} on resource "*"')
    deny = _or(denied)
    if deny.value is True:
        return Answer(False, deny.evidence)
    if deny.value is None:
        return Answer(None, f"{grant.evidence}, unless a statement with unknown parts denies it")
    return grant


_FULL_ADMIN = ("*", "*:*")


def _service_wildcard(pattern: str) -> bool:
    """``s3:*``, ``ec2:*``: every action of one named service (``*`` alone is full admin)."""
    prefix, sep, name = pattern.strip().partition(":")
    return bool(sep) and name == "*" and bool(prefix) and "*" not in prefix and "?" not in prefix


def allows_service_wildcard(policy) -> Answer:
    """An unconditional Allow of every action of a service (``s3:*``, ``ec2:*``, ``rds:*``) or
    of everything but a NotAction list, on resource ``*`` (or NotResource). ``*`` on ``*`` is
    left to allows_admin."""
    def judge(statement, label):
        if statement.not_actions and not statement.actions:
            broad = _not(_any_element(statement.not_actions, lambda a: a.strip() in _FULL_ADMIN, "NotAction"))
            broad = _true_as(broad, "NotAction (every action of every service but the listed ones)")
        else:
            if any(isinstance(a, str) and a.strip() in _FULL_ADMIN for a in statement.actions) \
                    and "*" in statement.resources:
                return Answer(False, f"{label} is full admin (reported separately)")
            broad = _any_element(statement.actions, _service_wildcard, "service-wide action")
        return _true_as(_and(_effect_is(statement, "Allow"), broad, _on_all_resources(statement),
                             _unconditional(statement)),
                        f'{label} allows {broad.evidence} on resource "*"')

    return _some_statement(policy, judge, 'no statement allows a service-wide wildcard on resource "*"')


# Privilege escalation (Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and
# Mitigation"): one action, or a combination, that lets the holder give itself more rights.
ESCALATION_ACTIONS = (
    "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreateAccessKey", "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
    "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy", "lambda:UpdateFunctionCode", "glue:UpdateDevEndpoint",
)
ESCALATION_COMBINATIONS = (
    ("iam:PassRole", "ec2:RunInstances"),
    ("iam:PassRole", "lambda:CreateFunction"),
    ("iam:PassRole", "glue:CreateDevEndpoint"),
    ("iam:PassRole", "cloudformation:CreateStack"),
    ("iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
)


def allows_privilege_escalation(policy) -> Answer:
    """The policy grants, on every resource, an action or a combination of actions from the
    Rhino Security Labs list above. Full admin (``*`` on ``*``) is left to allows_admin."""
    admin = allows_admin(policy)
    if admin.value is True:
        return Answer(False, "full admin (reported separately)")
    cache: dict = {}

    def grants(action):
        if action not in cache:
            cache[action] = grants_on_all_resources(policy, action)
        return cache[action]

    answers = [_true_as(grants(a), f'{grants(a).evidence}: privilege escalation ({a})')
               for a in ESCALATION_ACTIONS]
    for combination in ESCALATION_COMBINATIONS:
        found = _and(*(grants(a) for a in combination))
        answers.append(_true_as(found, f'allows {" + ".join(combination)} on resource "*": privilege escalation'))
    found = _or(answers)
    return found if found.value is not False else Answer(False, 'no privilege-escalation action on resource "*"')
