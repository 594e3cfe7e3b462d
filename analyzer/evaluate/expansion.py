"""count / for_each -> the instances of a resource or module block.

``expand(module, block, scope)`` returns ``[(key, names, exists)]``: the instance key (None, an
index or a for_each key), the names the instance binds (``count.index``, ``each.key``,
``each.value``) and whether it exists (True, or Unknown when count/for_each is unknown). A
count/for_each Terraform rejects, or one over the instance cap, is reported at its line and
gives one instance whose existence and keys are Unknown.
"""
from __future__ import annotations

from analyzer import limits
from analyzer.evaluate.expressions import evaluate
from analyzer.evaluate.validate import count_problem, for_each_problem
from analyzer.model import Problem
from analyzer.values import Unknown


def expand(module, block, scope) -> list:
    if "count" in block.attributes:
        attribute = block.attributes["count"]
        count = evaluate(attribute.expr, scope)
        report_limits(module.project, attribute.location)
        if isinstance(count, Unknown):
            return [(None, {"count": {"index": Unknown("count.index: count is unknown")}}, count)]
        if isinstance(count, str) and count.strip().lstrip("-").isdigit():
            count = int(count)  # Terraform converts "1" to a number
        problem = count_problem(count)
        if problem:
            return _invalid(module.project, attribute, "count", problem)
        count = int(count)
        if count > limits.MAX_INSTANCES:
            return _invalid(module.project, attribute, "count", limits.instances_message(count), "limit-exceeded")
        return [(i, {"count": {"index": i}}, True) for i in range(count)]
    if "for_each" in block.attributes:
        attribute = block.attributes["for_each"]
        collection = evaluate(attribute.expr, scope)
        report_limits(module.project, attribute.location)
        problem = for_each_problem(attribute.expr, collection)
        if problem:
            return _invalid(module.project, attribute, "for_each", problem)
        if isinstance(collection, Unknown) or _has_unknown_keys(collection):
            unknown = collection if isinstance(collection, Unknown) else Unknown("for_each keys unknown")
            return [(None, {"each": {"key": unknown, "value": unknown}}, unknown)]
        if len(collection) > limits.MAX_INSTANCES:
            return _invalid(module.project, attribute, "for_each", limits.instances_message(len(collection)),
                            "limit-exceeded")
        if isinstance(collection, dict):
            return [(k, {"each": {"key": k, "value": collection[k]}}, True) for k in sorted(collection)]
        keys = sorted({str(v) for v in collection if v is not None})
        return [(k, {"each": {"key": k, "value": k}}, True) for k in keys]
    return [(None, {}, True)]


def report_limits(project, location) -> None:
    """Report the caps hit while evaluating the attribute at ``location`` (limits.BUDGET)."""
    for message in limits.BUDGET.take_hits():
        key = ("limit", message) if "steps" in message else ("limit", location.path, location.start_line, message)
        project.report_once(key, Problem(location.path, location.start_line,
                                         f"{message}; the value is Unknown", "limit-exceeded"))


def _invalid(project, attribute, name: str, message: str, kind: str = "validate-error") -> list:
    location = attribute.location
    why = "terraform validate rejects this; " if kind == "validate-error" else ""
    project.report_once((kind, location.path, location.start_line, message), Problem(
        location.path, location.start_line, f"{message} ({why}the instances are Unknown)", kind))
    unknown = Unknown(message)
    if name == "count":
        return [(None, {"count": {"index": unknown}}, unknown)]
    return [(None, {"each": {"key": unknown, "value": unknown}}, unknown)]


def _has_unknown_keys(collection) -> bool:
    if isinstance(collection, list):
        return any(isinstance(v, Unknown) for v in collection)
    return False
