"""Attribute paths in rules, checked against the providers' schemas.

A misspelled ``attr:`` would silently take its ``default`` and turn a rule into one that
always passes (or always fails). The schemas are compact trees generated at development time
by ``scripts/gen_provider_schemas.py`` (attribute name -> 0 for a value, or a dict for a
nested block or object), the union of the provider major versions listed in each file.
Resource types of other providers (``random_``, ``tls_`` ...) are not checked.
"""
from __future__ import annotations

import difflib
import gzip
import json
import os
import re
from functools import lru_cache

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "provider_schemas")
# Terraform type prefix -> schema file. google-beta uses the google_ types and is merged in.
PROVIDER_FILES = {"aws": "aws", "google": "google", "azurerm": "azurerm"}
_SEGMENT = re.compile(r"\[[^\]]*\]")


@lru_cache(maxsize=None)
def provider_schema(provider: str) -> dict:
    path = os.path.join(_DATA, f"{PROVIDER_FILES[provider]}.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def type_schema(type_name: str):
    """The attribute tree of a resource type (``data.x`` for a data source); ``None`` when the
    type belongs to a provider we hold no schema for; ``MISSING`` when the provider has no
    such type."""
    data = type_name.startswith("data.")
    bare = type_name[len("data."):] if data else type_name
    provider = bare.split("_", 1)[0]
    if provider not in PROVIDER_FILES:
        return None
    return provider_schema(provider)["data_sources" if data else "resources"].get(bare, MISSING)


MISSING = "missing"


def path_problem(tree: dict, path: str) -> str | None:
    """Why ``path`` (``a.b[*].c``) names nothing in ``tree``, else None. A segment below a
    plain value (a map or JSON attribute: ``tags.Name``) is not checked."""
    node = tree
    for segment in _segments(path):
        if not isinstance(node, dict):
            return None
        if segment not in node:
            close = difflib.get_close_matches(segment, list(node), n=1)
            return f"no attribute {segment!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        node = node[segment]
    return None


def _segments(path: str) -> list:
    return [s for s in _SEGMENT.sub("", path).split(".") if s]


def _subtree(tree: dict, path: str):
    node = tree
    for segment in _segments(path):
        if not isinstance(node, dict) or segment not in node:
            return None
        node = node[segment]
    return node


def rule_attribute_problems(document: dict) -> list[tuple[str, str]]:
    """(name as written in the rule, why) for every resource type and attribute path of a rule
    document that the provider lacks."""
    problems: list[str] = []
    trees = _trees(document.get("resource_types", ()), problems)
    for key in ("when", "assert"):
        if document.get(key) is not None:
            _walk(document[key], trees, problems)
    return list(dict.fromkeys(problems))


def _trees(types, problems: list) -> list:
    """(type, tree) for each type we hold a schema for; a type the provider lacks is a problem."""
    found = []
    for type_name in types if isinstance(types, (list, tuple)) else [types]:
        tree = type_schema(type_name)
        if tree is MISSING:
            problems.append((type_name, f"unknown resource type {type_name!r}"))
        elif tree is not None:
            found.append((type_name, tree))
    return found


def _walk(condition, trees: list, problems: list) -> None:
    """Check one condition whose paths are relative to each of ``trees``."""
    if not isinstance(condition, dict):
        return
    for key in ("all", "any"):
        for child in condition.get(key, ()):
            _walk(child, trees, problems)
    if "not" in condition:
        _walk(condition["not"], trees, problems)
    if "attr" in condition:
        _check_path(condition["attr"], trees, problems)
    if "elements" in condition:
        path = condition["elements"]
        _check_path(path, trees, problems)
        inner = [(f"{name}.{path}", _subtree(tree, path)) for name, tree in trees]
        inner = [(name, tree) for name, tree in inner if isinstance(tree, dict)]
        for quantifier in ("all_match", "any_match", "none_match"):
            if quantifier in condition:
                _walk(condition[quantifier], inner, problems)
    for key in ("related", "in_scope"):
        spec = condition.get(key)
        if not isinstance(spec, dict):
            continue
        others = _trees(spec.get("type", []), problems)
        if key == "related":
            forward = spec.get("direction", "reverse") == "forward"
            if spec.get("via"):
                _check_path(spec["via"], trees if forward else others, problems)
            if spec.get("key"):
                _check_path(spec["key"], trees, problems)
        if "assert" in spec:
            _walk(spec["assert"], others, problems)
    if "predicate" in condition and isinstance(condition.get("args"), dict):
        attr = condition["args"].get("attr")
        if isinstance(attr, str):
            _check_path(attr, trees, problems)


def _check_path(path: str, trees: list, problems: list) -> None:
    """A rule over several types often spells one condition per type inside ``any`` (the
    inline block and the split resource), so a path must exist in at least one of them."""
    found = [(name, path_problem(tree, path)) for name, tree in trees]
    if found and all(problem for _, problem in found):
        problems.append((path, f"{path!r}: " + "; ".join(f"{name}: {problem}" for name, problem in found)))
