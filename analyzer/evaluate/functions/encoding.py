"""Encoding functions: JSON, YAML, base64, URL, CSV; sensitive()."""
from __future__ import annotations

import base64
import binascii
import csv
import datetime
import io
import json
import math
import urllib.parse
from decimal import Decimal

import yaml

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import (
    _arity, _find_unknown, _from_decimal, _json, _known, _make_set, _normal, _number_text, _string, _utf8,
)
from analyzer.values import type_name




@_known
def tf_jsonencode(value):
    unknown = _find_unknown(value)
    return unknown if unknown is not None else _json(value)


def _json_number(literal: str) -> int | float:
    return _from_decimal(Decimal(literal))  # integral JSON numbers become int, even 2.0


def _json_constant(name: str):
    raise FunctionError(f"invalid JSON: {name} is not a JSON value")


@_known
def tf_jsondecode(text):
    text = _string(text)
    try:
        return json.loads(text, parse_int=_json_number, parse_float=_json_number, parse_constant=_json_constant)
    except (ValueError, RecursionError) as error:
        raise FunctionError(f"invalid JSON: {error}") from None


def _from_yaml(value: object) -> object:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return _normal(value)
    if isinstance(value, (list, tuple)):
        return [_from_yaml(v) for v in value]
    if isinstance(value, set):
        return _make_set([_from_yaml(v) for v in value])
    if isinstance(value, dict):
        return {_yaml_key(k): _from_yaml(v) for k, v in value.items()}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # Terraform keeps timestamps as strings
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise FunctionError(f"unsupported YAML value of type {type(value).__name__}")


def _yaml_key(key: object) -> str:
    if isinstance(key, (list, dict, tuple)):
        raise FunctionError("YAML mapping keys must be scalars")
    if key is None:
        return "null"
    converted = _from_yaml(key)
    return converted if isinstance(converted, str) else _string(converted)


@_known
def tf_yamldecode(text):
    try:
        document = yaml.safe_load(_string(text))
    # PyYAML fails in many ways besides YAMLError (bad dates raise ValueError,
    # deep nesting RecursionError...); all of them mean invalid input.
    except Exception as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise FunctionError(f"invalid YAML: {first_line}") from None
    return _from_yaml(document)


def _yaml_quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar once the characters
    # YAML treats as line breaks or non-printable are escaped too.
    out = []
    for char in json.dumps(text, ensure_ascii=False):
        code = ord(char)
        breaks_line = char in "\x85\u2028\u2029\ufeff"
        if breaks_line or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return _number_text(value)
    if isinstance(value, str):
        return _yaml_quote(value)
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    raise FunctionError(f"cannot encode {type_name(value)} as YAML")


def _yaml_lines(value: object) -> list[str]:
    """Block-style YAML as Terraform writes it: every string double-quoted, keys sorted."""
    if isinstance(value, dict) and value:
        lines = []
        for key in sorted(value, key=str):
            item = value[key]
            if isinstance(item, (list, dict)) and item:
                lines.append(_yaml_quote(str(key)) + ":")
                indent = "" if isinstance(item, list) else "  "  # sequences sit at the key's column
                lines.extend(indent + line for line in _yaml_lines(item))
            else:
                lines.append(f"{_yaml_quote(str(key))}: {_yaml_scalar(item)}")
        return lines
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            first, *rest = _yaml_lines(item)
            lines.append("- " + first)
            lines.extend("  " + line for line in rest)
        return lines
    return [_yaml_scalar(value)]


@_known
def tf_yamlencode(value):
    unknown = _find_unknown(value)
    if unknown is not None:
        return unknown
    return "\n".join(_yaml_lines(value)) + "\n"


@_arity
def tf_sensitive(value):
    # Sensitivity only hides values in Terraform's output; the value itself is unchanged.
    return value


@_known
def tf_base64encode(text):
    return base64.b64encode(_utf8(_string(text))).decode("ascii")


@_known
def tf_base64decode(text):
    encoded = _string(text).replace("\r", "").replace("\n", "")  # Go skips line breaks
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise FunctionError("failed to decode base64 data") from None
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the result of decoding the provided string is not valid UTF-8") from None


@_known
def tf_urlencode(text):
    # Go's url.QueryEscape: space becomes "+", only A-Za-z0-9 and -_.~ stay as they are.
    return urllib.parse.quote_plus(_utf8(_string(text)), safe="")


@_known
def tf_csvdecode(text):
    try:
        rows = [row for row in csv.reader(io.StringIO(_string(text), newline=""), strict=True) if row]
    except csv.Error as error:
        raise FunctionError(f"invalid CSV: {error}") from None
    if not rows:
        raise FunctionError("missing header line")
    header, *records = rows
    for line, record in enumerate(records, start=2):
        if len(record) != len(header):
            raise FunctionError(f"record on line {line}: wrong number of fields")
    return [dict(zip(header, record)) for record in records]
