"""Shared helpers for tests generated from rulesets/ and fixtures/rules/."""
from __future__ import annotations

import json
import os

from analyzer.rules.loader import load_ruleset
from analyzer.rules.locations import bundled_rules_dir
from analyzer.scan import ScanOptions, scan

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULE_FIXTURES = os.path.join(REPO, "fixtures", "rules")


# Loaded and validated once for the whole session: every generated test scans with it.
BUNDLED = load_ruleset([bundled_rules_dir()])


def all_rules():
    return BUNDLED.rules, BUNDLED.problems


def scan_rule(rule, path, account_scope=None):
    """Scan ``path`` with only ``rule``; account rules run with --account-scope."""
    options = ScanOptions(only=(rule.id,), account_scope=rule.scope == "account" if account_scope is None
                          else account_scope, environ={})
    return scan([path], options, BUNDLED)


def addresses(report, rule_id, status):
    found = []
    for result in report.results:
        if result.rule_id == rule_id and result.status == status:
            found.append("account" if result.subject == "account" else result.address)
    return sorted(found)


def expected_failures(rule_id):
    with open(os.path.join(RULE_FIXTURES, rule_id, "fail", "expected.json"), encoding="utf-8") as handle:
        return sorted(json.load(handle)["fail"])
