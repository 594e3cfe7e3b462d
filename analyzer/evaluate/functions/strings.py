"""String functions."""
from __future__ import annotations

import unicodedata
from typing import Callable

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import (
    _GO_SPACES, _arity, _derived, _find_unknown, _graphemes, _integer, _known, _sequence, _string,
)
from analyzer.evaluate.functions.format import _format_string
from analyzer.evaluate.functions.regex import (
    _compile_re2, _go_matches, _go_replace_all, _regex_result, _regex_shape,
)
from analyzer.values import Unknown




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
