"""``.tfattest.yaml``: project settings and approved exceptions, schema-validated.

Found with --config, else in the first scanned path or one of its parents, else in the
current directory. CLI flags override it. Dates may be quoted or not (YAML reads an unquoted
``2027-03-31`` as a date; it is taken as that ISO date). Errors point at the offending key.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field

import yaml

from analyzer.model import Problem
from analyzer.rules.select import split_selectors

CONFIG_NAME = ".tfattest.yaml"

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "fail_on": {"enum": ["critical", "high", "medium", "low", "none"]},
        "unknown": {"enum": ["ignore", "report", "fail"]},
        "framework": {"type": "string"},
        "only": {"type": "array", "items": {"type": "string"}},
        "skip": {"type": "array", "items": {"type": "string"}},
        "enable": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "account_scope": {"type": "boolean"},
        "forbid_inline_ignores": {"type": "boolean"},
        "require_approver": {"type": "boolean"},
        "rules": {"type": "array", "items": {"type": "string"}},
        "exceptions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rule", "reason"],
                "properties": {
                    "rule": {"type": "string"},
                    "resource": {"type": "string"},
                    "path": {"type": "string"},
                    "reason": {"type": "string", "minLength": 1},
                    "owner": {"type": "string"},
                    "approver": {"type": "string"},
                    "ticket": {"type": ["string", "integer"]},
                    "expires": {"type": ["string", "null"],
                                "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class ConfigException:
    rule: str
    reason: str
    approver: str | None = None
    resource: str | None = None
    path: str | None = None
    owner: str | None = None
    ticket: str | None = None
    expires: str | None = None


@dataclass(frozen=True)
class Config:
    fail_on: str | None = None
    unknown: str | None = None
    only: tuple = ()
    skip: tuple = ()
    enable: tuple = ()
    exclude: tuple = ()
    account_scope: bool = False
    forbid_inline_ignores: bool = False
    require_approver: bool = False
    rules: tuple = ()
    exceptions: tuple = field(default_factory=tuple)
    path: str | None = None
    framework: str | None = None  # requirement ids of this framework shown in text/Markdown


def find_config(paths=()) -> str | None:
    """The nearest ``.tfattest.yaml``: in the first scanned path or its parents, else the cwd."""
    starts = [os.path.abspath(p if os.path.isdir(p) else (os.path.dirname(p) or ".")) for p in paths[:1]]
    for start in starts:
        current = start
        while True:
            candidate = os.path.join(current, CONFIG_NAME)
            if os.path.isfile(candidate):
                return candidate
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return CONFIG_NAME if os.path.isfile(CONFIG_NAME) else None


def _plain_dates(value):
    """YAML turns an unquoted 2027-03-31 into a date: give it back as the ISO string."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    return value


def _line_of(text: str, path_parts) -> int:
    """The 1-based line of the node at ``path_parts`` (keys and indexes) in the YAML text."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return 1
    line = node.start_mark.line + 1 if node is not None else 1
    for part in path_parts:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def line_of_value(path: str | None, key: str, value: str) -> int:
    """The line of ``value`` in the list under ``key`` (or of an exception whose rule is ``value``)."""
    if not path:
        return 1
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return _line_of(text, [key]) if isinstance(data, dict) and key in data else 1
    for index, item in enumerate(items):
        if item == value or (isinstance(item, dict) and item.get("rule") == value) or \
                (isinstance(item, str) and value in [part.strip() for part in item.split(",")]):
            return _line_of(text, [key, index])
    return _line_of(text, [key])


def load_config(path: str | None, scan_paths=()) -> tuple[Config, list]:
    """(Config, problems). A missing default file is fine; a bad one is a problem (exit 3)."""
    import jsonschema

    explicit = path is not None
    path = path or find_config(tuple(scan_paths))
    if path is None or not os.path.isfile(path):
        if explicit:
            return Config(), [Problem(path, 1, "config file not found", "config-error")]
        return Config(), []
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, RecursionError, yaml.YAMLError) as err:
        mark = getattr(err, "problem_mark", None)
        return Config(), [Problem(path, mark.line + 1 if mark else 1, f"invalid config: {err}", "config-error")]
    if not isinstance(data, dict):
        return Config(), [Problem(path, 1, "config must be a mapping of settings", "config-error")]
    data = _plain_dates(data)
    if isinstance(data.get("fail_on"), str):
        data["fail_on"] = data["fail_on"].lower()  # severities are case-insensitive
    problems = []
    for error in jsonschema.Draft7Validator(SCHEMA).iter_errors(data):
        parts = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
            parts += extra[:1]
        where = "/".join(str(p) for p in parts) or "(top level)"
        problems.append(Problem(path, _line_of(text, parts), f"config does not match the schema at {where}: "
                                f"{error.message}", "config-error"))
    require_approver = bool(data.get("require_approver", False))
    for index, item in enumerate(data.get("exceptions", []) if isinstance(data.get("exceptions"), list) else []):
        if require_approver and isinstance(item, dict) and not item.get("approver"):
            problems.append(Problem(path, _line_of(text, ["exceptions", index]),
                                    f"exceptions[{index}] has no approver, and require_approver is true",
                                    "config-error"))
    if problems:
        return Config(), problems[:5]
    base = os.path.dirname(os.path.abspath(path))
    exceptions = tuple(ConfigException(**{k: (str(v) if v is not None else None) for k, v in item.items()})
                       for item in data.get("exceptions", []))
    return Config(
        fail_on=data.get("fail_on"), unknown=data.get("unknown"), only=split_selectors(data.get("only", ())),
        skip=split_selectors(data.get("skip", ())), enable=split_selectors(data.get("enable", ())),
        exclude=tuple(data.get("exclude", ())), account_scope=bool(data.get("account_scope", False)),
        forbid_inline_ignores=bool(data.get("forbid_inline_ignores", False)), require_approver=require_approver,
        rules=tuple(os.path.join(base, r) for r in data.get("rules", ())), exceptions=exceptions, path=path,
        framework=data.get("framework"),
    ), []
