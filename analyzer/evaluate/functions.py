"""Terraform's built-in functions over plain Python values.

Each ``tf_*`` function receives already-evaluated arguments positionally and
returns a value as described in values.py.  They follow Terraform's own
implementation (go-cty's stdlib and Terraform's lang/funcs), not Python's
habits: strings, numbers and bools convert into each other where a parameter
asks for one of them, string lengths count characters rather than code units,
regular expressions are RE2, numbers print the way Go prints them.

An Unknown argument makes the result Unknown unless Terraform can still give a
known answer (the length of a known list with unknown elements, the keys of an
object with unknown values...).  A call Terraform would reject raises
FunctionError; no other exception escapes.

Left out on purpose: try/can (evaluated lazily by the evaluator), the
filesystem functions (the evaluator owns file access) and the functions whose
result changes from run to run (timestamp, uuid, bcrypt...), which the
evaluator reports as Unknown.
"""
from __future__ import annotations

from analyzer import limits

import base64
import binascii
import csv
import datetime
import functools
import hashlib
import inspect
import io
import ipaddress
import itertools
import json
import math
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Callable

import yaml

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
# Numbers


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


# --------------------------------------------------------------------------
# format: Terraform's printf, built on Go's fmt semantics


@dataclass
class _Verb:
    raw: str
    offset: int
    argnum: int
    mode: str
    flags: str
    width: int | None
    prec: int | None


_VERB_SYNTAX = re.compile(r"%([-+# 0]*)(?:\[([1-9][0-9]*)\])?([1-9][0-9]*)?(?:\.([0-9]*))?(.)?", re.DOTALL)


def _verb_number(digits: str | None) -> int | None:
    if digits is None:
        return None
    if len(digits) > 6:
        raise FunctionError("format width, precision or index is too large")
    return int(digits or "0")


def _parse_verb(fmt: str, start: int, next_arg: int) -> _Verb:
    match = _VERB_SYNTAX.match(fmt, start)
    flags, argnum, width, prec, mode = match.groups()
    if mode is None:
        raise FunctionError(f"invalid format string starting at offset {start}")
    if not ("a" <= mode <= "z" or "A" <= mode <= "Z"):
        raise FunctionError(f"unrecognized format character {mode!r} at offset {match.end() - 1}")
    return _Verb(
        raw=match.group(0), offset=start,
        argnum=_verb_number(argnum) or next_arg, mode=mode, flags=flags,
        width=_verb_number(width), prec=_verb_number(prec),
    )


def _format_string(fmt: str, args: list) -> str:
    out: list[str] = []
    pos, next_arg = 0, 1
    while pos < len(fmt):
        percent = fmt.find("%", pos)
        if percent < 0:
            out.append(fmt[pos:])
            break
        out.append(fmt[pos:percent])
        if fmt.startswith("%%", percent):
            out.append("%")
            pos = percent + 2
            continue
        verb = _parse_verb(fmt, percent, next_arg)
        out.append(_format_verb(verb, args))
        next_arg = verb.argnum + 1  # explicit [n] indexes move the cursor, as in Go
        pos = percent + len(verb.raw)
    return "".join(out)


def _format_verb(verb: _Verb, args: list) -> str:
    if verb.argnum > len(args):
        raise FunctionError(
            f"not enough arguments for {verb.raw!r} at {verb.offset}: "
            f"need index {verb.argnum} but have {len(args)} total"
        )
    arg = args[verb.argnum - 1]
    try:
        if verb.mode == "v":
            return _pad(verb, _format_as_is(verb, arg))
        if arg is None:
            raise FunctionError("null value cannot be formatted")
        if verb.mode == "t":
            return "true" if _boolean(arg) else "false"
        if verb.mode in "bdoxX":
            return _format_integer(verb, _number(arg))
        if verb.mode in "eEfgG":
            return _format_float(verb, _number(arg))
        if verb.mode in "sq":
            return _format_text(verb, _string(arg))
    except FunctionError as error:
        raise FunctionError(f"unsupported value for {verb.raw!r} at {verb.offset}: {error}") from None
    raise FunctionError(f"unsupported format verb {verb.mode!r} in {verb.raw!r} at offset {verb.offset}")


def _pad(verb: _Verb, text: str) -> str:
    # Widths count characters, not bytes or code points.
    if verb.width is None:
        return text
    missing = verb.width - len(_graphemes(text))
    if missing <= 0:
        return text
    limits.check_string_length(missing + len(text), "a format() width")
    padding = ("0" if "0" in verb.flags else " ") * missing
    return text + padding if "-" in verb.flags else padding + text


def _format_as_is(verb: _Verb, arg: object) -> str:
    # %v prints strings and numbers plainly and everything else as JSON; %#v is always JSON.
    if "#" not in verb.flags:
        if isinstance(arg, str):
            return arg
        if isinstance(arg, (int, float)) and not isinstance(arg, bool):
            return ("-" if arg < 0 else "") + _go_general(abs(arg), None)
    return _json(arg)


def _format_text(verb: _Verb, text: str) -> str:
    # Go's quirk, kept by cty: precision 0 does not truncate.
    if verb.prec:
        text = "".join(_graphemes(text)[: verb.prec])
    if verb.mode == "q":
        text = _json_string(text)
    return _pad(verb, text)


def _format_integer(verb: _Verb, number: int | float) -> str:
    """Go's math/big Int formatting, which is what cty hands %d and friends to."""
    if isinstance(number, float):
        if not number.is_integer():
            raise FunctionError("an integer is required")
        number = int(number)
    digits = _integer_digits(abs(number), verb.mode)
    sign = "-" if number < 0 else "+" if "+" in verb.flags else " " if " " in verb.flags else ""
    prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb.mode, "") if "#" in verb.flags else ""
    zeros = 0
    if verb.prec is not None:
        if digits == "0" and verb.prec == 0:
            return ""
        zeros = max(verb.prec - len(digits), 0)
    length = len(sign) + len(prefix) + zeros + len(digits)
    left = right = 0
    if verb.width is not None and length < verb.width:
        extra = verb.width - length
        if "-" in verb.flags:
            right = extra
        elif "0" in verb.flags and verb.prec is None:
            zeros += extra
        else:
            left = extra
    return " " * left + sign + prefix + "0" * zeros + digits + " " * right


def _integer_digits(number: int, mode: str) -> str:
    if mode == "d":
        return _number_text(number)
    return format(number, {"b": "b", "o": "o", "x": "x", "X": "X"}[mode])


def _format_float(verb: _Verb, number: int | float) -> str:
    """Go's math/big Float formatting for %e %E %f %g %G."""
    negative = number < 0 or (isinstance(number, float) and math.copysign(1, number) < 0)
    if isinstance(number, float) and math.isinf(number):
        body = "Inf"
        sign = "-" if negative else " " if " " in verb.flags else "+"
    else:
        magnitude = abs(number)
        if verb.mode in "fF":
            body = _go_fixed(magnitude, 6 if verb.prec is None else verb.prec)
        elif verb.mode in "eE":
            body = _go_exponent(magnitude, 6 if verb.prec is None else verb.prec)
        else:
            body = _go_general(magnitude, verb.prec)
        if verb.mode in "EG":
            body = body.upper()
        sign = "-" if negative else "+" if "+" in verb.flags else " " if " " in verb.flags else ""
    padding = max((verb.width or 0) - len(sign) - len(body), 0)
    if "0" in verb.flags and body != "Inf":
        return sign + "0" * padding + body
    if "-" in verb.flags:
        return sign + body + " " * padding
    return " " * padding + sign + body


def _digits(number: int | float) -> tuple[str, int]:
    """Significant digits and decimal point position: value = 0.<digits> x 10**point."""
    _, digit_tuple, exponent = _decimal(number).as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "", 0
    return digits.rstrip("0"), len(digits) + exponent


def _round_digits(digits: str, point: int, keep: int) -> tuple[str, int]:
    """Round to ``keep`` digits, half to even on the exact decimal (Go's decimal.round)."""
    if keep < 0 or keep >= len(digits):
        return digits, point
    rest = digits[keep:]
    exact_half = rest.rstrip("0") == "5"
    up = rest[0] >= "5" and not (exact_half and (keep == 0 or digits[keep - 1] not in "13579"))
    kept = digits[:keep]
    if up:
        kept = kept.rstrip("9")
        if not kept:
            return "1", point + 1
        kept = kept[:-1] + chr(ord(kept[-1]) + 1)
    kept = kept.rstrip("0")
    return (kept, point) if kept else ("", 0)


def _fixed_from_digits(digits: str, point: int, decimals: int) -> str:
    whole = digits[:point].ljust(point, "0") if point > 0 else "0"
    if decimals <= 0:
        return whole
    fraction = "".join(
        digits[point + i] if 0 <= point + i < len(digits) else "0" for i in range(decimals)
    )
    return f"{whole}.{fraction}"


def _exponent_from_digits(digits: str, point: int, decimals: int) -> str:
    text = digits[:1] or "0"
    if decimals > 0:
        text += "." + digits[1 : 1 + decimals].ljust(decimals, "0")
    exponent = point - 1 if digits else 0
    return f"{text}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _go_fixed(number: int | float, decimals: int) -> str:
    digits, point = _digits(number)
    digits, point = _round_digits(digits, point, point + decimals)
    return _fixed_from_digits(digits, point, decimals)


def _go_exponent(number: int | float, decimals: int) -> str:
    digits, point = _digits(number)
    digits, point = _round_digits(digits, point, decimals + 1)
    return _exponent_from_digits(digits, point, decimals)


def _go_general(number: int | float, prec: int | None) -> str:
    """Go's %g: shortest round-trip digits when prec is None, else prec significant digits."""
    digits, point = _digits(number)
    shortest = prec is None
    if shortest:
        prec = len(digits)
        switch_at = 6  # Go decides %e vs %f as if the precision were 6
    else:
        prec = max(prec, 1)
        digits, point = _round_digits(digits, point, prec)
        switch_at = len(digits) if prec > len(digits) >= point else prec
    exponent = point - 1
    if exponent < -4 or exponent >= switch_at:
        return _exponent_from_digits(digits, point, min(prec, len(digits)) - 1)
    if prec > point:
        prec = len(digits)
    return _fixed_from_digits(digits, point, max(prec - point, 0))


# --------------------------------------------------------------------------
# Regular expressions: Terraform uses Go's RE2, we use Python's re


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}

# Perl features RE2 rejects but Python's re would accept.
_PERL_ONLY = ("(?=", "(?!", "(?<=", "(?<!", "(?>", "(?P=", "(?(", "(?#")


class _Unsupported(Exception):
    """A valid RE2 pattern that Python's re cannot express."""


def _translate_re2(pattern: str) -> str:
    multiline = re.search(r"\(\?[a-zA-Z]*m", pattern) is not None
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            piece, i = _translate_escape(pattern, i, in_class)
            out.append(piece)
            continue
        if in_class:
            if pattern.startswith("[:", i):
                piece, i = _translate_posix_class(pattern, i)
                out.append(piece)
                continue
            in_class = char != "]"
            # Literal in RE2; Python reserves them for future set operations.
            out.append("\\" + char if char in "[&~|" else char)
            i += 1
            continue
        if char == "[":
            in_class = True
            i += 1
            out.append("[")
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):  # a leading ] is literal in RE2
                out.append("\\]")
                i += 1
            continue
        if char == "(" and pattern.startswith("(?", i):
            if pattern.startswith(_PERL_ONLY, i):
                raise FunctionError("invalid or unsupported Perl syntax in regular expression")
            if pattern.startswith("(?<", i):  # RE2 also spells named groups (?<name>...)
                out.append("(?P<")
                i += 3
                continue
            flags = re.match(r"\(\?([a-zA-Z-]*)[):]", pattern[i:])
            if flags and ("U" in flags.group(1) or (flags.group(0).endswith(")") and i > 0)):
                raise _Unsupported("ungreedy or mid-pattern flags")
        if char == "$" and not multiline:
            out.append("\\Z")  # RE2's $ does not match before a final newline
            i += 1
            continue
        if char == "+" and out and out[-1] in ("*", "+", "?", "}"):
            raise FunctionError("invalid nested repetition operator in regular expression")
        out.append(char)
        i += 1
    return "".join(out)


def _translate_escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    letter = pattern[i + 1]
    if letter == "z" and not in_class:
        return "\\Z", i + 2
    if letter == "Z":
        raise FunctionError("invalid escape sequence \\Z in regular expression")
    if letter in "1234567" and pattern[i + 2 : i + 3] in tuple("01234567"):
        octal = re.match(r"[0-7]{2,3}", pattern[i + 1 :]).group()  # RE2 octal escape, e.g. \101
        return re.escape(chr(int(octal, 8))), i + 1 + len(octal)
    if letter in "123456789":
        raise FunctionError("invalid escape sequence (backreferences are not supported)")
    if letter in "pP":
        raise _Unsupported("Unicode character classes")
    if letter == "Q":
        end = pattern.find("\\E", i + 2)
        literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
        return re.escape(literal), len(pattern) if end < 0 else end + 2
    if letter == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        code = pattern[i + 3 : end] if end > 0 else ""
        if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) or int(code, 16) > 0x10FFFF:
            raise FunctionError("invalid escape sequence in regular expression")
        return f"\\U{int(code, 16):08x}", end + 1
    return pattern[i : i + 2], i + 2


def _translate_posix_class(pattern: str, i: int) -> tuple[str, int]:
    end = pattern.find(":]", i + 2)
    name = pattern[i + 2 : end] if end > 0 else ""
    if name.startswith("^") or name not in _POSIX_CLASSES:
        raise _Unsupported("this POSIX character class")
    return _POSIX_CLASSES[name], end + 2


def _compile_re2(pattern: str) -> re.Pattern | Unknown:
    """Compile an RE2 pattern; Unknown when only RE2 could run it."""
    try:
        # RE2's \d \w \s \b are ASCII-only.
        return re.compile(_translate_re2(pattern), re.ASCII)
    except _Unsupported as error:
        return Unknown(f"regular expression uses {error} (not evaluated)")
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        raise FunctionError(f"invalid regexp pattern: {error}") from None


def _go_matches(regex: re.Pattern, text: str):
    """Go's FindAll: an empty match right after the previous match is skipped."""
    pos, previous_end = 0, -1
    while pos <= len(text):
        match = regex.search(text, pos)
        if match is None:
            return
        accept = not (match.end() == pos and match.start() == previous_end)
        pos = pos + 1 if match.end() == pos else match.end()
        previous_end = match.end()
        if accept:
            yield match


def _go_replace_all(regex: re.Pattern, text: str, template: str) -> str:
    """Go's ReplaceAllString, whose empty-match rule differs from re.sub."""
    out: list[str] = []
    pos = last_end = 0
    while pos <= len(text):
        match = regex.search(text, pos)
        if match is None:
            break
        out.append(text[last_end : match.start()])
        if match.end() > last_end or match.start() == 0:
            out.append(_go_expand(template, match))
        last_end = match.end()
        pos = pos + 1 if pos + 1 > match.end() else match.end()
    out.append(text[last_end:])
    return "".join(out)


_TEMPLATE_NAME = re.compile(r"\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+)")


def _go_expand(template: str, match: re.Match) -> str:
    """Go's $1 / ${name} / $$ replacement syntax; unknown groups expand to ""."""
    out: list[str] = []
    i = 0
    while i < len(template):
        if template[i] != "$":
            out.append(template[i])
            i += 1
        elif template.startswith("$$", i):
            out.append("$")
            i += 2
        elif name := _TEMPLATE_NAME.match(template, i + 1):
            out.append(_group_text(match, name.group(1) or name.group(2)))
            i = name.end()
        else:
            out.append("$")
            i += 1
    return "".join(out)


def _group_text(match: re.Match, name: str) -> str:
    if name.isascii() and name.isdigit():
        number = int(name) if len(name) < 10 else -1
        found = match.group(number) if 0 <= number <= match.re.groups else None
    else:
        found = match.group(name) if name in match.re.groupindex else None
    return found or ""


def _regex_shape(regex: re.Pattern) -> str:
    named = len(regex.groupindex)
    if regex.groups == 0:
        return "string"
    if named and named != regex.groups:
        raise FunctionError("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    return "object" if named else "list"


def _regex_result(match: re.Match, shape: str) -> object:
    if shape == "string":
        return match.group(0)
    if shape == "object":
        return {name: match.group(name) for name in match.re.groupindex}
    return list(match.groups())


# ==========================================================================
# String functions


@_known
def tf_format(fmt, *args):
    unknown = _find_unknown(*args)
    if unknown is not None:
        return unknown
    return _format_string(_string(fmt), list(args))


@_arity
def tf_formatlist(fmt, *args):
    if isinstance(fmt, Unknown):
        return _derived(fmt)
    fmt = _string(fmt)
    length, chooser = None, 0
    for position, arg in enumerate(args, start=1):
        if isinstance(arg, Unknown):
            return _derived(arg)  # could be a list of any length
        if isinstance(arg, list):
            if length is None:
                length, chooser = len(arg), position
            elif len(arg) != length:
                raise FunctionError(
                    f"argument {position} has length {len(arg)}, "
                    f"which is inconsistent with argument {chooser} of length {length}"
                )
    result: list = []
    for iteration in range(1 if length is None else length):
        row = [arg[iteration] if isinstance(arg, list) else arg for arg in args]
        unknown = _find_unknown(*row)
        if unknown is not None:
            result.append(unknown)
            continue
        try:
            result.append(_format_string(fmt, row))
        except FunctionError as error:
            raise FunctionError(f"error on format iteration {iteration}: {error}") from None
    return result


@_known
def tf_join(separator, *lists):
    separator = _string(separator)
    if not lists:
        raise FunctionError("at least one list is required")
    sequences = [_sequence(lst) for lst in lists]
    unknown = _find_unknown(*sequences)
    if unknown is not None:
        return unknown
    items = []
    for sequence in sequences:
        for index, item in enumerate(sequence):
            if item is None:
                raise FunctionError(f"element {index} is null; cannot concatenate null values")
            items.append(_string(item))
    return separator.join(items)


@_known
def tf_split(separator, text):
    separator, text = _string(separator), _string(text)
    if separator == "":
        return list(text)  # Go splits between every character
    return text.split(separator)


@_known
def tf_replace(text, search, replacement):
    text, search, replacement = _string(text), _string(search), _string(replacement)
    # A search string wrapped in slashes is a regular expression.
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        regex = _compile_re2(search[1:-1])
        if isinstance(regex, Unknown):
            return regex
        return _go_replace_all(regex, text, replacement)
    return text.replace(search, replacement)


def _per_character(text: str, convert: Callable[[str], str], first_only: bool) -> str:
    # Go maps each character to exactly one: "ß" stays "ß" in upper().
    out = []
    for char in text:
        converted = convert(char)
        if len(converted) != 1:
            converted = converted[0] if first_only else char
        out.append(converted)
    return "".join(out)


@_known
def tf_lower(text):
    return _per_character(_string(text), str.lower, first_only=True)


@_known
def tf_upper(text):
    return _per_character(_string(text), str.upper, first_only=False)


def _is_word_separator(char: str) -> bool:
    # Go's strings.Title word boundaries.
    if char < "\x80":
        return not (char.isalnum() or char == "_")
    if char.isalpha() or unicodedata.category(char) == "Nd":
        return False
    return char in _GO_SPACES


@_known
def tf_title(text):
    out, previous = [], " "
    for char in _string(text):
        if _is_word_separator(previous):
            titled = char.title()
            char = titled if len(titled) == 1 else char
        out.append(char)
        previous = char
    return "".join(out)


@_known
def tf_trimprefix(text, prefix):
    return _string(text).removeprefix(_string(prefix))


@_known
def tf_trimsuffix(text, suffix):
    return _string(text).removesuffix(_string(suffix))


@_known
def tf_trim(text, cutset):
    # The second argument is a set of characters, not a substring.
    return _string(text).strip(_string(cutset))


@_known
def tf_trimspace(text):
    return _string(text).strip(_GO_SPACES)


@_known
def tf_chomp(text):
    return _string(text).rstrip("\r\n")


@_known
def tf_substr(text, offset, length):
    chars = _graphemes(_string(text))
    offset, length = _integer(offset), _integer(length)
    if offset < 0:
        offset = max(offset + len(chars), 0)  # counts from the end; too far means the start
    if length == 0 or offset >= len(chars):
        return ""
    rest = chars[offset:]
    return "".join(rest if length < 0 else rest[:length])


@_known
def tf_regex(pattern, text):
    regex = _compile_re2(_string(pattern))
    if isinstance(regex, Unknown):
        return regex
    shape = _regex_shape(regex)
    match = next(_go_matches(regex, _string(text)), None)
    if match is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _regex_result(match, shape)


@_known
def tf_regexall(pattern, text):
    regex = _compile_re2(_string(pattern))
    if isinstance(regex, Unknown):
        return regex
    shape = _regex_shape(regex)
    return [_regex_result(match, shape) for match in _go_matches(regex, _string(text))]


@_known
def tf_startswith(text, prefix):
    return _string(text).startswith(_string(prefix))


@_known
def tf_endswith(text, suffix):
    return _string(text).endswith(_string(suffix))


@_known
def tf_strcontains(text, substring):
    return _string(substring) in _string(text)


@_known
def tf_strrev(text):
    return "".join(reversed(_graphemes(_string(text))))


@_known
def tf_indent(spaces, text):
    count, text = _integer(spaces), _string(text)
    if count < 0:
        raise FunctionError("the number of spaces must not be negative")
    if "\n" not in text:
        return text
    if count * text.count("\n") > 10_000_000:
        raise FunctionError("indented result would be too large")
    return text.replace("\n", "\n" + " " * count)


# ==========================================================================
# Collection functions


@_known
def tf_concat(*lists):
    if not lists:
        raise FunctionError("at least one argument is required")
    out: list = []
    for lst in lists:
        out.extend(_sequence(lst))
    return out


@_arity
def tf_merge(*maps):
    result: dict = {}
    for mapping in maps:
        if isinstance(mapping, Unknown):
            return _derived(mapping)  # its keys could override anything
        if mapping is not None:  # null arguments are skipped
            result.update(_mapping(mapping))
    return result


@_arity
def tf_lookup(mapping, key, default=_MISSING):
    unknown = first_unknown(mapping, key)
    if unknown is not None:
        return _derived(unknown)
    mapping, key = _mapping(mapping), _string(key)
    if key in mapping:
        return mapping[key]
    if default is not _MISSING:
        return default
    raise FunctionError(f"lookup failed to find key {key!r}")


@_known
def tf_element(lst, index):
    items, position = _sequence(lst), _integer(index)
    if position < 0:
        raise FunctionError("cannot use element function with a negative index")
    if not items:
        raise FunctionError("cannot use element function with an empty list")
    return items[position % len(items)]  # wraps around


def _flatten_into(items: list, out: list) -> Unknown | None:
    for item in items:
        # An unknown element might itself be a list of any length.
        if isinstance(item, Unknown):
            return item
        if isinstance(item, list):
            unknown = _flatten_into(item, out)
            if unknown is not None:
                return unknown
        else:
            out.append(item)
    return None


@_known
def tf_flatten(lst):
    out: list = []
    unknown = _flatten_into(_sequence(lst), out)
    return out if unknown is None else _derived(unknown)


@_known
def tf_distinct(lst):
    items = _sequence(lst)
    unknown = _find_unknown(items)
    if unknown is not None:
        return unknown
    seen: set[str] = set()
    out = []
    for item in _unify(items):
        key = _canonical(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


@_known
def tf_keys(mapping):
    return sorted(_mapping(mapping))


@_known
def tf_values(mapping):
    mapping = _mapping(mapping)
    return [mapping[key] for key in sorted(mapping)]


@_known
def tf_length(value):
    if isinstance(value, str):
        return len(_graphemes(value))
    if isinstance(value, (list, dict)):
        return len(value)
    _not_null(value)
    raise FunctionError(f"argument must be a string, a collection type, or a structural type, got {type_name(value)}")


@_arity
def tf_contains(lst, value):
    if isinstance(lst, Unknown):
        return _derived(lst)
    items = _sequence(lst)
    if not items:
        return False
    if isinstance(value, Unknown):
        return _derived(value)
    undecided = None
    for item in items:
        equal = _equal(item, value)
        if equal:
            return True
        if equal is None and undecided is None:
            undecided = _find_unknown(item, value)
    return False if undecided is None else undecided


@_arity
def tf_coalesce(*values):
    kinds = {type_name(v) for v in values if v is not None and not isinstance(v, Unknown)}
    mixed = len(kinds) > 1
    if mixed and not kinds <= {"string", "number", "bool"}:
        raise FunctionError("all arguments must have the same type")
    # Arguments unify to one type; only when that type is string is "" skipped.
    as_string = mixed or kinds == {"string"}
    for value in values:
        if isinstance(value, Unknown):
            return _derived(value)  # if it turns out null or "", a later argument wins
        if value is None:
            continue
        if as_string:
            value = _string(value)
            if value == "":
                continue
        return value
    raise FunctionError("no non-null, non-empty-string arguments")


@_arity
def tf_coalescelist(*lists):
    if not lists:
        raise FunctionError("at least one argument is required")
    for lst in lists:
        if not (lst is None or isinstance(lst, (Unknown, list))):
            raise FunctionError("coalescelist arguments must be lists or tuples")
    for lst in lists:
        if isinstance(lst, Unknown):
            return _derived(lst)
        if lst:
            return lst
    raise FunctionError("no non-null arguments")


@_known
def tf_compact(lst):
    items = _sequence(lst)
    unknown = _find_unknown(items)
    if unknown is not None:
        return unknown
    strings = (_string(item) for item in items if item is not None)
    return [text for text in strings if text != ""]


@_known
def tf_index(lst, value):
    items = _sequence(lst)
    if not items:
        raise FunctionError("cannot search an empty list")
    for position, item in enumerate(items):
        equal = _equal(item, value)
        if equal is None:
            return _find_unknown(item)
        if equal:
            return position
    raise FunctionError("item not found")


@_known
def tf_reverse(lst):
    return list(reversed(_sequence(lst)))


@_known
def tf_slice(lst, start, end):
    items = _sequence(lst)
    start, end = _integer(start), _integer(end)
    if start < 0:
        raise FunctionError("start index must not be less than zero")
    if start > len(items):
        raise FunctionError("start index must not be greater than the length of the list")
    if end < 0:
        raise FunctionError("end index must not be less than zero")
    if end > len(items):
        raise FunctionError("end index must not be greater than the length of the list")
    if start > end:
        raise FunctionError("start index must not be greater than end index")
    return items[start:end]


@_known
def tf_sort(lst):
    items = _sequence(lst)
    unknown = _find_unknown(items)
    if unknown is not None:
        return unknown
    strings = []
    for position, item in enumerate(items):
        if item is None:
            raise FunctionError(f"given list element {position} is null; a null string cannot be sorted")
        strings.append(_string(item))  # sort() is for strings: numbers sort as text
    return sorted(strings)


@_known
def tf_range(*params):
    if not 1 <= len(params) <= 3:
        raise FunctionError("must have one, two, or three arguments")
    numbers = [_decimal(_number(p)) for p in params]
    if len(numbers) == 1:
        start, end = Decimal(0), numbers[0]
    else:
        start, end = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else Decimal(-1 if end < start else 1)
    if step == 0:
        raise FunctionError("step must not be zero")
    down = step < 0
    if down and end > start:
        raise FunctionError("end must be less than start when step is negative")
    if not down and end < start:
        raise FunctionError("end must be greater than start when step is positive")
    out: list = []
    current = start
    try:
        while (current > end) if down else (current < end):
            if len(out) >= 1024:  # Terraform's own cap
                raise FunctionError("more than 1024 values were generated; either decrease the "
                                    "difference between start and end or use a smaller step")
            out.append(_from_decimal(current))
            current = _DECIMAL.add(current, step)
    except InvalidOperation:
        raise FunctionError("cannot add opposing infinities") from None
    return out


@_known
def tf_zipmap(keys, values):
    keys, values = _sequence(keys), _sequence(values)
    unknown = first_unknown(*keys)
    if unknown is not None:
        return _derived(unknown)
    if len(keys) != len(values):
        raise FunctionError(f"number of keys ({len(keys)}) does not match number of values ({len(values)})")
    out = {}
    for position, (key, value) in enumerate(zip(keys, values)):
        if key is None:
            raise FunctionError(f"keys list has null value at index {position}")
        out[_string(key)] = value
    return out


def _set_operation(sets: tuple, combine: Callable[[list[dict]], dict]) -> object:
    lists = [_sequence(s) for s in sets]
    # Unknown elements might equal known ones, so no element of the result is certain.
    unknown = _find_unknown(*lists)
    if unknown is not None:
        return unknown
    flat = iter(_unify([item for lst in lists for item in lst]))
    keyed = [{_canonical(v): v for v in (next(flat) for _ in lst)} for lst in lists]
    return _set_order(list(combine(keyed).values()))


def _union(sets: list[dict]) -> dict:
    result: dict = {}
    for keyed in sets:
        for key, value in keyed.items():
            result.setdefault(key, value)
    return result


@_known
def tf_setunion(first, *others):
    return _set_operation((first, *others), _union)


@_known
def tf_setintersection(first, *others):
    return _set_operation(
        (first, *others),
        lambda sets: {k: v for k, v in sets[0].items() if all(k in s for s in sets[1:])},
    )


@_known
def tf_setsubtract(a, b):
    return _set_operation((a, b), lambda sets: {k: v for k, v in sets[0].items() if k not in sets[1]})


@_known
def tf_setproduct(*sets):
    if len(sets) < 2:
        raise FunctionError("at least two arguments are required")
    lists = [_sequence(s) for s in sets]
    if math.prod(map(len, lists)) > 100_000:
        return Unknown("setproduct(): result too large to compute")
    return [list(combination) for combination in itertools.product(*lists)]


@_known
def tf_one(lst):
    items = _sequence(lst)
    if len(items) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


def _bool_elements(lst: object) -> list:
    return [v if v is None or isinstance(v, Unknown) else _boolean(v) for v in _sequence(lst)]


@_known
def tf_alltrue(lst):
    for flag in _bool_elements(lst):
        if isinstance(flag, Unknown):
            return _derived(flag)
        if not flag:  # null counts as false
            return False
    return True


@_known
def tf_anytrue(lst):
    undecided = None
    for flag in _bool_elements(lst):
        if isinstance(flag, Unknown):
            undecided = undecided or _derived(flag)
        elif flag:
            return True
    return undecided if undecided is not None else False


@_known
def tf_sum(lst):
    items = _sequence(lst)
    if not items:
        raise FunctionError("cannot sum an empty list")
    unknown = _find_unknown(items)
    if unknown is not None:
        return unknown
    if any(item is None for item in items):
        raise FunctionError("argument must be list, set, or tuple of number values")
    numbers = [_number(item) for item in items]
    if all(isinstance(n, int) for n in numbers):
        return sum(numbers)
    total = Decimal(0)
    try:
        for number in numbers:
            total = _DECIMAL.add(total, _decimal(number))
    except InvalidOperation:
        raise FunctionError("can't compute sum of opposing infinities") from None
    return _from_decimal(total)


@_known
def tf_chunklist(lst, size):
    items = _sequence(lst)
    if not items:
        return []
    size = _integer(size)
    if size < 0:
        raise FunctionError("the size argument must be positive")
    if size == 0:
        return [list(items)]  # Terraform's choice: one chunk holding everything
    return [items[i : i + size] for i in range(0, len(items), size)]


@_known
def tf_transpose(mapping):
    mapping = _mapping(mapping)
    unknown = _find_unknown(mapping)
    if unknown is not None:
        return unknown
    out: dict[str, list] = {}
    for key in sorted(mapping):
        values = mapping[key]
        if not isinstance(values, list) or any(v is None or isinstance(v, (list, dict)) for v in values):
            raise FunctionError("input must be a map of lists of strings")
        for value in values:
            out.setdefault(_string(value), []).append(key)
    return {key: sorted(out[key]) for key in sorted(out)}


@_known
def tf_matchkeys(values, keys, searchset):
    values, keys, searchset = _sequence(values), _sequence(keys), _sequence(searchset)
    if len(values) != len(keys):
        raise FunctionError("length of keys and values should be equal")
    if not searchset:
        return []
    unknown = _find_unknown(values, keys, searchset)
    if unknown is not None:
        return unknown
    # keys and searchset are compared after conversion to one common type
    unified = _unify(keys + searchset)
    keys, searchset = unified[: len(keys)], unified[len(keys) :]
    return [
        value for value, key in zip(_unify(values), keys)
        if any(_equal(key, search) for search in searchset)
    ]


# ==========================================================================
# Type conversion functions (null converts to null)


@_known
def tf_tostring(value):
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise FunctionError(f"cannot convert {type_name(value)} to string")
    return _string(value)


@_known
def tf_tonumber(value):
    return None if value is None else _normal(_number(value))


@_known
def tf_tobool(value):
    return None if value is None else _boolean(value)


@_known
def tf_tolist(value):
    return None if value is None else _unify(_sequence(value))


@_known
def tf_toset(value):
    if value is None:
        return None
    items = _sequence(value)
    # Unknown elements might turn out equal to others, so even the length is unknown.
    unknown = _find_unknown(items)
    return unknown if unknown is not None else _make_set(items)


@_known
def tf_tomap(value):
    if value is None:
        return None
    mapping = _mapping(value)
    return dict(zip(mapping, _unify(list(mapping.values()))))


# ==========================================================================
# Encoding functions


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
def tf_basename(path):
    text = _string(path).rstrip("/")
    return text.rsplit("/", 1)[-1] if text else ("/" if _string(path).startswith("/") else ".")


@_known
def tf_dirname(path):
    text = _string(path)
    if "/" not in text:
        return "."
    head = text.rsplit("/", 1)[0].rstrip("/")
    return head or "/"


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


# ==========================================================================
# Numeric functions


@_known
def tf_min(*numbers):
    if not numbers:
        raise FunctionError("must pass at least one number")
    return _normal(min(_number(n) for n in numbers))


@_known
def tf_max(*numbers):
    if not numbers:
        raise FunctionError("must pass at least one number")
    return _normal(max(_number(n) for n in numbers))


@_known
def tf_abs(number):
    return _normal(abs(_number(number)))


@_known
def tf_ceil(number):
    number = _number(number)
    return number if isinstance(number, int) or math.isinf(number) else math.ceil(number)


@_known
def tf_floor(number):
    number = _number(number)
    return number if isinstance(number, int) or math.isinf(number) else math.floor(number)


@_known
def tf_pow(number, power):
    base, exponent = _float(_number(number)), _float(_number(power))
    try:
        return _normal(math.pow(base, exponent))
    except OverflowError:
        odd = exponent.is_integer() and int(exponent) % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0:
            return math.inf  # Go: pow(0, negative) is +Inf
        raise FunctionError("result is not a number") from None


@_known
def tf_signum(number):
    number = _integer(number)  # Terraform reads signum's argument as a whole number
    return (number > 0) - (number < 0)


def _go_log(x: float) -> float:
    if math.isnan(x) or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    return math.inf if math.isinf(x) else math.log(x)


@_known
def tf_log(number, base):
    numerator, denominator = _go_log(_float(_number(number))), _go_log(_float(_number(base)))
    if denominator == 0:
        result = math.nan if numerator == 0 or math.isnan(numerator) else math.copysign(math.inf, numerator)
    else:
        result = numerator / denominator
    return _normal(result)


_DIGIT_VALUES = {c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")}


@_known
def tf_parseint(text, base):
    if not isinstance(text, str):
        raise FunctionError(f"first argument must be a string, not {type_name(text)}")
    base = _integer(base)
    if not 2 <= base <= 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive")
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.removeprefix("+"))
    value = 0
    for char in digits:
        # Up to base 36 letters are case-insensitive; above, A-Z follow a-z.
        digit = _DIGIT_VALUES.get(char.lower() if base <= 36 else char, base)
        if digit >= base:
            break
        value = value * base + digit
    else:
        if digits:
            return sign * value
    raise FunctionError(f"cannot parse {text!r} as a base {base} integer")


# ==========================================================================
# Hash functions


@_known
def tf_md5(text):
    return hashlib.md5(_utf8(_string(text))).hexdigest()


@_known
def tf_sha1(text):
    return hashlib.sha1(_utf8(_string(text))).hexdigest()


@_known
def tf_sha256(text):
    return hashlib.sha256(_utf8(_string(text))).hexdigest()


@_known
def tf_sha512(text):
    return hashlib.sha512(_utf8(_string(text))).hexdigest()


@_known
def tf_base64sha256(text):
    return base64.b64encode(hashlib.sha256(_utf8(_string(text))).digest()).decode("ascii")


@_known
def tf_base64sha512(text):
    return base64.b64encode(hashlib.sha512(_utf8(_string(text))).digest()).decode("ascii")


# ==========================================================================
# IP network functions

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_cidr(prefix: object) -> _Network:
    text = _string(prefix)
    # Python would also take a bare address or a dotted netmask; Terraform wants addr/bits.
    address, slash, bits = text.partition("/")
    if not slash or not re.fullmatch(r"[0-9]{1,3}", bits) or "%" in address:
        raise FunctionError(f"invalid CIDR expression: {text!r}")
    try:
        return ipaddress.ip_network(text, strict=False)  # host bits are simply masked off
    except ValueError as error:
        raise FunctionError(f"invalid CIDR expression: {error}") from None


def _subnet(network: _Network, start: int, length: int) -> str:
    # Build from the parent's version: a small integer is a valid IPv6 address too.
    return str(type(network)((start, length)))


@_known
def tf_cidrhost(prefix, hostnum):
    network, number = _parse_cidr(prefix), _integer(hostnum, bounded=False)
    size = network.num_addresses
    host = number + size if number < 0 else number  # negative numbers count back from the end
    if not 0 <= host < size:
        raise FunctionError(f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
    return str(network.network_address + host)


@_known
def tf_cidrnetmask(prefix):
    network = _parse_cidr(prefix)
    if network.version != 4:
        raise FunctionError(f"IPv6 addresses cannot have a netmask: {prefix}")
    return str(network.netmask)


@_known
def tf_cidrsubnet(prefix, newbits, netnum):
    network = _parse_cidr(prefix)
    newbits, netnum = _integer(newbits), _integer(netnum, bounded=False)
    new_length = network.prefixlen + newbits
    if newbits < 0 or new_length > network.max_prefixlen:
        raise FunctionError(f"insufficient address space to extend prefix of {network.prefixlen} by {newbits}")
    if not 0 <= netnum < 2**newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    start = int(network.network_address) | netnum << (network.max_prefixlen - new_length)
    return _subnet(network, start, new_length)


@_known
def tf_cidrsubnets(prefix, *newbits):
    network = _parse_cidr(prefix)
    if not newbits:
        return []
    width, base = network.max_prefixlen, network.prefixlen
    lengths = [_integer(bits) for bits in newbits]
    for position, bits in enumerate(lengths, start=1):
        if bits < 1:
            raise FunctionError(f"argument {position}: must extend prefix by at least one bit")
        if bits > 32:
            raise FunctionError(f"argument {position}: may not extend prefix by more than 32 bits")
        if base + bits > width:
            raise FunctionError(f"argument {position}: would extend prefix to {base + bits} bits, "
                                f"which is too long for an IPv{network.version} address")
    # Like go-cidr: start from the subnet just before the base address, then
    # take each next subnet of the requested size, aligned to that size.  A base
    # at address zero therefore "wraps" and fails, as it does in Terraform
    # (hashicorp/terraform#35486).
    first_length = base + lengths[0]
    current, current_length = _align((int(network.network_address) - 1) % 2**width, first_length, width), first_length
    out = []
    for position, bits in enumerate(lengths, start=1):
        length = base + bits
        last = current + 2 ** (width - current_length) - 1
        following = _align(last, length, width) + 2 ** (width - length)
        if following > int(network.broadcast_address):  # also catches wrapping past the top
            raise FunctionError(f"argument {position}: not enough remaining address space for a subnet "
                                f"with a prefix of {length} bits")
        current, current_length = following, length
        out.append(_subnet(network, following, length))
    return out


def _align(address: int, length: int, width: int) -> int:
    return address >> (width - length) << (width - length)


# ==========================================================================

FUNCTIONS: dict[str, Callable[..., object]] = {
    # string
    "chomp": tf_chomp,
    "endswith": tf_endswith,
    "format": tf_format,
    "formatlist": tf_formatlist,
    "indent": tf_indent,
    "join": tf_join,
    "lower": tf_lower,
    "regex": tf_regex,
    "regexall": tf_regexall,
    "replace": tf_replace,
    "split": tf_split,
    "startswith": tf_startswith,
    "strcontains": tf_strcontains,
    "strrev": tf_strrev,
    "substr": tf_substr,
    "title": tf_title,
    "trim": tf_trim,
    "trimprefix": tf_trimprefix,
    "trimspace": tf_trimspace,
    "trimsuffix": tf_trimsuffix,
    "upper": tf_upper,
    # collection
    "alltrue": tf_alltrue,
    "anytrue": tf_anytrue,
    "chunklist": tf_chunklist,
    "coalesce": tf_coalesce,
    "coalescelist": tf_coalescelist,
    "compact": tf_compact,
    "concat": tf_concat,
    "contains": tf_contains,
    "distinct": tf_distinct,
    "element": tf_element,
    "flatten": tf_flatten,
    "index": tf_index,
    "keys": tf_keys,
    "length": tf_length,
    "lookup": tf_lookup,
    "matchkeys": tf_matchkeys,
    "merge": tf_merge,
    "one": tf_one,
    "range": tf_range,
    "reverse": tf_reverse,
    "setintersection": tf_setintersection,
    "setproduct": tf_setproduct,
    "setsubtract": tf_setsubtract,
    "setunion": tf_setunion,
    "slice": tf_slice,
    "sort": tf_sort,
    "sum": tf_sum,
    "transpose": tf_transpose,
    "values": tf_values,
    "zipmap": tf_zipmap,
    # type conversion
    "tobool": tf_tobool,
    "tolist": tf_tolist,
    "tomap": tf_tomap,
    "tonumber": tf_tonumber,
    "toset": tf_toset,
    "tostring": tf_tostring,
    # encoding
    "base64decode": tf_base64decode,
    "base64encode": tf_base64encode,
    "sensitive": tf_sensitive,
    "nonsensitive": tf_sensitive,
    "basename": tf_basename,
    "dirname": tf_dirname,
    "csvdecode": tf_csvdecode,
    "jsondecode": tf_jsondecode,
    "jsonencode": tf_jsonencode,
    "urlencode": tf_urlencode,
    "yamldecode": tf_yamldecode,
    "yamlencode": tf_yamlencode,
    # numeric
    "abs": tf_abs,
    "ceil": tf_ceil,
    "floor": tf_floor,
    "log": tf_log,
    "max": tf_max,
    "min": tf_min,
    "parseint": tf_parseint,
    "pow": tf_pow,
    "signum": tf_signum,
    # hash
    "base64sha256": tf_base64sha256,
    "base64sha512": tf_base64sha512,
    "md5": tf_md5,
    "sha1": tf_sha1,
    "sha256": tf_sha256,
    "sha512": tf_sha512,
    # ip network
    "cidrhost": tf_cidrhost,
    "cidrnetmask": tf_cidrnetmask,
    "cidrsubnet": tf_cidrsubnet,
    "cidrsubnets": tf_cidrsubnets,
}
