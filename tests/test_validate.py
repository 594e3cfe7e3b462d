"""Table tests for what terraform validate rejects (evaluate/validate.py) and the caps (limits.py)."""
from __future__ import annotations

import pytest

from analyzer import expr as E
from analyzer.evaluate import limits
from analyzer.evaluate.validate import count_problem, for_each_problem
from analyzer.evaluate.values import Unknown


@pytest.mark.parametrize("value, fragment", [
    (0, None), (3, None), (2.0, None), (Unknown("x"), None), (-1, "negative"), (1.5, "whole number"),
    ("2x", "not a string"), (None, "null"), (True, "not a bool"), (float("inf"), "infinity"),
])
def test_count_problem(value, fragment):
    if isinstance(value, Unknown):
        return  # the evaluator keeps an unknown count Unknown before asking
    problem = count_problem(value)
    assert (problem is None) if fragment is None else fragment in problem


LITERAL_LIST = E.TupleExpr((E.Literal("a"),))
REFERENCE = E.Traversal("var", (E.GetAttr("x"),))


@pytest.mark.parametrize("expression, value, fragment", [
    (REFERENCE, {"a": 1}, None),
    (REFERENCE, ["a", "b"], None),  # a set of strings (sets are lists in our values)
    (REFERENCE, [Unknown("k")], None),
    (REFERENCE, Unknown("v"), None),
    (LITERAL_LIST, ["a"], "not a list"),
    (E.Call("keys", (REFERENCE,)), ["a"], "not a list"),
    (E.ForExpr(None, "x", REFERENCE, None, E.Traversal("x", ()), None), ["a"], "not a list"),
    (REFERENCE, [1, 2], "strings only"),
    (REFERENCE, None, "null"),
    (REFERENCE, "abc", "not a string"),
])
def test_for_each_problem(expression, value, fragment):
    problem = for_each_problem(expression, value)
    assert (problem is None) if fragment is None else fragment in problem


def test_size_checks_refuse_before_allocating():
    with pytest.raises(limits.LimitExceeded):
        limits.check_call("replace", ["a" * 1000, "a", "b" * 10_000])
    with pytest.raises(limits.LimitExceeded):
        limits.check_call("setproduct", [list(range(1000)), list(range(1000))])
    with pytest.raises(limits.LimitExceeded):
        limits.check_call("join", [",", ["x" * 1_000_000] * 8])
    limits.check_call("join", [",", ["x"] * 10])
    with pytest.raises(limits.LimitExceeded):
        limits.check_string_length(limits.MAX_STRING + 1, "a template")


def test_step_budget():
    budget = limits.Budget()
    budget.tick(limits.MAX_EVAL_STEPS)
    with pytest.raises(limits.LimitExceeded):
        budget.tick()
