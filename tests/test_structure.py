"""Typed results, the one three-valued logic, and structural boundaries between packages."""
import hashlib
import json
import os
import re
from dataclasses import replace

import pytest

from analyzer import logic
from analyzer.model import Location, Result, Severity, Status, Subject
from analyzer.providers.aws.policy import Answer, _and, _not, _or
from analyzer.rules.verdict import Verdict, all_of, any_of, negate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _result(**changes):
    here = Location("main.tf", 3, 5)
    return replace(Result("AWS-S3-002", Status.FAIL, "aws_s3_bucket.b", "aws_s3_bucket", here, here, "m"), **changes)


def test_fingerprint_keeps_the_published_formula():
    result = _result()
    expected = hashlib.sha256(b"AWS-S3-002|main.tf|aws_s3_bucket.b").hexdigest()[:32]
    assert result.fingerprint == expected


def test_fingerprint_follows_replace():
    moved = _result(location=Location("/abs/main.tf", 3, 5))
    assert moved.fingerprint == hashlib.sha256(b"AWS-S3-002|/abs/main.tf|aws_s3_bucket.b").hexdigest()[:32]
    assert _result(region=Location("main.tf", 9, 9)).fingerprint == _result().fingerprint


def test_enums_behave_as_their_text():
    assert Status.FAIL == "fail" and f"{Status.NOT_APPLICABLE}" == "not-applicable"
    assert json.dumps({Status.PASS: Severity.HIGH}) == '{"pass": "high"}'
    assert f"{Severity.LOW:<6}|" == "low   |" and str(Subject.ACCOUNT) == "account"


T, F, U = True, False, None


@pytest.mark.parametrize("values, conj, disj", [
    ((T, T), T, T), ((T, F), F, T), ((T, U), U, T), ((F, U), F, U), ((U, U), U, U), ((F, F), F, F), ((), T, F),
])
def test_verdict_and_answer_agree_with_kleene(values, conj, disj):
    verdicts = [Verdict(v, evidence=str(i)) for i, v in enumerate(values)]
    answers = [Answer(v, str(i)) for i, v in enumerate(values)]
    assert all_of(verdicts).value is conj and _and(*answers).value is conj
    assert any_of(verdicts).value is disj and _or(answers).value is disj
    for v in (T, F, U):
        assert negate(Verdict(v)).value is logic.negate(v) is _not(Answer(v, "")).value


def test_conjunction_stops_at_the_first_false():
    consumed = []

    def gen():
        for v in (T, F, U):
            consumed.append(v)
            yield Verdict(v)

    assert all_of(gen()).value is False and consumed == [T, F]


def test_provider_function_keeps_its_arguments(tmp_path):
    """Bug fix: provider::aws::arn_parse(aws_s3_bucket.b.arn) used to lose its arguments, and
    with them the reference (the edge) to aws_s3_bucket.b."""
    from analyzer import expr as E
    from analyzer.load.hcl import parse_expression

    call = parse_expression("provider::aws::arn_parse(aws_s3_bucket.b.arn, 1)")
    assert isinstance(call, E.Call) and call.name == "provider::aws::arn_parse" and len(call.args) == 2
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
        'resource "aws_s3_bucket_policy" "p" {\n  bucket = provider::aws::arn_parse(aws_s3_bucket.b.arn, "a").resource\n'
        '  policy = "{}"\n}\n')
    from analyzer.scan import scan

    report = scan([str(tmp_path)])
    assert ("aws_s3_bucket_policy.p", "bucket", "aws_s3_bucket.b") in report.edges


@pytest.mark.parametrize("source, expected", [
    # One numeric model (convert.arithmetic): operators and sum() agree, as in Terraform.
    ("0.1 + 0.2 == 0.3", True), ("sum([0.1, 0.2]) == 0.3", True), ("10 * 0.1", 1), ("5 / 2", 2.5),
    ("9007199254740993 + 0", 9007199254740993), ("-7 % 3", -1), ("7 % -3", 1), ("1 / 0", float("inf")),
    # One conversion model (convert.to_bool, cty's rules): conditionals and logic agree with tobool().
    ('"1" ? "a" : "b"', "a"), ('"0" ? "a" : "b"', "b"), ('tobool("1")', True), ('!"1"', False),
    ('"true" && "1"', True), ('"2" + 1', 3), ('"${1.5}x"', "1.5x"), ('"${0.0000001}x"', "0.0000001x"),
])
def test_one_conversion_and_number_model(source, expected):
    from analyzer.evaluate.expressions import NamesOnlyScope, evaluate
    from analyzer.load.hcl import parse_expression

    assert evaluate(parse_expression(source), NamesOnlyScope()) == expected


@pytest.mark.parametrize("source", ['"True" ? 1 : 2', '"yes" && true', '"1.0.0" + 1'])
def test_conversions_terraform_rejects_stay_errors(source):
    from analyzer.evaluate.expressions import NamesOnlyScope, evaluate
    from analyzer.evaluate.values import Unknown
    from analyzer.load.hcl import parse_expression

    assert isinstance(evaluate(parse_expression(source), NamesOnlyScope()), Unknown)


def test_load_does_not_import_evaluate_or_suppress():
    """Loading builds plain data; evaluation and suppression decisions come after it."""
    load_dir = os.path.join(ROOT, "analyzer", "load")
    offending = []
    for name in sorted(os.listdir(load_dir)):
        if name.endswith(".py"):
            with open(os.path.join(load_dir, name), encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if re.search(r"\bimport\b", line) and re.search(r"analyzer\.(evaluate|suppress)\b|"
                                                                   r"from analyzer import (evaluate|suppress)\b", line):
                        offending.append(f"{name}:{number}: {line.strip()}")
    assert offending == []


def test_every_function_family_member_is_in_the_one_registry():
    import importlib
    import pkgutil

    import analyzer.evaluate.functions as package

    registered = set(package.FUNCTIONS.values())
    defined = {obj for info in pkgutil.iter_modules(package.__path__)
               for name, obj in vars(importlib.import_module(f"{package.__name__}.{info.name}")).items()
               if name.startswith("tf_") and callable(obj)}
    assert defined and defined <= registered


def test_module_tree_is_loaded_before_evaluation(tmp_path):
    """Calls, sources, parsed files and problems as values (load/modules.py)."""
    from analyzer.load.files import ParseCache
    from analyzer.load.modules import build_module_tree

    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./a"\n  count = 0\n}\n'
                                      'module "gone" {\n  source = "hashicorp/consul/aws"\n}\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text('module "back" {\n  source = "../"\n}\n'
                                            'resource "aws_s3_bucket" "b" {}\n')
    tree = build_module_tree(ParseCache(), str(tmp_path), {})
    a, gone = tree.calls["a"], tree.calls["gone"]
    assert a.child is not None and a.source.manifest_key == "a" and len(a.child.files) == 1
    back = a.child.calls["back"]
    assert back.child is None and back.problem.kind == "parse-error" and "cycle" in back.problem.message
    assert gone.child is None and gone.source.directory is None and gone.source.problem.kind == "module-missing"


def test_plan_configuration_references_follow_arguments_and_outputs():
    """load/plan.py resolves with resolve.origin: a module argument into the caller, a module
    output into the child; locals and undeclared names reach nothing."""
    from analyzer.load.plan import _config_references

    child = {"resources": [{"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy",
                            "name": "p", "expressions": {"bucket": {"references": ["var.bucket_id"]}}},
                           {"address": "aws_s3_bucket.inner", "mode": "managed", "type": "aws_s3_bucket",
                            "name": "inner", "expressions": {}}],
             "outputs": {"inner_id": {"expression": {"references": ["aws_s3_bucket.inner.id", "aws_s3_bucket.inner"]}}}}
    root = {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                           "expressions": {}},
                          {"address": "data.aws_iam_policy_document.d", "mode": "data",
                           "type": "aws_iam_policy_document", "name": "d", "expressions": {}},
                          {"address": "aws_s3_bucket_logging.l", "mode": "managed", "type": "aws_s3_bucket_logging",
                           "name": "l", "expressions": {
                               "bucket": {"references": ["module.m.inner_id", "module.m"]},
                               "target_bucket": {"references": ["local.x", "var.y", "data.aws_iam_policy_document.d.json"]}}}],
            "module_calls": {"m": {"expressions": {"bucket_id": {"references": ["aws_s3_bucket.b.id"]}}, "module": child}}}
    edges = {(r.source, r.attribute, r.target) for r in _config_references(root, [], {})}
    assert edges == {
        ("aws_s3_bucket_logging.l", "bucket", "module.m.aws_s3_bucket.inner"),
        ("aws_s3_bucket_logging.l", "target_bucket", "data.aws_iam_policy_document.d"),
        ("module.m.aws_s3_bucket_policy.p", "bucket", "aws_s3_bucket.b"),
    }
