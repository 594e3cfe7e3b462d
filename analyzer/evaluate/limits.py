"""Caps on the work one scan does on hostile or runaway input (docs/architecture.md "Bad input").

Each cap is a module-level constant, overridable with an environment variable (read once at
import; the CLI sets them from its options before evaluating). Hitting a cap is a Problem of
kind ``limit-exceeded`` at the file and line where it happened (blocking: exit 3) and the value
concerned is Unknown: never a MemoryError, a RecursionError or a hang.
"""
from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


# Instances one count/for_each may create (Terraform has no cap; 10,000 is far above real use).
MAX_INSTANCES = _env_int("TFATTEST_MAX_INSTANCES", 10_000)
# Elements of a collection and characters of a string that a function call may produce
# (range, formatlist, strrep-like growth: format/join/replace results).
MAX_COLLECTION = _env_int("TFATTEST_MAX_COLLECTION", 100_000)
MAX_STRING = _env_int("TFATTEST_MAX_STRING", 4 * 1024 * 1024)
# Module calls nested inside module calls.
MAX_MODULE_DEPTH = _env_int("TFATTEST_MAX_MODULE_DEPTH", 16)
# Brackets/parentheses/braces nested inside one another in one file (checked before parsing).
MAX_EXPRESSION_DEPTH = _env_int("TFATTEST_MAX_EXPRESSION_DEPTH", 100)
# Python frames the evaluator may use: references are followed recursively (a chain of locals,
# variables and module outputs), ~15 frames a link. Raised for the scan from Python's default
# 1000 (safe with the usual 8 MB stack); deeper chains hit RecursionError, reported as a limit.
RECURSION_LIMIT = _env_int("TFATTEST_RECURSION_LIMIT", 20_000)
# Evaluation steps (function calls, for-expression and template iterations) per root module.
MAX_EVAL_STEPS = _env_int("TFATTEST_MAX_EVAL_STEPS", 1_000_000)


class LimitExceeded(Exception):
    """A cap was hit. Not an EvalError: try()/can() must not swallow it, it is reported."""


class deeper_recursion:
    """Context manager: the scan runs with RECURSION_LIMIT (never lowering the current limit)."""

    def __enter__(self):
        import sys

        self.previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(self.previous, RECURSION_LIMIT))
        return self

    def __exit__(self, *exc):
        import sys

        sys.setrecursionlimit(self.previous)
        return False


def instances_message(count: int) -> str:
    return (f"{count} instances exceed the cap of {MAX_INSTANCES} per count/for_each "
            "(TFATTEST_MAX_INSTANCES or --max-instances)")


class overridden:
    """Context manager: caps set by name (max_instances=..., ...) for one CLI run, restored after
    (None keeps the current value)."""

    def __init__(self, **values):
        self.values = {name.upper(): int(value) for name, value in values.items() if value is not None}

    def __enter__(self):
        self.previous = {name: globals()[name] for name in self.values}
        globals().update(self.values)
        return self

    def __exit__(self, *exc):
        globals().update(self.previous)
        return False


class Budget:
    """Evaluation steps left for one root module, and the caps hit (messages, in order) that
    the module evaluation has not yet reported at a line."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.steps = 0
        self.hits: list[str] = []

    def tick(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_EVAL_STEPS:
            raise LimitExceeded(f"evaluation stopped after {MAX_EVAL_STEPS} steps (function calls and "
                                "for-expression iterations) in this root module (TFATTEST_MAX_EVAL_STEPS)")

    def take_hits(self) -> list[str]:
        hits, self.hits = self.hits, []
        return hits


# One evaluation runs at a time (parsing runs in worker processes, evaluation does not); the scan
# resets it before each root module or plan.
BUDGET = Budget()

# Functions whose result may be much larger than their arguments, with an upper bound of the
# result's size in characters or elements (checked before they run).
_GROWING = {"format", "formatlist", "join", "replace", "indent", "templatefile", "jsonencode", "yamlencode",
            "concat", "flatten", "setproduct", "tolist", "toset", "csvdecode", "split", "chunklist", "values"}


def size_of(value, stop: int) -> int:
    """Characters of strings plus elements of collections in ``value``, counting shared parts
    each time they appear (as a rendering would), stopping early past ``stop``."""
    total, stack = 0, [value]
    while stack and total <= stop:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple)):
            total += len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            total += len(item)
            stack.extend(item.values())
        else:
            total += 1
    return total


def check_call(name: str, args: list) -> None:
    """Refuse a call whose result would be too large, before it runs."""
    if name not in _GROWING:
        return
    limit = max(MAX_STRING, MAX_COLLECTION)
    multiplier = 1
    if name in ("format", "formatlist") and args and isinstance(args[0], str):
        multiplier = max(1, args[0].count("%"))
    elif name == "replace" and len(args) == 3 and all(isinstance(a, str) for a in args):
        occurrences = args[0].count(args[1]) if args[1] else len(args[0]) + 1
        if len(args[0]) + occurrences * len(args[2]) > MAX_STRING:
            raise LimitExceeded(_size_message(name))
        return
    elif name == "setproduct":
        product = 1
        for arg in args:
            product *= len(arg) if isinstance(arg, (list, dict)) else 1
        if product > MAX_COLLECTION:
            raise LimitExceeded(_size_message(name))
        return
    if size_of(args, limit // multiplier + 1) * multiplier > limit:
        raise LimitExceeded(_size_message(name))


def check_result(name: str, value) -> None:
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise LimitExceeded(_size_message(name))
    if isinstance(value, (list, dict)) and len(value) > MAX_COLLECTION:
        raise LimitExceeded(_size_message(name))


def check_string_length(length: int, what: str) -> None:
    if length > MAX_STRING:
        raise LimitExceeded(f"{what} would be {length} characters, over the cap of {MAX_STRING} "
                            "(TFATTEST_MAX_STRING)")


def _size_message(name: str) -> str:
    return (f"{name}() would produce more than {MAX_STRING} characters or {MAX_COLLECTION} elements "
            "(TFATTEST_MAX_STRING / TFATTEST_MAX_COLLECTION)")
