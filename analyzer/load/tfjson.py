"""Terraform JSON syntax (.tf.json) -> the same Blocks as HCL.

The stdlib JSON parser keeps no positions, so after it has validated the text, a small
scanner re-reads it recording the line span of every object member; blocks and attributes
get real line ranges. Strings are templates and go through the HCL template parser.
"""
from __future__ import annotations

import bisect
import json

from analyzer import expr as E
from analyzer.load.hcl import HclSyntaxError, parse_template
from analyzer.model import Attribute, Block, Location, Problem

# How many labels each top-level block type has in Terraform's JSON syntax.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "moved": 0, "import": 0, "check": 1, "ephemeral": 2, "removed": 0}
_NESTED_BLOCKS = {"dynamic", "lifecycle", "provisioner", "connection", "content"}


def parse_json_blocks(text: str, path: str) -> tuple[tuple, tuple]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return (), (Problem(path, err.lineno, f"invalid JSON: {err.msg} (column {err.colno})"),)
    if not isinstance(document, dict):
        return (), (Problem(path, 1, "a .tf.json file must hold a JSON object"),)
    document, spans = _load_with_spans(text)
    whole = (1, max(1, text.count("\n") + 1))
    blocks: list = []
    try:
        for block_type, content in document.items():
            if block_type == "//":
                continue
            if block_type not in _LABELS:
                line = spans.get(id(document), {}).get(block_type, whole)[0]
                return (), (Problem(path, line, f"unknown block type {block_type!r}"),)
            span = spans.get(id(document), {}).get(block_type, whole)
            blocks.extend(_blocks(block_type, content, _LABELS[block_type], (), _Where(path, spans, span)))
    except (HclSyntaxError, TypeError, AttributeError) as err:
        return (), (Problem(path, getattr(err, "line", 1), f"invalid Terraform JSON: {err}"),)
    return tuple(blocks), ()


class _Where:
    """The file, the member spans, and the span of the JSON value being converted."""

    def __init__(self, path, spans, span):
        self.path, self.spans, self.span = path, spans, span

    def member(self, container, key) -> "_Where":
        return _Where(self.path, self.spans, self.spans.get(id(container), {}).get(key, self.span))

    def location(self) -> Location:
        return Location(self.path, self.span[0], self.span[1])


def _blocks(block_type, content, labels_left, labels, where):
    if labels_left:
        for label, inner in content.items():
            yield from _blocks(block_type, inner, labels_left - 1, labels + (label,), where.member(content, label))
        return
    for body in content if isinstance(content, list) else [content]:
        yield _block(block_type, labels, body, where)


def _block(block_type, labels, body, where) -> Block:
    attributes: dict = {}
    nested: list = []
    for key, value in body.items():
        if key == "//":
            continue
        if key in _NESTED_BLOCKS and isinstance(value, (dict, list)):
            label_count = 1 if key in ("dynamic", "provisioner") else 0
            nested.extend(_blocks(key, value, label_count, (), where.member(body, key)))
        elif block_type == "locals" or key not in ("lifecycle",):
            attributes[key] = Attribute(key, _expression(value), where.member(body, key).location())
    return Block(block_type, labels, attributes, tuple(nested), where.location())


def _expression(value):
    if isinstance(value, str):
        return parse_template(value)
    if isinstance(value, list):
        return E.TupleExpr(tuple(_expression(v) for v in value))
    if isinstance(value, dict):
        return E.ObjectExpr(tuple((E.Literal(k), _expression(v)) for k, v in value.items()))
    return E.Literal(value)


def _load_with_spans(text: str):
    """(document, spans): spans[id(object)][key] = (first line, last line) of the member's value.

    Only called on text json.loads accepted, so it does not need to report errors itself.
    """
    decoder = json.JSONDecoder()
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    spans: dict = {}

    def line(index: int) -> int:
        return bisect.bisect_right(newlines, index - 1) + 1 if index > 0 else 1

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int):
        i = skip(i)
        if text[i] == "{":
            obj: dict = {}
            members: dict = {}
            i = skip(i + 1)
            while text[i] != "}":
                key, i = json.decoder.scanstring(text, i + 1)
                i = skip(skip(i) + 1)  # past ':'
                start = i
                obj[key], i = value(i)
                members[key] = (line(start), line(i - 1))
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            spans[id(obj)] = members
            return obj, i + 1
        if text[i] == "[":
            items: list = []
            i = skip(i + 1)
            while text[i] != "]":
                item, i = value(i)
                items.append(item)
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            return items, i + 1
        return decoder.raw_decode(text, i)

    document, _ = value(0)
    return document, spans
