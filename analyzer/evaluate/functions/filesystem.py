"""Path functions that read nothing (basename, dirname). The functions that read files
(file, fileexists, filebase64, templatefile) are evaluated by expressions.py, which owns
the sandboxed file access."""
from __future__ import annotations

from analyzer.evaluate.functions._common import _known, _string


@_known
def tf_basename(path):
    text = _string(path).rstrip("/")
    return text.rsplit("/", 1)[-1] if text else ("/" if _string(path).startswith("/") else ".")


@_known
def tf_dirname(path):
    text = _string(path)
    if "/" not in text:
        return "."
    head = text.rsplit("/", 1)[0].rstrip("/")
    return head or "/"
