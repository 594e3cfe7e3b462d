"""A PR comment / GitHub job summary."""
from __future__ import annotations

import os

from analyzer.frameworks import tsc_sort_key
from analyzer.report.summary import (framework_label, SEVERITIES, failing_by_severity, failing_by_tsc, rules_by_id, shown_results,
                                     status_counts)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _rule_link(rule_id: str) -> str:
    return f"https://github.com/tfattest/tfattest/blob/main/docs/rules.md#{rule_id.lower()}"


def _file_link(path: str, line: int) -> str:
    """A link to the line on GitHub when run in Actions (GITHUB_SERVER_URL/REPOSITORY/SHA), else text."""
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    text = f"`{_cell(path)}:{line}`"
    if server and repo and sha:
        prefix = os.environ.get("TFATTEST_PATH_PREFIX", "")
        return f"[{text}]({server}/{repo}/blob/{sha}/{prefix}{path}#L{line})"
    return text


def render(report, unknown_mode: str = "report", color: bool = False, max_rows: int | None = None) -> str:
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
    diff = report.options.get("diff")
    if diff:
        lines += [f"**Compared with {_cell(diff['base'])}:** {diff['new']} new · {diff['fixed']} fixed · "
                  f"{diff['unchanged']} unchanged (not listed)", ""]
        if diff.get("fixed_findings"):
            lines += ["<details><summary>Fixed by this change</summary>", ""]
            lines += [f"- `{f['rule_id']}` `{_cell(f['address'])}` ({_cell(f['path'])})" for f in diff["fixed_findings"][:50]]
            lines += ["", "</details>", ""]
    baseline = report.options.get("baseline")
    if baseline:
        lines += [f"**Baseline {_cell(baseline['file'])}:** {baseline['hidden']} known findings hidden · "
                  f"{baseline['changed']} reported again (configuration changed) · {baseline['stale']} stale entries", ""]
    results = shown_results(report, unknown_mode)
    hidden_rows = 0
    if max_rows is not None and len(results) > max_rows:  # the top findings: most severe first
        order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        status_order = {"fail": 0, "unknown": 1, "suppressed": 2}
        results = sorted(results, key=lambda r: (status_order.get(r.status, 3),
                                                 order.get(getattr(rules.get(r.rule_id), "severity", "low"), 4)))
        hidden_rows = len(results) - max_rows
        results = results[:max_rows]
    if results:
        lines += ["| status | severity | rule | TSC | resource | location | detail |",
                  "|---|---|---|---|---|---|---|"]
        for r in results:
            rule = rules.get(r.rule_id)
            lines.append(f"| {r.status} | {rule.severity if rule else ''} | [`{r.rule_id}`]({_rule_link(r.rule_id)}) | "
                         f"{', '.join(rule.tsc) if rule else ''}{framework_label(rule, report)} | `{_cell(r.address)}` | "
                         f"{_file_link(r.region.path, r.region.start_line)} | {_cell(r.evidence or r.message)} |")
        if hidden_rows:
            lines.append(f"\n_{hidden_rows} more not shown: see the SARIF report or code scanning alerts._")
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
