"""Comparison operators for ``{attr: PATH, <operator>: VALUE}`` conditions.

One dict of plain functions ``(actual, expected) -> bool``. The engine never passes an
Unknown here: it decides Unknown before calling (three-valued logic lives in the engine).
"""
from __future__ import annotations

import re


def _coerce(actual, expected):
    """Providers coerce strings to the schema type ("true" -> true, "5" -> 5); so do we."""
    if isinstance(expected, bool) and isinstance(actual, str) and actual.lower() in ("true", "false"):
        return actual.lower() == "true"
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and isinstance(actual, str):
        try:
            return float(actual)
        except ValueError:
            return actual
    if isinstance(expected, str) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        # minimum_tls_version = 1.2 where the schema says string: Terraform sends "1.2"
        from analyzer.values import to_terraform_string

        return to_terraform_string(actual)
    return actual


def equals(actual, expected):
    actual = _coerce(actual, expected)
    if isinstance(actual, bool) != isinstance(expected, bool):
        return False
    return actual == expected


def is_in(actual, expected):
    return any(equals(actual, option) for option in expected)


def contains(actual, expected):
    if isinstance(actual, str):
        return isinstance(expected, str) and expected in actual
    if isinstance(actual, list):
        return any(equals(item, expected) for item in actual)
    if isinstance(actual, dict):
        return expected in actual
    return False


def contains_any(actual, expected):
    return any(contains(actual, option) for option in expected)


def matches(actual, expected):
    return isinstance(actual, str) and re.search(expected, actual) is not None


def _number(value):
    value = _coerce(value, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _compare(check):
    def operator(actual, expected):
        number = _number(actual)
        return number is not None and check(number, expected)
    return operator


def exists(actual, expected):
    # "" was Terraform 0.11's way to leave an optional string unset; providers still read it so.
    present = actual not in (None, "", [], {})
    return present == bool(expected)


def is_empty(actual, expected):
    empty = actual in (None, "", [], {})
    return empty == bool(expected)


def length_gte(actual, expected):
    return isinstance(actual, (str, list, dict)) and len(actual) >= expected


def starts_with(actual, expected):
    return isinstance(actual, str) and actual.startswith(expected)


OPERATORS = {
    "equals": equals,
    "not_equals": lambda actual, expected: not equals(actual, expected),
    "in": is_in,
    "not_in": lambda actual, expected: not is_in(actual, expected),
    "contains": contains,
    "not_contains": lambda actual, expected: not contains(actual, expected),
    "contains_any": contains_any,
    "contains_none": lambda actual, expected: not contains_any(actual, expected),
    "matches": matches,
    "not_matches": lambda actual, expected: not matches(actual, expected),
    "starts_with": starts_with,
    "gt": _compare(lambda a, b: a > b),
    "gte": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "lte": _compare(lambda a, b: a <= b),
    "exists": exists,
    "is_empty": is_empty,
    "length_gte": length_gte,
}

# Operators whose truth does not depend on the value being known: `exists: true` holds for a
# set-but-unknown attribute. Everything else is unknown when its input is unknown.
DECIDED_WHEN_SET = {"exists"}
