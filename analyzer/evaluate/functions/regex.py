"""Regular expressions: Terraform uses Go's RE2, we use Python's re (translated and checked)."""
from __future__ import annotations

import re

from analyzer.evaluate.convert import FunctionError
from analyzer.values import Unknown


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
