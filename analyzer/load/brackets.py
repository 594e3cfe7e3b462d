"""The brackets of HCL source that are code: outside strings, comments and heredoc bodies.

Two checks read them before or after parsing: the nesting cap (a file nested deeper than the
parser and evaluator should recurse is not parsed) and the line of a bracket left open (a
syntax error reported where the problem starts, not at the end of the file)."""
from __future__ import annotations

import re

HEREDOC_OPEN = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9._-]*)[ \t]*$")
CLOSING = {"{": "}", "[": "]", "(": ")"}


def code_brackets(text: str):
    """(line number, position in line, bracket, line text) for every bracket that is code."""
    heredoc = None
    for number, line in enumerate(text.split("\n"), start=1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        in_string, escaped = False, False
        for position, char in enumerate(line):
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "#" or line.startswith("//", position):
                break
            elif char in "([{)]}":
                yield number, position, char, line
        match = HEREDOC_OPEN.search(line)
        if match and not in_string:
            heredoc = match.group(1)


def first_too_deep(text: str, cap: int) -> int | None:
    """The line where code brackets first nest deeper than ``cap``, else None."""
    if text.count("(") + text.count("[") + text.count("{") <= cap:
        return None
    depth = 0
    for number, _, char, _ in code_brackets(text):
        if char in CLOSING:
            depth += 1
            if depth > cap:
                return number
        else:
            depth = max(0, depth - 1)
    return None


def unclosed_bracket(text: str) -> tuple[int, str] | None:
    """(line, bracket) of the first bracket that is never closed or is closed by the wrong kind;
    None when the brackets balance."""
    stack: list = []
    for number, position, char, line in code_brackets(text):
        if char in CLOSING:
            stack.append((number, char, len(line) - len(line.lstrip())))
            continue
        if not stack:
            continue  # a stray closer: the parser's own message says where
        opened, bracket, indent = stack[-1]
        starts_line = not line[:position].strip()
        # A closer of the wrong kind, or one that starts a line indented less than the line
        # that opened the bracket: that bracket was left open (`x = {a = 1` ... `}`).
        if CLOSING[bracket] != char or (starts_line and position < indent):
            return opened, bracket
        stack.pop()
    return stack[0][:2] if stack else None
