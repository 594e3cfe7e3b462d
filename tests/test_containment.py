"""No traceback, ever: a defect in one rule, resource or module becomes a Problem (exit 3)."""
from __future__ import annotations

import os

from click.testing import CliRunner

from analyzer.cli import main
from analyzer.rules import engine
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED

HERE = os.path.dirname(os.path.abspath(__file__))


def _tree(tmp_path, files: dict):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_rule_exception_is_a_problem_and_the_scan_goes_on(tmp_path, monkeypatch):
    root = _tree(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" { bucket = "x" }\n'
                                       'resource "aws_security_group" "s" { name = "s" }\n'})
    original = engine.evaluate_resource_rule

    def broken(rule, resource, graph, by_type):
        if resource.type == "aws_s3_bucket":
            raise KeyError("boom")
        return original(rule, resource, graph, by_type)

    monkeypatch.setattr(engine, "evaluate_resource_rule", broken)
    report = scan([root], ScanOptions(environ={}), BUNDLED)
    internal = [p for p in report.problems if p.kind == "internal-error"]
    assert internal and all(p.blocking and p.path == "main.tf" and p.line == 1 for p in internal)
    assert "KeyError" in internal[0].message and "Traceback" in internal[0].detail
    assert any(r.address == "aws_security_group.s" for r in report.results)


def test_cli_catch_all_exits_3_with_one_line(tmp_path, monkeypatch):
    import analyzer.scan as scan_module

    root = _tree(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})

    def explode(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(scan_module, "scan", explode)
    result = CliRunner().invoke(main, ["scan", root])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: unexpected" in result.stderr
    assert "Traceback" not in result.stderr
    debug = CliRunner().invoke(main, ["scan", root, "--debug"])
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


def test_output_in_missing_directory_is_a_usage_error(tmp_path):
    root = _tree(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    result = CliRunner().invoke(main, ["scan", root, "-o", str(tmp_path / "missing" / "x.sarif")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_many_files_one_broken_keeps_every_other_finding(tmp_path):
    import json

    files = {f"svc{i:02}/main.tf": f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b{i}"\n}}\n' for i in range(40)}
    files["svc07/main.tf"] = 'resource "aws_s3_bucket" "b7" {\n  bucket = \n'  # does not parse
    files["svc13/main.tf"] = 'resource "aws_s3_bucket" "b13" {\n  bucket = data.aws_caller_identity.me.id\n}\n'
    root = _tree(tmp_path, files)
    result = CliRunner().invoke(main, ["scan", root, "--only", "AWS-S3-002", "-f", "json"])
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    failing = {r["address"] for r in report["results"] if r["status"] == "fail"}
    assert failing == {f"aws_s3_bucket.b{i}" for i in range(40) if i != 7}
    kinds = {(p["path"], p["kind"]) for p in report["problems"]}
    assert ("svc07/main.tf", "parse-error") in kinds and ("svc13/main.tf", "validate-error") in kinds
