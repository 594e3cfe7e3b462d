"""Shared by every function family: argument count and Unknown handling, argument
conversions (convert.py), text, equality and set helpers."""
from __future__ import annotations

import functools
import inspect
import json
import math
import unicodedata
from typing import Callable

from analyzer.evaluate import convert
from analyzer.evaluate.convert import FunctionError
from analyzer.values import Unknown, first_unknown, type_name


_MISSING = object()

# Terraform's number model and primitive conversions live in convert.py.
_DECIMAL = convert.DECIMAL
_NUMBER_SYNTAX = convert.NUMBER_SYNTAX
_not_null = convert.not_null
_string = convert.to_string
_number = convert.to_number
_boolean = convert.to_bool
_decimal = convert.to_decimal
_from_decimal = convert.from_decimal
_normal = convert.normal
_number_text = convert.number_text
_float = convert.to_float

# Go's unicode.IsSpace; Python's str.isspace also counts \x1c-\x1f.
_GO_SPACES = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


# --------------------------------------------------------------------------
# Call checks


def _signature_check(fn: Callable) -> Callable[[tuple], None]:
    signature = inspect.signature(fn)
    params = list(signature.parameters.values())
    required = sum(p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD for p in params)
    optional = sum(p.default is not p.empty for p in params)
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        expected = f"at least {required}"
    else:
        expected = f"{required} or {required + optional}" if optional else str(required)

    def check(args: tuple) -> None:
        try:
            signature.bind(*args)
        except TypeError:
            raise FunctionError(f"expects {expected} argument(s), got {len(args)}") from None

    return check


def _arity(fn: Callable) -> Callable:
    """A wrong argument count is a Terraform error, not a Python TypeError."""
    check = _signature_check(fn)

    @functools.wraps(fn)
    def call(*args):
        check(args)
        return fn(*args)

    return call


def _known(fn: Callable) -> Callable:
    """Like _arity, plus cty's default rule: an unknown argument gives an unknown result.

    Functions that can answer despite unknown arguments use _arity instead and
    deal with Unknown themselves.
    """
    check = _signature_check(fn)

    @functools.wraps(fn)
    def call(*args):
        check(args)
        unknown = first_unknown(*args)
        return fn(*args) if unknown is None else _derived(unknown)

    return call


def _derived(unknown: Unknown) -> Unknown:
    """The unknown result of a computation on an unknown input.

    It keeps the input's reason but not its ``origin`` or ``partial``: those
    describe the input (say, an ARN), not what was computed from it.
    """
    return Unknown(unknown.reason)


def _first_unknown_in(*values: object) -> Unknown | None:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, list):
            found = _first_unknown_in(*value)
        elif isinstance(value, dict):
            found = _first_unknown_in(*value.values())
        else:
            found = None
        if found is not None:
            return found
    return None


def _find_unknown(*values: object) -> Unknown | None:
    """A result standing for the first Unknown at any depth of ``values``, if any."""
    found = _first_unknown_in(*values)
    return None if found is None else _derived(found)


# --------------------------------------------------------------------------
# Conversions Terraform applies to arguments of a declared type


def _integer(value: object, bounded: bool = True) -> int:
    number = _number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise FunctionError("value must be a whole number")
        number = int(number)
    # Terraform reads most integer parameters into a Go int.
    if bounded and not -(2**63) <= number < 2**63:
        raise FunctionError("value must fit in a 64-bit integer")
    return number


def _sequence(value: object) -> list:
    if isinstance(value, list):
        return value
    _not_null(value)
    raise FunctionError(f"list required, got {type_name(value)}")


def _mapping(value: object) -> dict:
    if isinstance(value, dict):
        return value
    _not_null(value)
    raise FunctionError(f"map or object required, got {type_name(value)}")


def _unify(items: list) -> list:
    """Convert elements to one type, as building a list(T) or set(T) does.

    Mixed primitives unify to string (["a", 1] becomes ["a", "1"]); mixing
    primitives with collections has no common type.
    """
    kinds = {type_name(v) for v in items if v is not None and not isinstance(v, Unknown)}
    if len(kinds) <= 1:
        return list(items)
    if kinds <= {"string", "number", "bool"}:
        return [v if v is None or isinstance(v, Unknown) else _string(v) for v in items]
    raise FunctionError("all elements must have the same type")


# --------------------------------------------------------------------------
# Text


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _extends_cluster(cluster: str, char: str) -> bool:
    """Approximate Unicode grapheme cluster rules (UAX #29) for one more character."""
    last = cluster[-1]
    if last == "\r":
        return char == "\n" and cluster == "\r"
    if unicodedata.category(last) == "Cc" or unicodedata.category(char) == "Cc":
        return False
    if last == "\u200d":  # zero-width joiner glues emoji sequences
        return True
    if _is_regional_indicator(char) and _is_regional_indicator(last):
        return sum(map(_is_regional_indicator, cluster)) % 2 == 1  # flags are pairs
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == "\u200d"
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _graphemes(text: str) -> list[str]:
    """Terraform counts user-perceived characters: "é" written e + accent is one."""
    clusters: list[str] = []
    for char in text:
        if clusters and _extends_cluster(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _json_string(text: str) -> str:
    # Go's encoder escapes HTML-significant characters and JS line separators.
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        encoded = encoded.replace(char, escape)
    return encoded


def _json(value: object) -> str:
    """Terraform's jsonencode: compact, keys sorted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise FunctionError("cannot encode infinity or NaN as JSON")
        return _number_text(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(map(_json, value)) + "]"
    if isinstance(value, dict):
        members = (f"{_json_string(str(k))}:{_json(value[k])}" for k in sorted(value, key=str))
        return "{" + ",".join(members) + "}"
    raise FunctionError(f"cannot encode {type_name(value)} as JSON")


# --------------------------------------------------------------------------
# Equality and sets


def _equal(a: object, b: object) -> bool | None:
    """Terraform's ==: no conversion between types; None when an Unknown decides it."""
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    kind = type_name(a)
    if kind != type_name(b):
        return False
    if kind == "list":
        return len(a) == len(b) and _all_equal(zip(a, b))
    if kind == "object":
        return a.keys() == b.keys() and _all_equal((a[k], b[k]) for k in a)
    return a == b


def _all_equal(pairs) -> bool | None:
    result: bool | None = True
    for a, b in pairs:
        equal = _equal(a, b)
        if equal is False:
            return False
        if equal is None:
            result = None
    return result


def _canonical(value: object) -> str:
    """A key equal for equal Terraform values (1 and 1.0 agree, 1 and "1" do not)."""
    if isinstance(value, list):
        return "[" + ",".join(map(_canonical, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_canonical(value[k])}" for k in sorted(value, key=str)) + "}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"i{value:x}"  # hex has no digit limit, unlike str(int)
    return f"{type_name(value)}:{value!r}"


def _set_order(items: list) -> list:
    # cty iterates sets of strings lexically, numbers numerically, false first.
    kinds = {type_name(v) for v in items}
    if len(kinds) == 1 and kinds <= {"string", "number", "bool"}:
        return sorted(items)
    return items


def _make_set(items: list) -> list:
    unique: dict[str, object] = {}
    for value in _unify(items):
        unique.setdefault(_canonical(value), value)
    return _set_order(list(unique.values()))
