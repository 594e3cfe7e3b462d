"""AWS CloudWatch metric filters and alarms (the CIS monitoring set).

A CIS "monitoring" control is a metric filter on the CloudTrail log group whose pattern catches
some API events, plus an alarm on the filter's metric that notifies someone. Patterns are
written in many equivalent ways (quoted or bare values, extra parentheses, terms in any order,
an extra exclusion), so they are parsed, never compared as strings: the rule gives sample
CloudTrail events, and the question is "would this pattern match every one of them?".

Grammar of the JSON filter patterns handled here (CloudWatch Logs "filter and pattern syntax"):

    pattern := "{" expr "}"
    expr    := and ("||" and)*
    and     := unary ("&&" unary)*
    unary   := "(" expr ")" | term
    term    := selector op value | selector "NOT" "EXISTS" | selector "IS" ("NULL"|"TRUE"|"FALSE")
    op      := "=" | "!=" | "<" | "<=" | ">" | ">="

String values may be quoted or bare and may hold ``*`` wildcards; ``%regex%`` values are
matched as regular expressions. Anything else (space-delimited text patterns) does not parse.

The same sample events are also matched against EventBridge rules (``event_pattern``, with the
usual content filters), the other way to alarm on CloudTrail events.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from analyzer.evaluate.values import Unknown, contains_unknown, values_at
from analyzer.graph import referenced
from analyzer.providers.scope_index import scope_index
from analyzer.rules.verdict import Verdict

# --- the pattern language ----------------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<op>\|\||&&|!=|<=|>=|=|<|>|\(|\)|\{|\})
    | (?P<quoted>"(?:[^"\\]|\\.)*")
    | (?P<regex>%(?:[^%\\]|\\.)*%)
    | (?P<word>[^\s()&|{}=!<>"]+)
    )""", re.VERBOSE)


class PatternError(ValueError):
    """The text is not a JSON filter pattern this parser understands."""


@dataclass(frozen=True)
class Term:
    selector: str  # "eventName", "userIdentity.type" (without the leading "$.")
    op: str  # "=", "!=", "<", "<=", ">", ">=", "not exists", "is null", "is true", "is false"
    value: object = None  # str, float, or ("regex", text)


@dataclass(frozen=True)
class Junction:
    kind: str  # "and" | "or"
    parts: tuple


def _tokens(text: str) -> list:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise PatternError(f"unexpected text at {text[position:position + 20]!r}")
        position = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    return tokens


class _Parser:
    def __init__(self, tokens: list):
        self.tokens, self.at = tokens, 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None)

    def take(self, expected: str | None = None):
        token = self.peek()
        if token[0] is None or (expected is not None and token[1] != expected):
            raise PatternError(f"expected {expected or 'more'}, found {token[1]!r}")
        self.at += 1
        return token

    def pattern(self):
        self.take("{")
        expr = self.expr()
        self.take("}")
        if self.peek()[0] is not None:
            raise PatternError("text after the closing brace")
        return expr

    def expr(self):
        parts = [self.conjunction()]
        while self.peek()[1] == "||":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))

    def conjunction(self):
        parts = [self.unary()]
        while self.peek()[1] == "&&":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))

    def unary(self):
        if self.peek()[1] == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        return self.term()

    def term(self):
        kind, selector = self.take()
        if kind != "word" or not selector.startswith("$"):
            raise PatternError(f"expected a $.selector, found {selector!r}")
        path = selector[1:].lstrip(".")
        kind, op = self.take()
        if kind == "word" and op.upper() == "NOT":
            self.take_word("EXISTS")
            return Term(path, "not exists")
        if kind == "word" and op.upper() == "IS":
            _, what = self.take()
            if what.upper() not in ("NULL", "TRUE", "FALSE"):
                raise PatternError(f"IS {what}")
            return Term(path, f"is {what.lower()}")
        if kind != "op" or op not in ("=", "!=", "<", "<=", ">", ">="):
            raise PatternError(f"expected an operator after {selector}, found {op!r}")
        kind, raw = self.take()
        if kind == "quoted":
            value = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif kind == "regex":
            value = ("regex", raw[1:-1])
        elif kind == "word":
            value = raw
        else:
            raise PatternError(f"expected a value after {selector} {op}, found {raw!r}")
        return Term(path, op, value)

    def take_word(self, word: str):
        kind, text = self.take()
        if kind != "word" or text.upper() != word:
            raise PatternError(f"expected {word}, found {text!r}")


def parse_pattern(text: str):
    """A JSON filter pattern -> Term / Junction tree; PatternError if it is not one."""
    return _Parser(_tokens(text)).pattern()


_ABSENT = object()


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _equal(pattern_value, actual) -> bool:
    if isinstance(pattern_value, tuple):  # %regex%
        return re.search(pattern_value[1], str(actual)) is not None
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        return _number(pattern_value) == float(actual)
    text = str(actual)
    if "*" in pattern_value:
        return fnmatch.fnmatchcase(text, pattern_value.replace("[", "[[]"))
    return text == pattern_value


def _term_matches(term: Term, event: dict) -> bool:
    actual = event.get(term.selector, _ABSENT)
    if term.op == "not exists":
        return actual is _ABSENT
    if term.op == "is null":
        return actual is None
    if term.op in ("is true", "is false"):
        return actual is (term.op == "is true")
    if term.op == "!=":
        # An exclusion of a field the event does not carry leaves the event in.
        return actual is _ABSENT or not _equal(term.value, actual)
    if actual is _ABSENT or actual is None:
        return False
    if term.op == "=":
        return _equal(term.value, actual)
    left, right = _number(actual), _number(term.value)
    if left is None or right is None:
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[term.op]


def matches(tree, event: dict) -> bool:
    """Would the parsed pattern match this CloudTrail event (a flat dict of dotted paths)?"""
    if isinstance(tree, Term):
        return _term_matches(tree, event)
    results = (matches(part, event) for part in tree.parts)
    return all(results) if tree.kind == "and" else any(results)


def sample_events(args: dict) -> list:
    """The events a rule names: ``base`` fields merged into each of ``events`` (dicts) and of
    ``event_names`` (each becomes ``{"eventName": name}``)."""
    base = dict(args.get("base") or {})
    events = [dict(base, **event) for event in args.get("events") or []]
    events += [dict(base, eventName=name) for name in args.get("event_names") or []]
    return events


# --- predicates ------------------------------------------------------------------------

def filter_pattern_matches(ctx, args: dict) -> Verdict:
    """True when the metric filter's ``pattern`` matches every sample event of ``args``."""
    pattern = ctx.values.get("pattern")
    if isinstance(pattern, Unknown):
        return Verdict(None, "pattern", f"pattern is unknown ({pattern.reason})")
    if not isinstance(pattern, str) or not pattern.strip():
        return Verdict(False, "pattern", "no filter pattern")
    try:
        tree = parse_pattern(pattern)
    except PatternError as error:
        return Verdict(False, "pattern", f"pattern is not a JSON filter pattern on CloudTrail fields ({error})")
    missed = [event for event in sample_events(args) if not matches(tree, event)]
    if missed:
        names = sorted({str(e.get("eventName", e)) for e in missed})
        return Verdict(False, "pattern", f"pattern does not match {', '.join(names[:6])}"
                                         + (f" and {len(names) - 6} more" if len(names) > 6 else ""))
    return Verdict(True, "pattern", "pattern matches the required events")


def _first(values: dict, path: str):
    found = values_at(values, path)
    return found[0] if found else None


def _alarm_metric_pairs(alarm) -> list:
    """(metric_name, namespace) of an alarm: its own, or those of its metric_query blocks."""
    pairs = []
    if alarm.values.get("metric_name") is not None:
        pairs.append((alarm.values.get("metric_name"), alarm.values.get("namespace")))
    for query in alarm.values.get("metric_query") or []:
        if isinstance(query, dict):
            for metric in query.get("metric") or []:
                if isinstance(metric, dict):
                    pairs.append((metric.get("metric_name"), metric.get("namespace")))
    return pairs


def _same(ours, theirs) -> bool | None:
    if isinstance(ours, Unknown) or isinstance(theirs, Unknown):
        return None
    return ours == theirs


def _notifies(alarm) -> Verdict:
    if alarm.values.get("actions_enabled") is False:
        return Verdict(False, "alarm_actions", f"{alarm.address} has actions_enabled = false")
    actions = alarm.values.get("alarm_actions")
    if isinstance(actions, Unknown) or (isinstance(actions, list) and actions):
        # A list written in the code (even of computed ARNs) is set; a whole unknown list may be empty.
        if isinstance(actions, Unknown) and actions.origin is None:
            return Verdict(None, "alarm_actions", f"{alarm.address} alarm_actions unknown ({actions.reason})")
        return Verdict(True, "alarm_actions", f"alarm {alarm.address} notifies")
    return Verdict(False, "alarm_actions", f"{alarm.address} has no alarm_actions")


@dataclass(frozen=True)
class _AlarmIndex:
    """The scope's alarms, indexed so a metric filter looks only at alarms that may watch it."""

    alarms: tuple  # every aws_cloudwatch_metric_alarm, in by_type order
    by_reference: dict  # address an alarm refers to -> alarm positions
    by_name: dict  # known metric_name -> alarm positions
    open_names: tuple  # positions of alarms with a metric_name that is unknown (or not a plain value)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _alarm_index(ctx) -> _AlarmIndex:
    """Built once per scope and cached on the graph (like the engine's companion index): looking
    at every alarm for every metric filter made N filters and M alarms cost O(N*M)."""
    return scope_index(ctx, "aws_metric_alarm_index", lambda: _build_alarm_index(ctx))


def _build_alarm_index(ctx) -> _AlarmIndex:
    alarms = tuple(ctx.by_type.get("aws_cloudwatch_metric_alarm", ()))
    by_reference: dict = {}
    by_name: dict = {}
    open_names = []
    for position, alarm in enumerate(alarms):
        if ctx.graph is not None and alarm.address in ctx.graph:
            for target in {r.address for r in referenced(ctx.graph, alarm.address)}:
                by_reference.setdefault(target, []).append(position)
        names = {metric_name for metric_name, _ in _alarm_metric_pairs(alarm)
                 if not isinstance(metric_name, Unknown) and _hashable(metric_name)}
        for metric_name in names:
            by_name.setdefault(metric_name, []).append(position)
        if any(isinstance(metric_name, Unknown) or not _hashable(metric_name)
               for metric_name, _ in _alarm_metric_pairs(alarm)):
            open_names.append(position)
    return _AlarmIndex(alarms, by_reference, by_name, tuple(open_names))


def _alarms_for(ctx, own, name) -> tuple:
    """(alarm, linked?) pairs, in by_type order, of the alarms that may watch metric ``name``:
    those referring to the filter, those on the same metric name, those with an unknown one."""
    index = _alarm_index(ctx)
    linked = set(index.by_reference.get(own, ())) if own is not None else set()
    if isinstance(name, Unknown) or not _hashable(name):
        positions = range(len(index.alarms))
    else:
        positions = sorted(linked | set(index.by_name.get(name, ())) | set(index.open_names))
    return tuple((index.alarms[p], p in linked) for p in positions)


def metric_filter_alarmed(ctx, args: dict) -> Verdict:
    """True when an aws_cloudwatch_metric_alarm watches this filter's metric (same metric name and
    namespace, by value or by reference) and has alarm_actions."""
    name = _first(ctx.values, "metric_transformation.name")
    namespace = _first(ctx.values, "metric_transformation.namespace")
    own = ctx.resource.address if ctx.resource is not None else None
    verdicts = []
    for alarm, linked in _alarms_for(ctx, own, name):
        for metric_name, metric_namespace in _alarm_metric_pairs(alarm):
            if linked:
                same = True
            else:
                same_name, same_ns = _same(name, metric_name), _same(namespace, metric_namespace)
                if same_name is False or same_ns is False:
                    continue
                same = None if same_name is None or same_ns is None else True
            notifies = _notifies(alarm)
            if same is None and notifies.value is not False:
                verdicts.append(Verdict(None, "metric_transformation",
                                        f"alarm {alarm.address} may watch this metric (value unknown)"))
            elif same:
                verdicts.append(notifies)
    if any(v.value is True for v in verdicts):
        return next(v for v in verdicts if v.value is True)
    if any(v.value is None for v in verdicts):
        return next(v for v in verdicts if v.value is None)
    if verdicts:
        return verdicts[0]
    return Verdict(False, "metric_transformation", f"no aws_cloudwatch_metric_alarm on metric {name!r}")


def _group_names_of_trails(ctx) -> tuple[frozenset, frozenset, bool]:
    """(log group names, log group addresses, unknown?) that CloudTrail trails in scope deliver to.
    The same for every metric filter of the scope: computed once and cached on the graph."""
    def build():
        names, addresses, unknown = _scan_trails(ctx)
        return frozenset(names), frozenset(addresses), unknown
    return scope_index(ctx, "aws_trail_log_groups", build)


def _scan_trails(ctx) -> tuple[set, set, bool]:
    names, addresses, unknown = set(), set(), False
    for trail in ctx.by_type.get("aws_cloudtrail", ()):
        arn = trail.values.get("cloud_watch_logs_group_arn")
        if arn is None:
            continue
        for group in referenced(ctx.graph, trail.address, "cloud_watch_logs_group_arn"):
            addresses.add(group.address)
            if isinstance(group.values.get("name"), str):
                names.add(group.values["name"])
        if isinstance(arn, str):
            match = re.search(r":log-group:([^:]+)", arn)
            if match:
                names.add(match.group(1))
        elif not addresses:
            unknown = True
    return names, addresses, unknown


def metric_filter_on_trail_log_group(ctx, args: dict) -> Verdict:
    """True when the filter reads the log group a CloudTrail trail in scope delivers to. When no
    trail in the scanned code delivers to CloudWatch Logs (the trail lives elsewhere, e.g. an
    organization trail), the log group cannot be checked and this holds."""
    names, addresses, unknown = _group_names_of_trails(ctx)
    if not names and not addresses:
        if unknown:
            return Verdict(None, "log_group_name", "the trail's log group is known only after apply")
        return Verdict(True, "log_group_name", "no trail delivering to CloudWatch Logs in the scanned code")
    group = ctx.values.get("log_group_name")
    own = ctx.resource.address if ctx.resource is not None else None
    if own is not None and any(r.address in addresses
                               for r in referenced(ctx.graph, own, "log_group_name")):
        return Verdict(True, "log_group_name", "filter reads the trail's log group")
    if isinstance(group, str):
        if group in names:
            return Verdict(True, "log_group_name", f"filter reads the trail's log group {group}")
        return Verdict(False, "log_group_name", f"log group {group} is not the trail's ({', '.join(sorted(names))})")
    return Verdict(None, "log_group_name", "log_group_name is unknown")


# --- EventBridge (CloudWatch Events) rules: the other way to alarm on CloudTrail events -----
# A rule whose event_pattern matches the CloudTrail events and that has a target (an SNS topic,
# a Lambda) is the modern equivalent of a metric filter plus alarm; CIS accepts either.

_CONSOLE_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
_API_DETAIL_TYPE = "AWS API Call via CloudTrail"


def _nested(flat: dict) -> dict:
    tree: dict = {}
    for path, value in flat.items():
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def eventbridge_envelope(event: dict) -> dict:
    """The EventBridge event CloudTrail delivers for a sample event (flat dotted fields)."""
    source = str(event.get("eventSource", "")).split(".amazonaws.com")[0]
    console = event.get("eventType") == "AwsConsoleSignIn" or event.get("eventName") == "ConsoleLogin"
    return {"source": f"aws.{source}", "detail-type": _CONSOLE_DETAIL_TYPE if console else _API_DETAIL_TYPE,
            "detail": _nested(event)}


def _filter_matches(spec, actual, present: bool) -> bool:
    if not isinstance(spec, dict):
        return present and not isinstance(actual, (dict, list)) and spec == actual
    if "exists" in spec:
        return present == bool(spec["exists"])
    if not present:
        return False
    text = actual if isinstance(actual, str) else None
    if "prefix" in spec:
        prefix = spec["prefix"]
        if isinstance(prefix, dict):
            prefix = prefix.get("equals-ignore-case", "")
            return text is not None and text.lower().startswith(str(prefix).lower())
        return text is not None and text.startswith(str(prefix))
    if "suffix" in spec:
        return text is not None and text.endswith(str(spec["suffix"]))
    if "equals-ignore-case" in spec:
        return text is not None and text.lower() == str(spec["equals-ignore-case"]).lower()
    if "wildcard" in spec:
        return text is not None and fnmatch.fnmatchcase(text, str(spec["wildcard"]).replace("[", "[[]"))
    if "anything-but" in spec:
        excluded = spec["anything-but"]
        if isinstance(excluded, dict):
            return not _filter_matches(excluded, actual, present)
        excluded = excluded if isinstance(excluded, list) else [excluded]
        return actual not in excluded
    raise PatternError(f"unsupported content filter {sorted(spec)}")


def _values_match(specs, actual, present: bool) -> bool:
    specs = specs if isinstance(specs, list) else [specs]
    candidates = actual if isinstance(actual, list) else [actual]
    return any(_filter_matches(spec, value, present) for spec in specs for value in candidates)


def event_pattern_matches(pattern: dict, event: dict) -> bool:
    """EventBridge pattern semantics: every key must match; a list is any-of; nested objects
    recurse; "$or" is a list of alternatives. PatternError for what is not understood."""
    for key, spec in pattern.items():
        if key == "$or":
            if not any(event_pattern_matches(alt, event) for alt in spec):
                return False
            continue
        present = isinstance(event, dict) and key in event
        actual = event.get(key) if present else None
        if isinstance(spec, dict) and not any(k in spec for k in ("exists",)):
            if not event_pattern_matches(spec, actual if isinstance(actual, dict) else {}):
                return False
            continue
        if not _values_match(spec, actual, present):
            return False
    return True


def event_rule_matches(ctx, args: dict) -> Verdict:
    """True when the EventBridge rule's event_pattern matches every sample event of ``args`` and the
    rule is enabled."""
    from analyzer.providers.aws.containers import decode_json_value

    state = ctx.values.get("state")
    if state == "DISABLED" or ctx.values.get("is_enabled") is False:
        return Verdict(False, "state", "the rule is disabled")
    try:
        pattern = decode_json_value(ctx.values.get("event_pattern"))
    except ValueError:
        return Verdict(None, "event_pattern", "event_pattern is not JSON")
    if pattern is None:
        return Verdict(False, "event_pattern", "no event_pattern (a scheduled rule)")
    if isinstance(pattern, Unknown) or not isinstance(pattern, dict) or contains_unknown(pattern):
        return Verdict(None, "event_pattern", "event_pattern is known only after apply")
    try:
        missed = [e for e in sample_events(args) if not event_pattern_matches(pattern, eventbridge_envelope(e))]
    except PatternError as error:
        return Verdict(None, "event_pattern", str(error))
    if missed:
        names = sorted({str(e.get("eventName", e)) for e in missed})
        return Verdict(False, "event_pattern", f"event_pattern does not match {', '.join(names[:6])}")
    return Verdict(True, "event_pattern", "event_pattern matches the required events")


@dataclass(frozen=True)
class _TargetIndex:
    """The scope's event targets, indexed by the rule they name."""

    targets: tuple  # every aws_cloudwatch_event_target, in by_type order
    by_reference: dict  # address a target's ``rule`` refers to -> first target position
    by_name: dict  # (rule name, event bus name) -> first target position
    odd_bus: tuple  # positions of targets with a literal rule name and an event_bus_name that is no key
    unknown_rule: bool  # some target's rule is unknown


def _target_index(ctx) -> _TargetIndex:
    """Built once per scope and cached on the graph (like the engine's companion index): looking
    at every target for every rule made N rules and M targets cost O(N*M)."""
    return scope_index(ctx, "aws_event_target_index", lambda: _build_target_index(ctx))


def _build_target_index(ctx) -> _TargetIndex:
    targets = tuple(ctx.by_type.get("aws_cloudwatch_event_target", ()))
    by_reference: dict = {}
    by_name: dict = {}
    odd_bus = []
    unknown_rule = False
    for position, target in enumerate(targets):
        rule = target.values.get("rule")
        if ctx.graph is not None and target.address in ctx.graph:
            for other in referenced(ctx.graph, target.address, "rule"):
                by_reference.setdefault(other.address, position)
        if isinstance(rule, str):
            bus = target.values.get("event_bus_name", "default")
            if isinstance(bus, str):
                by_name.setdefault((rule, bus), position)
            else:
                odd_bus.append(position)
        elif isinstance(rule, Unknown):
            unknown_rule = True
    return _TargetIndex(targets, by_reference, by_name, tuple(odd_bus), unknown_rule)


def event_rule_has_target(ctx, args: dict) -> Verdict:
    """True when an aws_cloudwatch_event_target sends this rule's events somewhere."""
    own = ctx.resource.address if ctx.resource is not None else None
    name = ctx.values.get("name")
    bus = ctx.values.get("event_bus_name", "default")
    index = _target_index(ctx)
    found = []
    if own is not None and own in index.by_reference:
        found.append(index.by_reference[own])
    if isinstance(name, str):
        if isinstance(bus, str) and (name, bus) in index.by_name:
            found.append(index.by_name[(name, bus)])
        for position in index.odd_bus:
            target = index.targets[position]
            if target.values.get("rule") == name and target.values.get("event_bus_name", "default") == bus:
                found.append(position)
                break
        if not isinstance(bus, str):
            # Our bus is not a plain name: compare it with every target naming this rule, as written.
            for position, target in enumerate(index.targets):
                if target.values.get("rule") == name and target.values.get("event_bus_name", "default") == bus:
                    found.append(position)
                    break
    if found:
        return Verdict(True, "name", f"target {index.targets[min(found)].address}")
    if index.unknown_rule:
        return Verdict(None, "name", "a target with an unknown rule may send this rule's events")
    return Verdict(False, "name", "no aws_cloudwatch_event_target for this rule")


PREDICATES: dict = {
    "filter_pattern_matches": filter_pattern_matches,
    "metric_filter_alarmed": metric_filter_alarmed,
    "metric_filter_on_trail_log_group": metric_filter_on_trail_log_group,
    "event_rule_matches": event_rule_matches,
    "event_rule_has_target": event_rule_has_target,
}
