"""--only / --skip / --enable, decided in one place: a selector is a rule id, a control area,
a TSC criterion (CC6.6), a provider (aws) or a framework requirement (iso27001_2022:A.8.24;
a framework key alone, iso27001_2022, selects every rule tagged with that framework). Opt-in rules (``enabled: false``: stricter than
SOC 2 needs, e.g. KMS where AWS encrypts by default) run only when named by id."""
from __future__ import annotations

from analyzer.frameworks import FRAMEWORKS, parse_selector


def rule_matches(rule, selector: str) -> bool:
    selector = selector.strip()
    lowered = selector.lower()
    if lowered in FRAMEWORKS:
        return bool(rule.frameworks.get(lowered))
    requirement = parse_selector(selector)
    if requirement is not None:
        key, wanted = requirement
        return wanted.upper() in (r.upper() for r in rule.frameworks.get(key, ()))
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


def split_selectors(values) -> tuple:
    """``--only a,b --only c`` -> (a, b, c): comma lists work wherever repeated flags do."""
    return tuple(part.strip() for value in values for part in str(value).split(",") if part.strip())


def vocabulary(rules) -> dict:
    """What a selector may name, by kind: rule ids (every loaded rule, opt-in ones too), control
    areas, providers (the rule schema's enums: a provider with few rules is still a provider)
    and TSC criteria (the catalogue)."""
    from analyzer.frameworks import requirements, tsc_criteria
    from analyzer.rules.loader import rule_schema

    properties = rule_schema()["properties"]
    return {"rule id": {r.id for r in rules}, "control": set(properties["control"]["enum"]),
            "provider": set(properties["provider"]["enum"]), "TSC criterion": set(tsc_criteria()),
            "framework requirement": set(FRAMEWORKS) | {f"{key}:{requirement}" for key in FRAMEWORKS
                                                        for requirement in requirements(key)}}


def unknown_selector(selector: str, rules,
                     kinds=("rule id", "control", "provider", "TSC criterion", "framework requirement"),
                     vocab: dict | None = None) -> str | None:
    """None when ``selector`` names something that exists, else a message with a suggestion."""
    vocab = vocab or vocabulary(rules)
    names = [name for kind in kinds for name in vocab[kind]]
    if selector.upper() in {n.upper() for n in names}:
        return None
    import difflib

    by_upper = {n.upper(): n for n in names}
    close = difflib.get_close_matches(selector.upper(), list(by_upper), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(by_upper[c] for c in close)}?" if close else ""
    return f"{selector!r} is not a known {' / '.join(kinds)}{hint}"
