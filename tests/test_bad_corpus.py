"""The bad-input corpus: fixtures/bad/<case>/ holds input and expected.json
({"exit": code, "message": fragment, "args": [...], "paths": [...]}; "{case}" is the case
directory, and the default paths). One generated test per case.
Every case must end with its exit code and say what it says: never a traceback."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from tests.rule_fixtures import REPO

BAD = os.path.join(REPO, "fixtures", "bad")
CASES = sorted(d for d in os.listdir(BAD) if os.path.isfile(os.path.join(BAD, d, "expected.json")))


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case, monkeypatch):
    directory = os.path.join(BAD, case)
    with open(os.path.join(directory, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)
    args = [a.replace("{case}", directory) for a in expected.get("args", [])]
    paths = [p.replace("{case}", directory) for p in expected.get("paths", ["{case}"])]
    monkeypatch.chdir(directory)  # no .tfattest.yaml of the repository applies
    result = CliRunner().invoke(main, ["scan", "--no-color", *paths, *args])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == expected["exit"], output
    assert expected["message"] in output, output
