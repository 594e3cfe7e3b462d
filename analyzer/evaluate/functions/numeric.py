"""Numeric functions (the number model is convert.py's)."""
from __future__ import annotations

import math

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import _float, _integer, _known, _normal, _number
from analyzer.values import type_name




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
