"""Terraform JSON syntax (.tf.json) -> the same Blocks as HCL.

JSON has no line numbers per attribute in the stdlib parser, so every attribute takes the
line of its block's file start; strings are templates and go through the HCL template parser.
"""
from __future__ import annotations

import json

from analyzer import expr as E
from analyzer.load.hcl import HclSyntaxError, parse_template
from analyzer.model import Attribute, Block, Location, Problem

# How many labels each top-level block type has in Terraform's JSON syntax.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "moved": 0, "import": 0, "check": 1}
_NESTED_BLOCKS = {"dynamic", "lifecycle", "provisioner", "connection", "content"}


def parse_json_blocks(text: str, path: str) -> tuple[tuple, tuple]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return (), (Problem(path, err.lineno, f"invalid JSON: {err.msg} (column {err.colno})"),)
    if not isinstance(document, dict):
        return (), (Problem(path, 1, "a .tf.json file must hold a JSON object"),)
    location = Location(path, 1, max(1, text.count("\n") + 1))
    blocks: list = []
    try:
        for block_type, content in document.items():
            if block_type == "//":
                continue
            if block_type not in _LABELS:
                return (), (Problem(path, 1, f"unknown block type {block_type!r}"),)
            blocks.extend(_blocks(block_type, content, _LABELS[block_type], (), location))
    except (HclSyntaxError, TypeError, AttributeError) as err:
        return (), (Problem(path, getattr(err, "line", 1), f"invalid Terraform JSON: {err}"),)
    return tuple(blocks), ()


def _blocks(block_type, content, labels_left, labels, location):
    if labels_left:
        for label, inner in content.items():
            yield from _blocks(block_type, inner, labels_left - 1, labels + (label,), location)
        return
    for body in content if isinstance(content, list) else [content]:
        yield _block(block_type, labels, body, location)


def _block(block_type, labels, body, location) -> Block:
    attributes: dict = {}
    nested: list = []
    for key, value in body.items():
        if key == "//":
            continue
        if key in _NESTED_BLOCKS and isinstance(value, (dict, list)):
            label_count = 1 if key in ("dynamic", "provisioner") else 0
            nested.extend(_blocks(key, value, label_count, (), location))
        elif block_type == "locals" or key not in ("lifecycle",):
            attributes[key] = Attribute(key, _expression(value), location)
    return Block(block_type, labels, attributes, tuple(nested), location)


def _expression(value):
    if isinstance(value, str):
        return parse_template(value)
    if isinstance(value, list):
        return E.TupleExpr(tuple(_expression(v) for v in value))
    if isinstance(value, dict):
        return E.ObjectExpr(tuple((E.Literal(k), _expression(v)) for k, v in value.items()))
    return E.Literal(value)
