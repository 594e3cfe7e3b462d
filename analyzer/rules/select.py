"""--only / --skip / --enable, decided in one place: a selector is a rule id, a control area,
a TSC criterion (CC6.6) or a provider (aws). Opt-in rules (``enabled: false``: stricter than
SOC 2 needs, e.g. KMS where AWS encrypts by default) run only when named by id."""
from __future__ import annotations


def rule_matches(rule, selector: str) -> bool:
    selector = selector.strip()
    lowered = selector.lower()
    return (selector.upper() == rule.id or lowered == rule.control or lowered == rule.provider
            or selector.upper() in (c.upper() for c in rule.tsc))


def select_rules(rules, only=(), skip=(), enable=()) -> tuple:
    named = {s.strip().upper() for s in (*only, *enable)}
    chosen = []
    for rule in rules:
        if not rule.enabled and rule.id not in named:
            continue
        if only and not any(rule_matches(rule, s) for s in only) and rule.id not in named:
            continue
        if any(rule_matches(rule, s) for s in skip):
            continue
        chosen.append(rule)
    return tuple(chosen)
