"""``.tfattest.yaml``: project settings and approved exceptions, schema-validated.

Looked up in the current directory (or given with --config). CLI flags override it.
"""
from __future__ import annotations

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
        "account_scope": {"type": "boolean"},
        "forbid_inline_ignores": {"type": "boolean"},
        "rules": {"type": "array", "items": {"type": "string"}},
        "exceptions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rule", "reason", "approver"],
                "properties": {
                    "rule": {"type": "string"},
                    "resource": {"type": "string"},
                    "path": {"type": "string"},
                    "reason": {"type": "string", "minLength": 1},
                    "owner": {"type": "string"},
                    "approver": {"type": "string"},
                    "ticket": {"type": "string"},
                    "expires": {"type": ["string", "null"]},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class ConfigException:
    rule: str
    reason: str
    approver: str
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
    account_scope: bool = False
    forbid_inline_ignores: bool = False
    rules: tuple = ()
    exceptions: tuple = field(default_factory=tuple)
    path: str | None = None
    framework: str | None = None  # requirement ids of this framework shown in text/Markdown


def load_config(path: str | None) -> tuple[Config, list]:
    """(Config, problems). A missing default file is fine; a bad one is a problem (exit 3)."""
    import jsonschema

    explicit = path is not None
    path = path or CONFIG_NAME
    if not os.path.isfile(path):
        if explicit:
            return Config(), [Problem(path, 1, "config file not found", "config-error")]
        return Config(), []
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except (OSError, UnicodeDecodeError, RecursionError, yaml.YAMLError) as err:
        mark = getattr(err, "problem_mark", None)
        return Config(), [Problem(path, mark.line + 1 if mark else 1, f"invalid config: {err}", "config-error")]
    if not isinstance(data, dict):
        return Config(), [Problem(path, 1, "config must be a mapping of settings", "config-error")]
    if isinstance(data.get("fail_on"), str):
        data["fail_on"] = data["fail_on"].lower()  # severities are case-insensitive
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(data))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        return Config(), [Problem(path, 1, f"config does not match the schema at {where}: {errors[0].message}",
                                  "config-error")]
    base = os.path.dirname(os.path.abspath(path))
    exceptions = tuple(ConfigException(**{k: (str(v) if v is not None else None) for k, v in item.items()})
                       for item in data.get("exceptions", []))
    return Config(
        fail_on=data.get("fail_on"), unknown=data.get("unknown"), only=split_selectors(data.get("only", ())),
        skip=split_selectors(data.get("skip", ())), enable=split_selectors(data.get("enable", ())), account_scope=bool(data.get("account_scope", False)),
        forbid_inline_ignores=bool(data.get("forbid_inline_ignores", False)),
        rules=tuple(os.path.join(base, r) for r in data.get("rules", ())), exceptions=exceptions, path=path,
        framework=data.get("framework"),
    ), []
