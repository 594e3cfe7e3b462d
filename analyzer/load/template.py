"""Template strings: interpolations ``${...}`` and directives ``%{if}``/``%{for}``, with the
``~`` strip markers, for quoted strings, heredocs, .tf.json strings and templatefile().

``mask_directive_quotes`` exists because python-hcl2's grammar ends a quoted string at the
first ``"``, even inside ``%{ if x != "" }``; quotes inside directives are masked (same
length, so positions hold) before the grammar sees the text, and the converter re-reads the
original characters through ``parse_template``.
"""
from __future__ import annotations

import re

from analyzer import expr as E

MASK = "\x01"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_FOR_HEADER = re.compile(r"for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+(.+)$", re.S)


class TemplateError(ValueError):
    pass


def unescape(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                digits = raw[i + 2: i + 2 + width]
                if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                    out.append(chr(int(digits, 16)))
                    i += 2 + width
                    continue
        out.append(ch)
        i += 1
    return "".join(out)


def matching_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing a ``${``/``%{`` whose body starts at ``start`` (-1 if none)."""
    depth, i, quote = 1, start, False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch in ('"', MASK):
                quote = False
        elif ch in ('"', MASK):
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _tokens(text: str, quoted: bool):
    """("text", str) | ("interp", source, strip_left, strip_right) | ("directive", source, l, r)."""
    buffer: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):
            buffer.append(text[i + 1: i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            end = matching_brace(text, i + 2)
            if end < 0:
                raise TemplateError("unterminated template sequence")
            if buffer:
                yield ("text", "".join(buffer))
                buffer = []
            inner = text[i + 2:end].replace(MASK, '"')
            strip_left, strip_right = inner.startswith("~"), inner.endswith("~")
            inner = inner[1 if strip_left else 0: len(inner) - 1 if strip_right else len(inner)].strip()
            yield ("interp" if text[i] == "$" else "directive", inner, strip_left, strip_right)
            i = end + 1
            continue
        if quoted and text[i] == "\\" and i + 1 < len(text):
            buffer.append(text[i: i + 2])
            i += 2
            continue
        buffer.append(text[i])
        i += 1
    if buffer:
        yield ("text", "".join(buffer))


def parse_template(text: str, parse_expression, quoted: bool = False):
    """Template source -> Literal or Template (parts: str, expressions, TemplateIf/For).

    ``quoted``: the text comes from a quoted string, so escapes apply to its literal parts.
    """
    tokens = list(_tokens(text, quoted))
    # Strip markers remove the whitespace on their side of the neighbouring literal text.
    for index, token in enumerate(tokens):
        if token[0] == "text":
            continue
        if token[2] and index > 0 and tokens[index - 1][0] == "text":
            tokens[index - 1] = ("text", tokens[index - 1][1].rstrip())
        if token[3] and index + 1 < len(tokens) and tokens[index + 1][0] == "text":
            tokens[index + 1] = ("text", tokens[index + 1][1].lstrip())
    if quoted:
        tokens = [("text", unescape(t[1])) if t[0] == "text" else t for t in tokens]
    parts, position, closer = _sequence(tokens, 0, parse_expression)
    if closer is not None:
        raise TemplateError(f"unexpected %{{{closer}}}")
    return template_from_parts(parts)


def template_from_parts(parts: list):
    """Adjacent strings merged; a lone string is a Literal."""
    merged: list = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if not merged:
        return E.Literal("")
    if len(merged) == 1 and isinstance(merged[0], str):
        return E.Literal(merged[0])
    return E.Template(tuple(merged))


def _as_template(parts: list):
    built = template_from_parts(parts)
    return built if isinstance(built, E.Template) else E.Template((built.value,))


def _sequence(tokens, position, parse_expression):
    """Parts up to a closing directive (else/endif/endfor), which is returned too."""
    parts: list = []
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token[0] == "text":
            parts.append(token[1])
        elif token[0] == "interp":
            parts.append(parse_expression(token[1]))
        else:
            header = token[1]
            if header in ("else", "endif", "endfor"):
                return parts, position, header
            if header.startswith("if ") or header.startswith("if("):
                condition = parse_expression(header[2:].strip())
                if_true, position, closer = _sequence(tokens, position, parse_expression)
                if_false: list = []
                if closer == "else":
                    if_false, position, closer = _sequence(tokens, position, parse_expression)
                if closer != "endif":
                    raise TemplateError("%{if} without %{endif}")
                parts.append(E.TemplateIf(condition, _as_template(if_true), _as_template(if_false)))
                continue
            match = _FOR_HEADER.match(header)
            if match:
                first, second, collection = match.groups()
                key_var, value_var = (first, second) if second else (None, first)
                body, position, closer = _sequence(tokens, position, parse_expression)
                if closer != "endfor":
                    raise TemplateError("%{for} without %{endfor}")
                parts.append(E.TemplateFor(key_var, value_var, parse_expression(collection), _as_template(body)))
                continue
            raise TemplateError(f"unknown template directive %{{{header}}}")
    return parts, position, None


def mask_directive_quotes(text: str) -> str:
    """Mask ``"`` inside ``%{...}`` directives of quoted strings (same length, same lines)."""
    if "%{" not in text:
        return text
    chars = list(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<<", i):
            match = re.match(r"<<-?([A-Za-z][\w.-]*)\n", text[i:])
            if match:
                closing = re.compile(r"\n[ \t]*" + re.escape(match.group(1)) + r"[ \t]*(\n|$)")
                found = closing.search(text, i + match.end() - 1)
                i = n if found is None else found.end()
            else:
                i += 2
        elif ch == '"':
            i = _scan_string(text, chars, i + 1)
        else:
            i += 1
    return "".join(chars)


def _scan_string(text: str, chars: list, i: int) -> int:
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            return i + 1
        elif ch == "\n":
            return i
        elif text.startswith("$${", i) or text.startswith("%%{", i):
            i += 3
        elif text.startswith("${", i):
            end = _skip_braces(text, chars, i + 2, mask=False)
            i = n if end < 0 else end + 1
        elif text.startswith("%{", i):
            end = _skip_braces(text, chars, i + 2, mask=True)
            i = n if end < 0 else end + 1
        else:
            i += 1
    return i


def _skip_braces(text: str, chars: list, i: int, mask: bool) -> int:
    depth, n = 1, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            if mask:
                chars[i] = MASK
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i < n and mask:
                chars[i] = MASK
            i += 1
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return -1
        i += 1
    return -1
