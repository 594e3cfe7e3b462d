"""``exclude:`` globs (config) and ``--exclude``: directories that are not scanned.

A pattern without a slash matches any path component (``examples`` skips every examples/
directory); a pattern with a slash matches the path relative to the scan's base directory and
everything under it (``modules/*/examples``). ``**`` works as in fnmatch (any characters).
"""
from __future__ import annotations

import fnmatch
import os


def is_excluded(directory: str, patterns, base: str) -> bool:
    if not patterns:
        return False
    relative = os.path.relpath(os.path.abspath(directory), os.path.abspath(base)).replace(os.sep, "/")
    parts = [] if relative == "." else relative.split("/")
    for raw in patterns:
        pattern = raw.strip().rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern:
            continue
        if "/" not in pattern:
            if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                return True
            continue
        for depth in range(1, len(parts) + 1):
            if fnmatch.fnmatchcase("/".join(parts[:depth]), pattern):
                return True
    return False
