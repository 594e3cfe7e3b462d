"""Every AWS rule's fail fixtures, scanned as a plan generated from them (tests/plan_from_hcl.py),
fail exactly as the HCL scan does: provider defaults hold in plans too.

The generated plan marks every attribute the rule reads and the configuration leaves unset as
``after_unknown`` (what Terraform shows for Optional+Computed attributes), so a plan scan that
took those for Unknown would turn the expected failures into unknowns.
"""
from __future__ import annotations

import json
import os

import pytest

from analyzer.load.files import ParseCache
from analyzer.scan import ScanOptions, root_modules, scan
from tests.plan_from_hcl import plan_document
from tests.rule_fixtures import BUNDLED, RULE_FIXTURES, expected_failures

RULES = sorted((r for r in BUNDLED.rules if r.provider == "aws" and r.scope == "resource"
                and os.path.isdir(os.path.join(RULE_FIXTURES, r.id, "fail"))), key=lambda r: r.id)


def read_attributes(condition, found=None) -> set:
    """Top-level attribute names a rule's conditions read (``attr``/``elements`` and predicate args)."""
    found = set() if found is None else found
    if isinstance(condition, dict):
        for key in ("attr", "elements"):
            if isinstance(condition.get(key), str):
                found.add(condition[key].split(".")[0].split("[")[0])
        for value in condition.values():
            read_attributes(value, found)
    elif isinstance(condition, list):
        for item in condition:
            read_attributes(item, found)
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fail_fixture_as_plan_fails_like_hcl(rule, tmp_path):
    fixture = os.path.join(RULE_FIXTURES, rule.id, "fail")
    computed = read_attributes([rule.assertion, rule.when])
    roots, _ = root_modules([fixture], ParseCache())
    failed = []
    for index, root in enumerate(roots):
        plan_path = tmp_path / f"plan{index}.json"
        plan_path.write_text(json.dumps(plan_document(root, sorted(computed))))
        report = scan([root], ScanOptions(only=(rule.id,), plans=(str(plan_path),), environ={}), BUNDLED)
        assert not [p for p in report.problems if p.blocking], report.problems
        failed += [r.address for r in report.results if r.rule_id == rule.id and r.status == "fail"]
    assert sorted(failed) == expected_failures(rule.id)
