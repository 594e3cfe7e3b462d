"""Containment of unexpected exceptions: one module, resource or rule that trips over a defect
becomes a Problem (kind ``internal-error``, blocking: exit 3) naming the file and line, and the
rest of the scan goes on. The traceback is kept in ``Problem.detail`` for ``--debug``."""
from __future__ import annotations

import traceback

from analyzer.model import Problem


def internal_problem(err: BaseException, path: str, line: int, what: str) -> Problem:
    text = str(err).strip().splitlines()
    summary = f"{type(err).__name__}: {text[0][:200]}" if text else type(err).__name__
    return Problem(path, line, f"internal error while evaluating {what}: {summary} "
                               "(the rest of the scan went on; --debug shows the traceback)",
                   "internal-error", "".join(traceback.format_exception(type(err), err, err.__traceback__)))
