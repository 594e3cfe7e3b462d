"""Tests generated from the rule files: every rule is proven by its own fixtures.

For rule <ID>:
  fixtures/rules/<ID>/pass/   must give no failure of <ID> and at least one pass (not vacuous);
  fixtures/rules/<ID>/fail/   must fail exactly the addresses in fail/expected.json;
  the rule's remediation snippet, scanned alone, must pass the rule.
"""
from __future__ import annotations

import os

import pytest

from tests.rule_fixtures import RULE_FIXTURES, addresses, all_rules, expected_failures, scan_rule

RULES, LOAD_PROBLEMS = all_rules()
IDS = [rule.id for rule in RULES]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_pass_fixture_passes(rule):
    report = scan_rule(rule, os.path.join(RULE_FIXTURES, rule.id, "pass"))
    assert not report.problems, report.problems
    assert addresses(report, rule.id, "fail") == []
    assert addresses(report, rule.id, "pass"), "pass fixture never exercised the rule"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_fail_fixture_fails_exactly_expected(rule):
    report = scan_rule(rule, os.path.join(RULE_FIXTURES, rule.id, "fail"))
    assert not report.problems, report.problems
    assert addresses(report, rule.id, "fail") == expected_failures(rule.id)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_remediation_snippet_passes(rule, tmp_path):
    (tmp_path / "main.tf").write_text(rule.remediation, encoding="utf-8")
    report = scan_rule(rule, str(tmp_path))
    assert not report.problems, report.problems
    assert addresses(report, rule.id, "fail") == []
    assert addresses(report, rule.id, "pass"), "remediation snippet does not exercise the rule"
