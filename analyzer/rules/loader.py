"""Find rule files, validate them against schema.json, and build Rule values.

Rules are data: one YAML file per rule, file name = id. A file that is not valid YAML,
breaks the schema, names an unknown operator/predicate or repeats an id is a Problem
(kind ``rule-error``) with its path and line; the other rules still load.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from analyzer.model import Problem, Rule, Severity, Subject
from analyzer.rules.attributes import rule_attribute_problems
from analyzer.rules.operators import OPERATORS
from analyzer.rules.predicates import PREDICATES, args_schema

_HERE = os.path.dirname(os.path.abspath(__file__))
# libyaml's safe loader when PyYAML was built with it: 15x faster than the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def rule_schema() -> dict:
    with open(os.path.join(_HERE, "schema.json"), encoding="utf-8") as handle:
        return json.load(handle)


def rule_files(directory: str) -> list[str]:
    found = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(current, f) for f in sorted(files) if f.endswith((".yaml", ".yml")))
    return found


@dataclass(frozen=True)
class RuleSet:
    """Every rule of a scan, validated once; ``digest`` (sha256 over each rule file's path
    relative to its directory and content) names the ruleset in reports and evidence."""

    rules: tuple
    problems: tuple
    digest: str


# (directories, which exist, digest of their rule files) -> RuleSet: validating ~600 rule files
# takes most of a small scan, and a process (the test suite, an editor integration) scans
# many times with the same rules. Keyed by content, so an edited rule file is reloaded.
_LOADED: dict = {}


def load_ruleset(directories) -> RuleSet:
    digest = hashlib.sha256()
    for directory in directories:
        if not os.path.isdir(directory):
            continue
        for path in rule_files(directory):
            digest.update(os.path.relpath(path, directory).replace(os.sep, "/").encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    key = (tuple(directories), tuple(os.path.isdir(d) for d in directories), digest.hexdigest())
    if key not in _LOADED:
        rules, problems = load_rules(directories)
        if len(_LOADED) >= 16:
            _LOADED.clear()
        _LOADED[key] = RuleSet(rules, problems, digest.hexdigest())
    return _LOADED[key]


def load_rules(directories) -> tuple[tuple, tuple]:
    """(rules sorted by id, problems) from every rule file in ``directories``."""
    import jsonschema

    validator = jsonschema.Draft7Validator(rule_schema())
    rules: dict[str, Rule] = {}
    problems: list[Problem] = []
    for directory in directories:
        if not os.path.isdir(directory):
            problems.append(Problem(directory, 1, "rules directory does not exist", "rule-error"))
            continue
        for path in rule_files(directory):
            rule, problem = load_rule_file(path, validator)
            if problem is not None:
                problems.append(problem)
            elif rule.id in rules:
                problems.append(Problem(path, 1, f"duplicate rule id {rule.id} (also in {rules[rule.id].source_path})",
                                        "rule-error"))
            else:
                rules[rule.id] = rule
    return tuple(sorted(rules.values(), key=lambda r: r.id)), tuple(problems)


def load_rule_file(path: str, validator) -> tuple[Rule | None, Problem | None]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        document = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, Problem(path, line, f"invalid YAML: {getattr(err, 'problem', err)}", "rule-error")
    except (OSError, UnicodeDecodeError, RecursionError) as err:
        return None, Problem(path, 1, f"cannot read rule file: {type(err).__name__}: {err}", "rule-error")
    if not isinstance(document, dict):
        return None, Problem(path, 1, "a rule file must hold a mapping", "rule-error")
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        return None, Problem(path, _line_of(text, error.absolute_path),
                             f"rule does not match the schema at {where}: {error.message[:300]}", "rule-error")
    stem = os.path.basename(path).rsplit(".", 1)[0]
    if document["id"] != stem:
        return None, Problem(path, _line_of(text, ["id"]), f"rule id {document['id']} must equal the file name {stem}",
                             "rule-error")
    for key in ("when", "assert"):
        found = _condition_problem(document[key], [key]) if document.get(key) is not None else None
        if found:
            message, where = found
            return None, Problem(path, _line_of(text, where), f"{message} (at {'/'.join(map(str, where))})",
                                 "rule-error")
    attribute_problems = rule_attribute_problems(document)
    if attribute_problems:
        name, message = attribute_problems[0]
        line = next((number for number, content in enumerate(text.splitlines(), 1) if name in content), 1)
        more = f" (and {len(attribute_problems) - 1} more)" if len(attribute_problems) > 1 else ""
        return None, Problem(path, line, f"not in the provider schema: {message}{more}", "rule-error")
    return Rule(
        id=document["id"], name=document["name"], title=document["title"], provider=document["provider"],
        control=document["control"], tsc=tuple(document["tsc"]), severity=Severity(document["severity"]),
        resource_types=tuple(document.get("resource_types", ())), assertion=document["assert"],
        description=document["description"].strip(), remediation=document["remediation"],
        references=tuple(document.get("references", ())), when=document.get("when"),
        scope=Subject(document.get("scope", "resource")), source_path=path, enabled=document.get("enabled", True),
        frameworks={key: tuple(ids) for key, ids in (document.get("frameworks") or {}).items()},
    ), None


def _condition_problem(condition: dict, where: list) -> tuple[str, list] | None:
    """What the JSON schema cannot say, as (message, key path): exactly one operator per attr
    condition, regexes that compile, known predicates with args that match their schema."""
    if "attr" in condition:
        operators = [k for k in condition if k in OPERATORS]
        if len(operators) != 1:
            return f"condition on {condition['attr']!r} must have exactly one operator, has {operators or 'none'}", where
        for name in ("matches", "not_matches"):
            if name in condition:
                try:
                    re.compile(condition[name])
                except (re.error, TypeError) as err:
                    return f"{name}: {condition[name]!r} is not a valid regular expression ({err})", where + [name]
    if "elements" in condition:
        quantifiers = [k for k in ("all_match", "any_match", "none_match") if k in condition]
        if len(quantifiers) != 1:
            return f"elements condition on {condition['elements']!r} needs one of all_match/any_match/none_match", where
    if "sql" in condition:
        import sqlite3

        sql = condition["sql"].strip().rstrip(";")
        if not sql.lower().startswith(("select", "with")) or not sqlite3.complete_statement(sql + ";"):
            return "sql must be one complete SELECT (or WITH ... SELECT) statement", where + ["sql"]
    if "predicate" in condition:
        name = condition["predicate"]
        if name not in PREDICATES:
            import difflib

            close = difflib.get_close_matches(name, list(PREDICATES), n=1)
            return f"unknown predicate {name!r}" + (f"; did you mean {close[0]}?" if close else ""), where + ["predicate"]
        errors = sorted(_args_validator(name).iter_errors(condition.get("args", {})), key=lambda e: list(e.path))
        if errors:
            at = "/".join(str(p) for p in errors[0].absolute_path) or "args"
            return f"predicate {name}: invalid args at {at}: {errors[0].message[:200]}", where + ["args"]
    children = []
    for key in ("all", "any"):
        children.extend((c, where + [key, i]) for i, c in enumerate(condition.get(key, [])))
    for key in ("not", "all_match", "any_match", "none_match"):
        if key in condition:
            children.append((condition[key], where + [key]))
    for key in ("related", "in_scope"):
        if key in condition and "assert" in condition[key]:
            children.append((condition[key]["assert"], where + [key, "assert"]))
    for child, child_where in children:
        found = _condition_problem(child, child_where)
        if found:
            return found
    return None


@lru_cache(maxsize=None)
def _args_validator(name: str):
    import jsonschema

    return jsonschema.Draft7Validator(args_schema(name))


def _line_of(text: str, path) -> int:
    """Best-effort line of a key path in a YAML document, for error messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                break
            line = match.start_mark.line + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line
