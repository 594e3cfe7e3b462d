"""Type conversion functions (null converts to null); the rules are convert.py's."""
from __future__ import annotations

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import (
    _boolean, _find_unknown, _known, _make_set, _mapping, _normal, _number, _sequence, _string, _unify,
)
from analyzer.values import type_name




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
