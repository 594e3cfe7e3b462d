"""``# tfattest:ignore RULE[,RULE] reason=... expires=... ticket=...`` comments -> Suppressions.

Read while a file is loaded (load/files.py), so a ParsedFile carries its suppressions; what
they suppress is decided later (analyzer/suppress.py).
"""
from __future__ import annotations

import shlex

from analyzer.model import Suppression

MARKER = "tfattest:ignore"


def parse_suppressions(text: str, path: str) -> tuple:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        position = line.find(MARKER)
        if position < 0:
            continue
        prefix = line[:position].rstrip()
        if not (prefix.endswith("#") or prefix.endswith("//") or prefix.endswith("/*")):
            continue
        found.append(_parse_one(line[position + len(MARKER):], path, number))
    return tuple(found)


def _parse_one(rest: str, path: str, line: int) -> Suppression:
    rest = rest.replace("*/", " ")
    try:
        words = shlex.split(rest, comments=False)
    except ValueError:
        words = rest.split()
    rule_ids: list = []
    fields: dict = {}
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            fields[key.strip().lower()] = value.strip()
        else:
            rule_ids.extend(part for part in word.split(",") if part)
    return Suppression(path, line, tuple(rule_ids), fields.get("reason") or None,
                       fields.get("expires") or None, fields.get("ticket") or None)
