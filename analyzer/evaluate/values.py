"""Moved to analyzer/values.py (load/ uses it too, and load/ does not import evaluate/).

This name stays an alias of that module (the same module object, so assignments to its
constants are seen everywhere); new code imports ``analyzer.values``."""
import sys

from analyzer import values as _module

sys.modules[__name__] = _module
