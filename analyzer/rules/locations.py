"""Where rule files live. Kept apart from the loader so that finding them (to hash them for
the ruleset cache, or to name them in options) imports no predicates, networkx or jsonschema."""
from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bundled_rules_dir() -> str:
    """rulesets/ as installed in the wheel (analyzer/rulesets), else the source checkout's."""
    installed = os.path.join(_PACKAGE, "rulesets")
    if os.path.isdir(installed):
        return installed
    return os.path.join(os.path.dirname(_PACKAGE), "rulesets")


def default_rule_dirs(rule_dirs=(), bundled: bool = True) -> list:
    return ([bundled_rules_dir()] if bundled else []) + list(rule_dirs)
