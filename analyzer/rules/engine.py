"""Rules x resources -> Results, with three-valued (Kleene) logic.

``fail`` only when a condition is definitely false; a condition that depends on something
unknown is ``unknown`` and stays in the Report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.evaluate.values import Unknown, contains_unknown, values_at
from analyzer.graph import referenced, referrers
from analyzer.model import CheckContext as Context
from analyzer.model import Location, Result, Status, Subject
from analyzer.rules.operators import DECIDED_WHEN_SET, OPERATORS
from analyzer.rules.predicates import PREDICATES
from analyzer.rules.verdict import TRUE, Verdict, all_of, any_of, negate



def check(condition: dict, ctx: Context) -> Verdict:
    for form, judge in CONDITION_FORMS.items():
        if form in condition:
            return judge(condition, ctx)
    raise ValueError(f"unknown condition {sorted(condition)}")


def _check_attr(condition: dict, ctx: Context) -> Verdict:
    path = condition["attr"]
    operator_name = next(k for k in condition if k in OPERATORS)
    operator, expected = OPERATORS[operator_name], condition[operator_name]
    found = values_at(ctx.values, path)
    defaulted = not found
    if defaulted:
        found = [condition.get("default")]
    verdicts = []
    for actual in found:
        if operator_name in DECIDED_WHEN_SET and isinstance(actual, Unknown) and not actual.maybe_unset:
            # Set in the configuration to something computed (an ARN, an id): it is set.
            verdicts.append(Verdict(operator(actual, expected), path, f"{path} is set (value known after apply)"))
            continue
        unknown_blocks = isinstance(actual, list) and actual and all(isinstance(a, Unknown) for a in actual)
        if isinstance(actual, Unknown) or unknown_blocks or (
                operator_name not in DECIDED_WHEN_SET and contains_unknown(actual)):
            # A dynamic block over an unknown collection may generate no block at all.
            reason = actual.reason if isinstance(actual, Unknown) else "contains values known only after apply"
            verdicts.append(Verdict(None, path, f"{path} is unknown ({reason})"))
            continue
        holds = operator(actual, expected)
        shown = "not set" if actual is None else _show(actual)
        if defaulted and actual is not None:
            shown = f"not set (provider default {shown})"
        verdicts.append(Verdict(holds, path, f"{path} is {shown}", _plain_expected(operator_name, expected)))
    return any_of(verdicts) if condition.get("match", "any") == "any" else all_of(verdicts)


_PHRASES = {  # operator -> plain words after "expected" (negate() adds or strips a leading "not ")
    "not_equals": "not {}", "in": "one of {}", "not_in": "not one of {}", "contains": "to contain {}",
    "not_contains": "not to contain {}", "contains_any": "to contain any of {}", "contains_none": "to contain none of {}",
    "matches": "to match {}", "not_matches": "not to match {}", "starts_with": "to start with {}",
    "gt": "more than {}", "gte": "at least {}", "lt": "less than {}", "lte": "at most {}",
}


def _plain_expected(operator_name: str, expected) -> str:
    if operator_name == "equals":
        return _show(expected)
    if operator_name == "exists":
        return "to be set" if expected else "not to be set"
    if operator_name == "is_empty":
        return "empty" if expected else "not empty"
    if operator_name == "length_gte":
        return f"at least {expected} entr{'y' if expected == 1 else 'ies'}"
    if isinstance(expected, list) and operator_name in ("in", "not_in", "contains_any", "contains_none"):
        shown = ", ".join(_show(v) for v in expected)
    else:
        shown = _show(expected)
    return _PHRASES.get(operator_name, operator_name.replace("_", " ") + " {}").format(shown)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def _check_elements(condition: dict, ctx: Context) -> Verdict:
    path = condition["elements"]
    elements = []
    found_values = values_at(ctx.values, path)
    for value in found_values:
        elements.extend(value if isinstance(value, list) else [value])
    # One list of blocks: element i is the i-th block, so its location (``ingress[1]``) is known.
    indexed = len(found_values) == 1 and isinstance(found_values[0], list) and "*" not in path
    verdicts = []
    quantifier = next(k for k in ("all_match", "any_match", "none_match") if k in condition)
    for index, element in enumerate(elements):
        if isinstance(element, Unknown) or not isinstance(element, dict):
            verdicts.append(Verdict(None, path, f"{path} has elements known only after apply"))
            continue
        inner = check(condition[quantifier], Context(element, ctx.resource, ctx.graph, ctx.by_type))
        element_path = f"{path}[{index}]" if indexed else path
        attr = f"{element_path}.{inner.attr}" if inner.attr else element_path
        verdicts.append(Verdict(inner.value, attr, inner.evidence, inner.expected))
    if quantifier == "all_match":
        return all_of(verdicts) if verdicts else Verdict(True, path, f"no {path}", vacuous=True)
    if quantifier == "any_match":
        return any_of(verdicts) if verdicts else Verdict(False, path, f"no {path} present")
    if not verdicts:
        return Verdict(True, path, f"no {path}", vacuous=True)
    found = any_of(verdicts)
    if found.value:  # say what the offending block has, not what the inner condition wanted
        return Verdict(False, found.attr, f"an offending {path} block: {found.evidence}")
    return negate(found)


def _types(spec) -> list:
    return spec if isinstance(spec, list) else [spec]


def _check_related(spec: dict, ctx: Context) -> Verdict:
    resource = ctx.resource
    types = set(_types(spec["type"]))
    via = spec.get("via")
    forward = spec.get("direction", "reverse") == "forward"
    linked = referenced(ctx.graph, resource.address, via) if forward else referrers(ctx.graph, resource.address, via)
    candidates = {r.address: r for r in linked if r.type in types}
    maybe = False
    if via and not forward:
        # Split resources may also name their target literally (bucket = "my-logs") when `key` is
        # given, or by a value that is unknown here (which may or may not be ours).
        own = resource.values.get(spec["key"]) if "key" in spec else None
        for other_type in sorted(types):
            index = _companion_index(ctx, other_type, via)
            if isinstance(own, str):
                for other in index.by_value.get(own, ()):
                    candidates.setdefault(other.address, other)
            if isinstance(own, Unknown):
                same = index.by_origin.get(own.origin, []) if own.origin else []
                same += index.by_variable.get(own.variable, []) if own.variable else []
                for other in same:
                    candidates.setdefault(other.address, other)
            # Unknown companions that link to no other resource might be ours: then a "no
            # companion" failure becomes unknown. Those keyed by an unset input variable are
            # taken to target a resource from outside when ours is named in the code.
            open_ones = index.unlinked_unknown if not isinstance(own, str) else index.unlinked_unknown_not_variable
            maybe = maybe or any(other.address not in candidates for other in open_ones)
    assertion = spec.get("assert")
    verdicts = []
    for other in candidates.values():
        if assertion is None:
            verdict = Verdict(True, via, f"{other.address} refers to it")
        else:
            inner = check(assertion, Context(other.values, other, ctx.graph, ctx.by_type))
            verdict = Verdict(inner.value, via, f"{other.address}: {inner.explain()}")
        verdicts.append(_if_created(verdict, other))
    names = "/".join(sorted(types))
    match = spec.get("match", "any")
    if match == "all":
        return all_of(verdicts) if verdicts else Verdict(True, via, f"no {names}", vacuous=True)
    found = any_of(verdicts) if verdicts else Verdict(False, via, f"no {names} refers to it"
                                                      + (f" through {via}" if via else ""))
    if found.value is False and maybe:
        found = Verdict(None, via, f"{_article(names)} {names} with an unknown {via} might refer to it")
    return negate(found) if match == "none" else found


@dataclass(frozen=True)
class _CompanionIndex:
    """Resources of one type by the value of one attribute, built once per scope (rules ask
    for the same companions of every resource: without it ``related`` is O(n*m))."""

    by_value: dict  # literal string -> resources
    by_origin: dict  # Unknown.origin -> resources (the same computed attribute)
    by_variable: dict  # Unknown.variable -> resources (the same unset input variable)
    unlinked_unknown: tuple  # unknown value, linked to no other managed resource through it
    unlinked_unknown_not_variable: tuple  # ... and not keyed by an unset input variable


def _companion_index(ctx: Context, other_type: str, via: str) -> _CompanionIndex:
    cache = ctx.graph.graph.setdefault("companion_index", {})
    key = (other_type, via)
    if key not in cache:
        by_value: dict = {}
        by_origin: dict = {}
        by_variable: dict = {}
        unlinked = []
        for other in ctx.by_type.get(other_type, ()):
            value = other.values.get(via)
            if isinstance(value, str):
                by_value.setdefault(value, []).append(other)
            elif isinstance(value, Unknown):
                if value.origin:
                    by_origin.setdefault(value.origin, []).append(other)
                if value.variable:
                    by_variable.setdefault(value.variable, []).append(other)
                if not _links_elsewhere(ctx.graph, other.address, via):
                    unlinked.append(other)
        cache[key] = _CompanionIndex(by_value, by_origin, by_variable, tuple(unlinked),
                                     tuple(o for o in unlinked if not o.values[via].variable))
    return cache[key]


def _if_created(verdict: Verdict, other) -> Verdict:
    """A resource whose count/for_each is unknown may not exist: it cannot make a condition hold."""
    if verdict.value is True and isinstance(other.exists, Unknown):
        return Verdict(None, verdict.attr, f"{verdict.evidence} (but it may not be created: count/for_each unknown)")
    return verdict


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


_VALUE_GENERATORS = ("random_", "time_", "null_resource", "terraform_data")


def _links_elsewhere(graph, address: str, via: str) -> bool:
    """Does ``address`` refer, through ``via``, to some other managed resource? A reference to a
    value generator (random_pet.x.id) or a data source could still be our resource's name."""
    for target in graph.successors(address):
        other = graph.nodes[target]["resource"]
        if via in graph.edges[address, target]["attributes"] and other.mode == "managed" \
                and not other.type.startswith(_VALUE_GENERATORS):
            return True
    return False


def _check_in_scope(spec: dict, ctx: Context) -> Verdict:
    assertion = spec.get("assert")
    verdicts = []
    names = "/".join(sorted(_types(spec["type"])))
    for type_name in _types(spec["type"]):
        for other in ctx.by_type.get(type_name, ()):
            if assertion is None:
                verdict = TRUE
            else:
                verdict = check(assertion, Context(other.values, other, ctx.graph, ctx.by_type))
            verdict = _if_created(verdict, other)
            verdicts.append(Verdict(verdict.value, None, f"{other.address}: {verdict.explain()}"))
    if not verdicts:
        return Verdict(False, None, spec.get("missing") or f"no {names} in the scanned code")
    result = any_of(verdicts)
    if result.value is False:
        return Verdict(False, None, spec.get("missing") or f"no {names} satisfies the rule: {result.evidence}")
    return result


def _check_sql(condition: dict, ctx: Context) -> Verdict:
    """A query over the scope's resources (docs/query.md) returning the failing addresses in its
    first column; an optional ``status`` column saying ``unknown`` makes that result unknown.
    Run once per scope and query (cached on the scope's graph), then looked up per resource."""
    cache = ctx.graph.graph.setdefault("sql_results", {})
    sql = condition["sql"]
    if sql not in cache:
        cache[sql] = _rule_query_statuses(sql, ctx)
    statuses = cache[sql]
    if isinstance(statuses, str):  # the rule's own query is broken: every result says so
        return Verdict(None, None, f"the rule's query failed: {statuses}")
    status = statuses.get(ctx.resource.address)
    if status is None:
        return Verdict(True, None, "not returned by the rule's query")
    if status == Status.UNKNOWN:
        return Verdict(None, None, "the rule's query cannot decide it before apply")
    return Verdict(False, None, "returned by the rule's query")


def _rule_query_statuses(sql: str, ctx: Context):
    """address -> "fail" | "unknown" for the rows the query returns; the error text if it fails."""
    from analyzer.query import QueryError, build_database, run_query

    resources = [r for group in ctx.by_type.values() for r in group]
    edges = [(s, a, t) for s, t, data in ctx.graph.edges(data=True) for a in sorted(data["attributes"])]
    try:
        columns, rows = run_query(build_database(resources, edges), sql)
    except QueryError as error:
        return str(error)
    status_column = columns.index("status") if "status" in columns else None
    return {row[0]: (row[status_column] if status_column is not None else "fail") for row in rows}


# The condition forms of docs/writing-rules.md, each a plain function of (condition, ctx).
CONDITION_FORMS = {
    "all": lambda condition, ctx: all_of(check(c, ctx) for c in condition["all"]),
    "any": lambda condition, ctx: any_of(check(c, ctx) for c in condition["any"]),
    "not": lambda condition, ctx: negate(check(condition["not"], ctx)),
    "attr": lambda condition, ctx: _check_attr(condition, ctx),
    "elements": lambda condition, ctx: _check_elements(condition, ctx),
    "related": lambda condition, ctx: _check_related(condition["related"], ctx),
    "in_scope": lambda condition, ctx: _check_in_scope(condition["in_scope"], ctx),
    "predicate": lambda condition, ctx: PREDICATES[condition["predicate"]](ctx, condition.get("args", {})),
    "sql": _check_sql,
}
_STATUS = {True: Status.PASS, False: Status.FAIL, None: Status.UNKNOWN}


# --- rules over a scope --------------------------------------------------------

def evaluate_resource_rule(rule, resource, graph, by_type) -> Result | None:
    ctx = Context(resource.values, resource, graph, by_type)
    applies = TRUE
    if rule.when is not None:
        applies = check(rule.when, ctx)
        if applies.value is False:
            return None
    verdict = check(rule.assertion, ctx)
    status = _STATUS[verdict.value]
    evidence = verdict.explain()
    if status is Status.FAIL and applies.value is None:
        status, evidence = Status.UNKNOWN, f"{evidence}; and whether the rule applies is unknown ({applies.evidence})"
    if status is Status.FAIL and isinstance(resource.exists, Unknown):
        status, evidence = Status.UNKNOWN, f"{evidence}; the resource may not be created ({resource.exists.reason})"
    region = _region(resource, verdict.attr)
    if status is Status.PASS:
        message = f"{resource.address}: {rule.title}"
    elif status is Status.FAIL:
        message = f"{resource.address}: {rule.title} — not met: {evidence}"
    else:
        message = f"{resource.address}: {rule.title} — cannot be decided before apply: {evidence}"
    return Result(rule.id, status, resource.address, resource.type, resource.location, region, message, evidence,
                  change_action=resource.change_action, module_address=resource.module_address)


def _region(resource, attr: str | None) -> Location:
    if attr and "[" in attr:  # the offending element itself (``ingress[1].from_port``), when recorded
        parts = [p for p in re.split(r"\.(?![^\[]*\])", attr) if p]
        for length in range(len(parts), 0, -1):
            location = resource.attribute_locations.get(".".join(parts[:length]))
            if location is not None:
                return location
    if attr:
        parts = [p for p in re.split(r"[.\[\]*]+", attr) if p and not p.isdigit()]
        for length in range(len(parts), 0, -1):
            location = resource.attribute_locations.get(".".join(parts[:length]))
            if location is not None:
                return location
    return resource.location


def evaluate_account_rule(rule, scope_name: str, anchor: Location, graph, by_type, account_scope: bool) -> Result:
    address = f"account ({scope_name})"
    if not account_scope:
        message = (f"{rule.title}: presence rule not applicable — the scan is not declared to cover an account "
                   f"(use --account-scope); {', '.join(rule.tsc)} cannot be attested from this scan alone")
        return Result(rule.id, Status.NOT_APPLICABLE, address, "", anchor, anchor, message, subject=Subject.ACCOUNT)
    verdict = check(rule.assertion, Context({}, None, graph, by_type))
    status = _STATUS[verdict.value]
    message = f"{rule.title}: " + ("satisfied by " + verdict.explain() if status is Status.PASS else verdict.explain())
    return Result(rule.id, status, address, "", anchor, anchor, message, verdict.explain(), subject=Subject.ACCOUNT)


def index_by_type(resources) -> dict:
    by_type: dict = {}
    for resource in resources:
        key = f"data.{resource.type}" if resource.mode == "data" else resource.type
        by_type.setdefault(key, []).append(resource)
    return by_type


def evaluate_scope(rules, resources, graph, problems: list | None = None) -> list[Result]:
    """Resource rules over one root module (or plan): its resources and their graph.

    An exception from one rule on one resource (a defect) gives no result for that pair and a
    Problem (internal-error) appended to ``problems``; the other pairs are still evaluated."""
    by_type = index_by_type(resources)
    results = []
    for rule in rules:
        if rule.scope is Subject.ACCOUNT:
            continue
        for type_name in rule.resource_types:
            for resource in by_type.get(type_name, ()):
                try:
                    result = evaluate_resource_rule(rule, resource, graph, by_type)
                except Exception as err:  # noqa: BLE001 - contained, reported
                    _contained(problems, err, resource.location, f"rule {rule.id} on {resource.address}")
                    continue
                if result is not None:
                    results.append(result)
    return results


# Terraform type prefixes of each cloud's providers (resources, data sources, provider blocks).
CLOUD_TYPE_PREFIXES = {"aws": ("aws_", "provider.aws"), "gcp": ("google_", "provider.google"),
                       "azure": ("azurerm_", "azuread_", "provider.azurerm", "provider.azuread")}


def _cloud_anchors(resources) -> dict:
    """cloud -> where its presence results are reported: its first provider block, else its
    first resource; clouds absent from the scan are absent here."""
    anchors: dict = {}
    for resource in resources:
        for cloud, prefixes in CLOUD_TYPE_PREFIXES.items():
            if resource.type.startswith(prefixes):
                is_provider = resource.type.startswith("provider.")
                if cloud not in anchors or (is_provider and not anchors[cloud][0]):
                    anchors[cloud] = (is_provider, resource.location)
    return {cloud: location for cloud, (_, location) in anchors.items()}


def _contained(problems, err, location: Location, what: str) -> None:
    from analyzer.contain import internal_problem

    if problems is not None:
        problems.append(internal_problem(err, location.path, location.start_line, what))


def evaluate_account_rules(rules, resources, graph, scope_name: str, anchor: Location,
                           account_scope: bool, problems: list | None = None) -> list[Result]:
    """Presence rules, once per scan over every root module scanned (docs/architecture.md): an account
    baseline is often split across root modules. A rule of a cloud the scan has no resources or
    provider block of is not applicable (an AWS baseline says nothing about a GCP project), and
    each cloud's results are reported at that cloud's provider block."""
    by_type = index_by_type(resources)
    anchors = _cloud_anchors(resources)
    results = []
    for rule in rules:
        if rule.scope is not Subject.ACCOUNT:
            continue
        if account_scope and rule.provider not in anchors:
            message = (f"{rule.title}: presence rule not applicable — the scanned code has no {rule.provider} "
                       f"resources or provider block")
            results.append(Result(rule.id, Status.NOT_APPLICABLE, f"account ({scope_name})", "", anchor, anchor,
                                  message, subject=Subject.ACCOUNT))
            continue
        rule_anchor = anchors.get(rule.provider, anchor)
        try:
            results.append(evaluate_account_rule(rule, scope_name, rule_anchor, graph, by_type, account_scope))
        except Exception as err:  # noqa: BLE001 - contained, reported
            _contained(problems, err, rule_anchor, f"rule {rule.id}")
    return results
