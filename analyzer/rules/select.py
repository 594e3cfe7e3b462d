"""--only / --skip, decided in one place: a selector is a rule id, a control area,
a TSC criterion (CC6.6) or a provider (aws)."""
from __future__ import annotations


def rule_matches(rule, selector: str) -> bool:
    selector = selector.strip()
    lowered = selector.lower()
    return (selector.upper() == rule.id or lowered == rule.control or lowered == rule.provider
            or selector.upper() in (c.upper() for c in rule.tsc))


def select_rules(rules, only=(), skip=()) -> tuple:
    chosen = []
    for rule in rules:
        if only and not any(rule_matches(rule, s) for s in only):
            continue
        if any(rule_matches(rule, s) for s in skip):
            continue
        chosen.append(rule)
    return tuple(chosen)
