"""Terraform's primitive type conversions and its number model, the one place for both.

Conversions follow cty's (go-cty ``cty/convert/conversion_primitive.go``), which Terraform
applies wherever a value meets a type: a conditional's condition and ``&&``/``||``/``!``
operands (bool), arithmetic operands (number), interpolation (string), function parameters,
``tobool``/``tonumber``/``tostring`` and variable ``type`` constraints:

- string -> bool: exactly "true" or "1" is true, "false" or "0" is false; anything else
  (including "True") is an error. There is no number -> bool conversion.
- string -> number: a decimal literal (``-1.5``, ``1e3``); anything else is an error.
- number/bool -> string: decimal text, never an exponent (``1e-7`` is "0.0000001").

Numbers: Terraform computes with 512-bit binary floats (``big.Float``), so decimal literals
such as 0.1 add up the way they read. Values stay Python ``int`` or ``float``; arithmetic goes
through ``Decimal`` with 160 significant digits (``arithmetic``), so ``0.1 + 0.2 == 0.3`` as in
Terraform, and ``sum``/``range`` use the same model. An integral result becomes an ``int``.
"""
from __future__ import annotations

import math
import re
from decimal import Context, Decimal, InvalidOperation

from analyzer.values import type_name


class FunctionError(Exception):
    """Terraform itself would reject this conversion or function call; the message says why."""


# 160 significant decimal digits keep sums and range steps like 0.1 exact the way Terraform's
# 512-bit floats do.
DECIMAL = Context(prec=160)

NUMBER_SYNTAX = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def not_null(value: object) -> None:
    if value is None:
        raise FunctionError("argument must not be null")


# --- primitive conversions --------------------------------------------------------

def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise FunctionError(f"cannot convert {value!r} to bool")
    not_null(value)
    raise FunctionError(f"bool required, got {type_name(value)}")


def to_number(value: object) -> int | float:
    if isinstance(value, bool):
        raise FunctionError("number required, got bool")
    if isinstance(value, float) and math.isnan(value):
        raise FunctionError("NaN is not a valid number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if not NUMBER_SYNTAX.fullmatch(value):
            raise FunctionError(f"cannot convert {value!r} to a number")
        return from_decimal(Decimal(value))
    not_null(value)
    raise FunctionError(f"number required, got {type_name(value)}")


def to_string(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    not_null(value)
    raise FunctionError(f"string required, got {type_name(value)}")


# --- numbers ------------------------------------------------------------------------

def to_decimal(number: int | float) -> Decimal:
    # repr() gives the shortest literal, which is what Terraform parsed.
    return Decimal(number) if isinstance(number, int) else Decimal(repr(number))


def from_decimal(value: Decimal) -> int | float:
    if value.is_nan():
        raise FunctionError("result is not a number")
    if value.is_infinite() or value.adjusted() > 1000:
        return float(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def normal(number: int | float) -> int | float:
    """An integral float becomes an int (Terraform has one number type)."""
    if isinstance(number, float):
        if math.isnan(number):
            raise FunctionError("result is not a number")
        if number.is_integer():
            return int(number)
    return number


def number_text(number: int | float) -> str:
    """Terraform's number-to-string conversion: plain decimal, never an exponent."""
    if isinstance(number, float):
        if math.isnan(number):
            raise FunctionError("NaN is not a valid number")
        if math.isinf(number):
            return "+Inf" if number > 0 else "-Inf"
        if not number.is_integer():
            return format(Decimal(repr(number)), "f")
        number = int(number)
    try:
        return str(number)
    except ValueError:  # beyond Python's int-to-str digit limit
        raise FunctionError("number has too many digits to print") from None


def to_float(number: int | float) -> float:
    # Terraform's pow and log go through float64, so we do too.
    try:
        return float(number)
    except OverflowError:
        return math.copysign(math.inf, number)


def arithmetic(op: str, left: int | float, right: int | float) -> int | float:
    """``left op right`` for + - * / % in Terraform's number model (see the module docstring).

    Integers stay exact Python ints; anything else is computed as a 160-digit Decimal of each
    operand's shortest literal. Division by zero gives an infinity (as Terraform's big.Float);
    modulo by zero is an error; the remainder takes the dividend's sign (Go's big.Float)."""
    if op == "/" and right == 0:
        return math.inf if left >= 0 else -math.inf
    if op == "%" and right == 0:
        raise FunctionError("modulo by zero")
    if isinstance(left, int) and isinstance(right, int) and op != "/":
        if op != "%":
            return _plain_arithmetic(op, left, right)  # exact on ints
        remainder = abs(left) % abs(right)
        return -remainder if left < 0 else remainder
    if isinstance(left, float) and math.isinf(left) or isinstance(right, float) and math.isinf(right):
        return normal(_plain_arithmetic(op, left, right))
    a, b = to_decimal(left), to_decimal(right)
    try:
        if op == "+":
            result = DECIMAL.add(a, b)
        elif op == "-":
            result = DECIMAL.subtract(a, b)
        elif op == "*":
            result = DECIMAL.multiply(a, b)
        elif op == "/":
            result = DECIMAL.divide(a, b)
        else:
            result = DECIMAL.remainder(a, b)
    except InvalidOperation:
        raise FunctionError("result is not a number") from None
    return from_decimal(result)


def _plain_arithmetic(op, left, right):
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right
    return math.fmod(left, right)
