"""Terraform values as plain Python data, plus Unknown.

A Terraform value maps to: None (null), bool, int/float (number), str,
list (tuple, list and set), dict (object and map).  Anything the analyzer
cannot know before apply is an ``Unknown`` instance: it is a value like any
other, so it can sit inside a list or a dict, and every operation that
consumes it yields Unknown instead of a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


@dataclass(frozen=True)
class Unknown:
    """A value only known at apply time. ``reason`` explains why, for humans.

    ``origin`` names the computed attribute it stands for ("aws_kms_key.k.arn") when it is
    one: such a value is an id or an ARN, never a literal like "*". ``partial`` keeps what is
    known of a value that Terraform would treat as wholly unknown: the object given to
    ``jsonencode`` or the pieces of a template, with Unknown leaves (policy analysis reads
    the structure). ``variable`` names the input variable without a value it comes from. None
    of them takes part in equality.
    """

    reason: str = "known only after apply"
    origin: str | None = field(default=None, compare=False)
    partial: object = field(default=None, compare=False, repr=False)
    variable: str | None = field(default=None, compare=False)  # "module.m.var.name" it comes from
    # True when it may stand for an attribute the configuration does not set (a plan's
    # after_unknown with no configuration to tell): `exists` cannot count it as set.
    maybe_unset: bool = field(default=False, compare=False)

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


@dataclass(frozen=True)
class TemplateParts:
    """The pieces of a string template that has unknown interpolations (str or Unknown)."""

    parts: tuple

    def decode_json(self):
        """The JSON document this template renders, with each unknown piece in its place (a
        heredoc policy or container definition whose ARNs are computed); None if the known
        text is not JSON. An unknown piece that is a whole JSON string value comes back as the
        Unknown itself; one inside a longer string leaves that string as the placeholder."""
        import json

        holes, text = [], []
        for part in self.parts:
            if isinstance(part, str):
                text.append(part)
            else:
                text.append(_HOLE.format(len(holes)))
                holes.append(part)
        try:
            document = json.loads("".join(text))
        except ValueError:
            return None
        return _fill_holes(document, holes)


_HOLE = "__tfattest_hole_{}__"


def _fill_holes(value, holes):
    import re

    if isinstance(value, str):
        match = re.search(r"__tfattest_hole_(\d+)__", value)
        return holes[int(match.group(1))] if match else value
    if isinstance(value, list):
        return [_fill_holes(v, holes) for v in value]
    if isinstance(value, dict):
        return {_fill_holes(k, holes): _fill_holes(v, holes) for k, v in value.items()}
    return value


def contains_unknown(value: object) -> bool:
    """True if the value is Unknown or holds an Unknown at any depth."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def first_unknown(*values: object) -> Unknown | None:
    """The first Unknown among ``values`` (shallow), so callers can propagate its reason."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def type_name(value: object) -> str:
    """Terraform's name for the type of a value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, Unknown):
        return "unknown"
    return type(value).__name__


def to_terraform_string(value: object) -> str:
    """Convert a primitive to a string the way Terraform's tostring/interpolation does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError(f"cannot convert {type_name(value)} to string")


def values_at(values, path: str) -> list:
    """Values at PATH. Lists met on the way (nested blocks) are searched element by element."""
    current = [values]
    for name, index in _PATH_STEP.findall(path):
        following = []
        for value in current:
            if isinstance(value, Unknown):
                following.append(value)
                continue
            if name:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, Unknown):
                        following.append(item)
                    elif isinstance(item, dict) and item.get(name) is not None:
                        following.append(item[name])
            elif index == "*":
                following.extend(value if isinstance(value, list) else [value])
            elif isinstance(value, list) and int(index) < len(value):
                following.append(value[int(index)])
        current = following
    return current
