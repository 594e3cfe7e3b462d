"""Whole-ruleset checks (trivy-checks style): schema-valid, unique ids, known TSC, fixtures complete."""
from __future__ import annotations

import os

from analyzer.frameworks import tsc_criteria
from analyzer.rules.loader import load_rules, rule_files
from analyzer.rules.locations import bundled_rules_dir
from tests.rule_fixtures import RULE_FIXTURES, all_rules

CONTROLS = {"identity-mfa", "least-privilege", "audit-logging", "public-exposure", "encryption-at-rest",
            "encryption-in-transit", "secrets-management", "vulnerability-detection",
            "configuration-monitoring", "intrusion-detection", "backup-recovery"}


def test_every_rule_file_loads_without_problems():
    rules, problems = all_rules()
    assert problems == ()
    assert len(rules) == len(rule_files(bundled_rules_dir()))


def test_rule_ids_are_unique_and_match_file_names():
    ids = [os.path.basename(p).rsplit(".", 1)[0] for p in rule_files(bundled_rules_dir())]
    assert len(ids) == len(set(ids))
    rules, _ = all_rules()
    assert sorted(r.id for r in rules) == sorted(ids)


def test_every_rule_has_known_tsc_criteria_and_control():
    criteria = tsc_criteria()
    for rule in all_rules()[0]:
        assert rule.tsc and set(rule.tsc) <= set(criteria), rule.id
        assert rule.control in CONTROLS, rule.id


def test_every_rule_has_pass_and_fail_fixtures():
    for rule in all_rules()[0]:
        base = os.path.join(RULE_FIXTURES, rule.id)
        assert os.path.isdir(os.path.join(base, "pass")), f"{rule.id}: no pass fixtures"
        assert os.path.isfile(os.path.join(base, "fail", "expected.json")), f"{rule.id}: no fail/expected.json"


def test_every_fixture_directory_belongs_to_a_rule():
    ids = {r.id for r in all_rules()[0]}
    assert set(os.listdir(RULE_FIXTURES)) <= ids


def test_duplicate_ids_and_bad_files_are_reported(tmp_path):
    good = open(rule_files(bundled_rules_dir())[0], encoding="utf-8").read()
    rule_id = os.path.basename(rule_files(bundled_rules_dir())[0]).rsplit(".", 1)[0]
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / f"{rule_id}.yaml").write_text(good)
    (tmp_path / "AWS-BAD-001.yaml").write_text("id: AWS-BAD-001\nname: [unclosed\n")
    (tmp_path / "AWS-BAD-002.yaml").write_text(good.replace(rule_id, "AWS-BAD-002").replace("severity:", "severity: extreme\n#"))
    rules, problems = load_rules([bundled_rules_dir(), str(tmp_path)])
    messages = "\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems)
    assert "duplicate rule id" in messages
    assert "AWS-BAD-001.yaml:3: invalid YAML" in messages  # PyYAML reports where it noticed
    assert "AWS-BAD-002.yaml" in messages and "schema" in messages
    assert all(p.kind == "rule-error" for p in problems)


def test_misspelled_attribute_fails_to_load_with_its_line(tmp_path):
    good = open(os.path.join(bundled_rules_dir(), "aws", "AWS-S3-002.yaml"), encoding="utf-8").read()
    (tmp_path / "AWS-S3-002.yaml").write_text(good.replace("block_public_policy,", "block_public_polcy,"))
    rules, problems = load_rules([str(tmp_path)])
    assert rules == ()
    [problem] = problems
    lines = good.splitlines()
    assert lines[problem.line - 1].strip().startswith("- {attr: block_public_policy")
    assert "block_public_polcy" in problem.message and "did you mean 'block_public_policy'" in problem.message


def test_unknown_resource_type_fails_to_load(tmp_path):
    good = open(os.path.join(bundled_rules_dir(), "aws", "AWS-S3-002.yaml"), encoding="utf-8").read()
    (tmp_path / "AWS-S3-002.yaml").write_text(good.replace("resource_types: [aws_s3_bucket]",
                                                           "resource_types: [aws_s3_buckets]"))
    rules, problems = load_rules([str(tmp_path)])
    assert rules == () and "unknown resource type 'aws_s3_buckets'" in problems[0].message
