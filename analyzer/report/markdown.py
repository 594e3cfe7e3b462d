"""A PR comment / GitHub job summary."""
from __future__ import annotations

from analyzer.frameworks import tsc_sort_key
from analyzer.report.summary import (framework_label, SEVERITIES, failing_by_severity, failing_by_tsc, rules_by_id, shown_results,
                                     status_counts)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(report, unknown_mode: str = "report", color: bool = False) -> str:
    rules = rules_by_id(report)
    severities = failing_by_severity(report, unknown_mode)
    counts = status_counts(report)
    total = sum(severities.values())
    icon = "❌" if total else "✅"
    lines = [f"## {icon} tfattest: {total} failing finding{'s' if total != 1 else ''}", ""]
    if any(p.blocking for p in report.problems):
        lines += [f"> ⚠️ **Scan incomplete**: {len(report.problems)} input problem(s); see below.", ""]
    lines += ["| severity | " + " | ".join(SEVERITIES) + " |", "|---" * (len(SEVERITIES) + 1) + "|",
              "| failing | " + " | ".join(str(severities[s]) for s in SEVERITIES) + " |", ""]
    tsc = failing_by_tsc(report, unknown_mode)
    if tsc:
        lines += ["**By TSC criterion:** " + ", ".join(f"{c} ({tsc[c]})" for c in sorted(tsc, key=tsc_sort_key)), ""]
    lines += [f"Passed {counts['pass']} · unknown {counts['unknown']} · suppressed {counts['suppressed']} · "
              f"not applicable {counts['not-applicable']} · {len(report.rules)} rules · "
              f"{report.resource_count} resources · {len(report.inputs)} files", ""]
    results = shown_results(report, unknown_mode)
    if results:
        lines += ["| status | severity | rule | TSC | resource | location | detail |",
                  "|---|---|---|---|---|---|---|"]
        for r in results:
            rule = rules.get(r.rule_id)
            lines.append(f"| {r.status} | {rule.severity if rule else ''} | `{r.rule_id}` | "
                         f"{', '.join(rule.tsc) if rule else ''}{framework_label(rule, report)} | `{_cell(r.address)}` | "
                         f"`{_cell(r.region.path)}:{r.region.start_line}` | {_cell(r.evidence or r.message)} |")
        lines.append("")
    if report.change_set:
        from analyzer.report.json_report import change_set
        lines += ["### Change set (CC8.1)", "", "| resource | action | failing | unknown | passed |", "|---|---|---|---|---|"]
        for change in change_set(report):
            statuses = [r["status"] for r in change["results"]]
            failing = ", ".join(f"`{r['rule_id']}`" for r in change["results"] if r["status"] == "fail") or "0"
            lines.append(f"| `{_cell(change['address'])}` | {change['action']} | {failing} | "
                         f"{statuses.count('unknown')} | {statuses.count('pass')} |")
        lines.append("")
    if report.problems:
        lines += ["### Input problems", ""]
        lines += [f"- `{_cell(p.path)}:{p.line}` ({p.kind}): {_cell(p.message)}" for p in report.problems]
        lines.append("")
    if report.suppression_problems:
        lines += ["### Suppressions not applied", ""] + [f"- {_cell(m)}" for m in report.suppression_problems] + [""]
    if report.not_checked:
        lines += ["### Not checked", ""] + [f"- {_cell(item['message'])}" for item in report.not_checked] + [""]
    return "\n".join(lines)
