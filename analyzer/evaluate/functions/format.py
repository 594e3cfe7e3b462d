"""format() and formatlist(): Terraform's printf, built on Go's fmt semantics."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from analyzer import limits
from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import (
    _boolean, _decimal, _graphemes, _json, _json_string, _number, _number_text, _string,
)


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
