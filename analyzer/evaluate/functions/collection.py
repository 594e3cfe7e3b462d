"""Collection functions (lists, maps, sets)."""
from __future__ import annotations

import itertools
import math
from decimal import Decimal, InvalidOperation
from typing import Callable

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import (
    _DECIMAL, _MISSING, _arity, _boolean, _canonical, _decimal, _derived, _equal, _find_unknown,
    _from_decimal, _graphemes, _integer, _known, _mapping, _not_null, _number, _sequence, _set_order,
    _string, _unify,
)
from analyzer.values import Unknown, first_unknown, type_name




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
