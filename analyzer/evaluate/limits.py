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
# Evaluation steps (function calls, for-expression and template iterations) per root module.
MAX_EVAL_STEPS = _env_int("TFATTEST_MAX_EVAL_STEPS", 2_000_000)


class LimitExceeded(Exception):
    """A cap was hit. Not an EvalError: try()/can() must not swallow it, it is reported."""


def instances_message(count: int) -> str:
    return (f"{count} instances exceed the cap of {MAX_INSTANCES} per count/for_each "
            "(TFATTEST_MAX_INSTANCES or --max-instances)")


def set_limits(**values) -> None:
    """Set caps by name (max_instances=..., ...) from the CLI; None keeps the current value."""
    for name, value in values.items():
        if value is not None:
            globals()[name.upper()] = int(value)
