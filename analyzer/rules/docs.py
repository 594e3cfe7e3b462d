"""The rules reference (docs/rules.md), generated from the rule files."""
from __future__ import annotations

from collections import defaultdict


def _tsc_key(criterion: str):
    from analyzer.frameworks import tsc_sort_key
    return tsc_sort_key(criterion)


def rules_markdown(rules) -> str:
    from analyzer.frameworks import tsc_criteria

    criteria = tsc_criteria()
    lines = ["# tfattest rules reference", "",
             "Generated from `rulesets/` by `tfattest rules --format markdown`; do not edit by hand.", "",
             f"{len(rules)} rules.", "", "## Rules", "",
             "| id | title | control | TSC | severity | resource types |", "|---|---|---|---|---|---|"]
    for rule in rules:
        types = ", ".join(f"`{t}`" for t in rule.resource_types) or "(account scope)"
        opt_in = " (opt-in)" if not rule.enabled else ""
        lines.append(f"| [{rule.id}](#{rule.id.lower()}){opt_in} | {rule.title} | {rule.control} | "
                     f"{', '.join(rule.tsc)} | {rule.severity} | {types} |")
    by_criterion = defaultdict(list)
    for rule in rules:
        for criterion in rule.tsc:
            by_criterion[criterion].append(rule.id)
    lines += ["", "## TSC coverage", "", "| criterion | statement | rules |", "|---|---|---|"]
    for criterion in sorted(by_criterion, key=_tsc_key):
        statement = criteria.get(criterion, {}).get("text", "")
        short = statement if len(statement) < 140 else statement[:137] + "..."
        lines.append(f"| {criterion} | {short} | {', '.join(by_criterion[criterion])} |")
    by_control = defaultdict(list)
    for rule in rules:
        by_control[rule.control].append(rule.id)
    lines += ["", "## Control areas", "", "| control | rules |", "|---|---|"]
    for control in sorted(by_control):
        lines.append(f"| {control} | {len(by_control[control])} |")
    lines += framework_coverage_lines(rules)
    lines += ["", "## Rule details", ""]
    for rule in rules:
        lines += [f"### {rule.id}", "", f"**{rule.title}** — `{rule.name}`", "",
                  f"- control: {rule.control}; severity: {rule.severity}; TSC: {', '.join(rule.tsc)}",
                  f"- resource types: {', '.join(rule.resource_types) or 'account scope (presence rule)'}",
                  *(["- frameworks: " + "; ".join(f"{k} {', '.join(v)}" for k, v in rule.frameworks.items())]
                    if rule.frameworks else []), "",
                  rule.description, "", "Remediation:", "", "```hcl", rule.remediation.rstrip(), "```", ""]
        if rule.references:
            lines += [f"- <{url}>" for url in rule.references] + [""]
    return "\n".join(lines)


def framework_coverage_lines(rules) -> list:
    """Per framework: requirement -> rules, then the requirements no rule covers."""
    from analyzer.frameworks import FRAMEWORKS, requirement_sort_key, requirements

    lines = ["", "## Framework coverage", "",
             "Requirement ids come from each rule's `frameworks:` tags (generated from the Prowler "
             "crosswalk by `scripts/gen_frameworks.py`); SOC 2 `tsc:` tags above stay the primary ones.", ""]
    for key, framework in FRAMEWORKS.items():
        by_requirement = defaultdict(list)
        for rule in rules:
            for requirement in rule.frameworks.get(key, ()):
                by_requirement[requirement].append(rule.id)
        names = requirements(key)
        lines += [f"### {framework.title} (`{key}`)", "",
                  f"{len(by_requirement)} of {len(names)} requirements covered.", "",
                  "| requirement | name | rules |", "|---|---|---|"]
        for requirement in sorted(by_requirement, key=requirement_sort_key):
            lines.append(f"| {requirement} | {names.get(requirement, '')} | {', '.join(by_requirement[requirement])} |")
        uncovered = sorted(set(names) - set(by_requirement), key=requirement_sort_key)
        lines += ["", "Not covered by any rule: " + (", ".join(uncovered) or "none") + ".", ""]
    return lines
