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
    lines += ["", "## Rule details", ""]
    for rule in rules:
        lines += [f"### {rule.id}", "", f"**{rule.title}** — `{rule.name}`", "",
                  f"- control: {rule.control}; severity: {rule.severity}; TSC: {', '.join(rule.tsc)}",
                  f"- resource types: {', '.join(rule.resource_types) or 'account scope (presence rule)'}", "",
                  rule.description, "", "Remediation:", "", "```hcl", rule.remediation.rstrip(), "```", ""]
        if rule.references:
            lines += [f"- <{url}>" for url in rule.references] + [""]
    return "\n".join(lines)
