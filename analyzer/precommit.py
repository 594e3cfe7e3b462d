"""The pre-commit hook: scan the staged files with the context of every root module that uses them.

pre-commit passes the staged .tf/.tf.json/.tfvars files. A file in a root module is scanned
with that root; a file in a local child module (``source = "./modules/sg"``) is scanned through
every root that calls it, directly or through other local modules, so the values the callers
pass in are known; a .tfvars file brings in its own root module. Only findings located in the
staged files are reported (a .tfvars file reports the findings of its module's own files).

Finding the callers reads each .tf file's text for ``source = "./..."`` (no parse), so a
one-file change in a large repository stays fast; the scan itself uses the parse cache.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict

from analyzer.exclude import is_excluded
from analyzer.load.files import module_directories, terraform_files_in

_SOURCE = re.compile(r'''^\s*source\s*=\s*"(\.{1,2}/[^"]*)"''', re.MULTILINE)
_JSON_SOURCE = re.compile(r'''"source"\s*:\s*"(\.{1,2}/[^"]*)"''')
TFVARS = (".tfvars", ".tfvars.json")


def local_calls(directory: str) -> set:
    """Directories that ``directory``'s module blocks call with a local ``./``/``../`` source."""
    targets = set()
    for path in terraform_files_in(directory):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        pattern = _JSON_SOURCE if path.endswith(".json") else _SOURCE
        for source in pattern.findall(text):
            target = os.path.normpath(os.path.join(directory, source.split("//")[0]))
            if os.path.isdir(target):
                targets.add(target)
    return targets


def call_graph(top: str, exclude=()) -> tuple[list, dict]:
    """(module directories under ``top``, {child directory: set of calling directories})."""
    directories = [os.path.normpath(os.path.abspath(d)) for d in module_directories(top)
                   if not is_excluded(d, exclude, top)]
    callers = defaultdict(set)
    for directory in directories:
        for target in local_calls(directory):
            callers[target].add(directory)
    return directories, callers


def roots_for(directory: str, callers: dict) -> set:
    """The root modules reaching ``directory``: itself when nobody calls it, else its callers' roots."""
    roots, seen, stack = set(), set(), [directory]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        parents = callers.get(current)
        if parents:
            stack.extend(parents)
        else:
            roots.add(current)
    return roots


def descendants(directory: str) -> set:
    """``directory`` and every local module it calls, transitively."""
    seen, stack = set(), [directory]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(local_calls(current))
    return seen


def plan(files, top: str = ".", exclude=()) -> tuple[list, set]:
    """(root module directories to scan, absolute paths whose findings are reported)."""
    _directories, callers = call_graph(top, exclude)
    roots: set = set()
    targets: set = set()
    for name in files:
        path = os.path.normpath(os.path.abspath(name))
        directory = os.path.dirname(path)
        if is_excluded(directory, exclude, top):
            continue
        if path.endswith(TFVARS):  # its values reach the root and every local module below it
            roots.add(directory)
            for module in descendants(directory):
                targets.update(os.path.normpath(os.path.abspath(f)) for f in terraform_files_in(module))
            continue
        roots |= roots_for(directory, callers)
        targets.add(path)
    return sorted(roots), targets
