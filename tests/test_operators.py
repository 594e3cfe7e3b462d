"""One row per operator (and the coercions providers apply)."""
import pytest

from analyzer.rules.operators import OPERATORS

ROWS = [
    ("equals", True, True, True), ("equals", "true", True, True), ("equals", 1, True, False),
    ("equals", 1.2, "1.2", True), ("in", 1.2, ["1.2"], True), ("equals", 12, "1.2", False),
    ("not_equals", "a", "b", True),
    ("in", "TLSv1.2", ["TLSv1.2", "TLSv1.3"], True), ("not_in", "HTTP", ["HTTPS"], True),
    ("contains", ["0.0.0.0/0"], "0.0.0.0/0", True), ("contains", "abc", "b", True),
    ("not_contains", ["a"], "b", True),
    ("contains_any", ["x", "::/0"], ["0.0.0.0/0", "::/0"], True), ("contains_none", ["10.0.0.0/8"], ["0.0.0.0/0"], True),
    ("matches", "arn:aws:kms:eu-west-1:1:key/x", r"^arn:aws:kms:", True), ("not_matches", "AES256", "kms", True),
    ("starts_with", "ELBSecurityPolicy-TLS13", "ELBSecurityPolicy-TLS13", True),
    ("gt", 15, 14, True), ("gte", "14", 14, True), ("lt", 7, 30, True), ("lte", 90, 90, True), ("gte", "x", 1, False),
    ("exists", "x", True, True), ("exists", None, True, False), ("exists", [], False, True),
    ("is_empty", "", True, True), ("length_gte", ["a", "b"], 2, True),
]


def test_every_operator_has_a_row():
    assert {row[0] for row in ROWS} == set(OPERATORS)


@pytest.mark.parametrize("name, actual, expected, result", ROWS)
def test_operator(name, actual, expected, result):
    assert OPERATORS[name](actual, expected) is result
