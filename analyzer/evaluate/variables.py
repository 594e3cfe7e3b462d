"""Root-module variable values, in Terraform's precedence order (later wins):
environment TF_VAR_*, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json),
then -var-file and -var in the order given on the command line."""
from __future__ import annotations

import json
import os

from analyzer.evaluate.module import evaluate_constant
from analyzer.load.files import tfvars_files
from analyzer.load.hcl import HclSyntaxError, parse_attributes, parse_expression
from analyzer.model import Problem


def _cli_value(text: str):
    """-var and TF_VAR_ values: HCL for lists/maps/numbers/bools, otherwise the raw string."""
    stripped = text.strip()
    if stripped[:1] in ("[", "{", '"') or stripped in ("true", "false", "null"):
        try:
            return evaluate_constant(parse_expression(stripped))
        except HclSyntaxError:
            return text
    return text


def read_var_file(path: str) -> tuple[dict, list]:
    from analyzer.load.files import MAX_FILE_BYTES

    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE_BYTES:
            return {}, [Problem(path, 1, "variables file is not a regular file or is too large", "read-error")]
        with open(path, encoding="utf-8-sig") as handle:  # a BOM is fine, as in .tf files
            text = handle.read().replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as err:
        return {}, [Problem(path, 1, f"cannot read variables file: {err}", "read-error")]
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            return {}, [Problem(path, err.lineno, f"invalid JSON: {err.msg}")]
        except RecursionError:
            return {}, [Problem(path, 1, "JSON nested too deeply to read", "limit-exceeded")]
        if not isinstance(data, dict):
            return {}, [Problem(path, 1, "a .tfvars.json file must hold a JSON object")]
        return data, []
    attributes, problems = parse_attributes(text, path)
    return {name: evaluate_constant(attr.expr) for name, attr in attributes.items()}, list(problems)


def root_variables(root_dir: str, var_files=(), cli_vars=(), environ=None) -> tuple[dict, list]:
    environ = os.environ if environ is None else environ
    values: dict = {}
    problems: list = []
    for key, text in environ.items():
        if key.startswith("TF_VAR_") and len(key) > 7:
            values[key[7:]] = _cli_value(text)
    for path in list(tfvars_files(root_dir)) + list(var_files):
        loaded, found = read_var_file(path)
        values.update(loaded)
        problems.extend(found)
    for assignment in cli_vars:
        name, _, text = assignment.partition("=")
        values[name.strip()] = _cli_value(text)
    return values, problems
