"""Human-readable output: findings grouped by file, then a summary by severity and TSC."""
from __future__ import annotations

import os
import shutil
import textwrap
from itertools import groupby

from analyzer.frameworks import tsc_sort_key
from analyzer.report.summary import (SEVERITIES, failing_by_severity, failing_by_tsc, framework_label, rules_by_id,
                                     shown_results, status_counts)

_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m",
            "unknown": "\033[35m", "suppressed": "\033[2m", "dim": "\033[2m", "bold": "\033[1m"}
_RESET = "\033[0m"
RULES_PAGE = "https://github.com/tfattest/tfattest/blob/main/docs/rules.md"


def render(report, unknown_mode: str = "report", color: bool = False) -> str:
    def paint(kind: str, text: str) -> str:
        return f"{_COLOURS[kind]}{text}{_RESET}" if color else text

    rules = rules_by_id(report)
    lines: list[str] = []
    results = shown_results(report, unknown_mode)
    for path, group in groupby(results, key=lambda r: r.location.path):
        lines.append(paint("bold", path))
        for result in group:
            rule = rules.get(result.rule_id)
            severity = rule.severity if rule else "low"
            if result.status == "fail" or (result.status == "unknown" and unknown_mode == "fail"):
                label = paint(severity, f"{severity.upper():8}")
            elif result.status == "unknown":
                label = paint("unknown", "UNKNOWN ")
            else:
                label = paint("suppressed", "IGNORED ")
            tsc = ", ".join(rule.tsc) if rule else ""
            head = f"  {result.region.start_line:>5}  {label} {result.rule_id}  "
            visible = len(f"  {result.region.start_line:>5}  {'X' * 8} {result.rule_id}  ")
            body = textwrap.wrap(result.message, max(30, _width() - visible)) or [""]
            lines.append(head + body[0])
            lines.extend(" " * visible + more for more in body[1:])
            change = f" · plan: {result.change_action}" if result.change_action else ""
            callers = getattr(result, "callers", ()) or ()
            via = f" · via {', '.join(callers)}" if len(callers) > 1 else ""
            frameworks = framework_label(rule, report)
            lines.append(paint("dim", f"         TSC {tsc}{frameworks} · {rule.control if rule else ''} · "
                                      f"{result.address}{change}{via}"))
            lines.append(paint("dim", f"         rule: {RULES_PAGE}#{result.rule_id.lower()}  "
                                      f"(tfattest explain {result.rule_id})"))
            if result.suppression is not None:
                state = "accepted" if result.status == "suppressed" else f"NOT applied: {result.suppression.problem}"
                lines.append(paint("dim", f"         suppression ({result.suppression.source}): "
                                          f"{result.suppression.justification or '-'} [{state}]"))
        lines.append("")
    for problem in report.problems:
        label = "error" if problem.blocking else "warning"
        lines.append(f"{label}: {problem.path}:{problem.line}: {problem.message}")
    for message in report.suppression_problems:
        lines.append(f"warning: {message}")
    if report.problems or report.suppression_problems:
        lines.append("")
    lines.extend(summary_lines(report, unknown_mode))
    return "\n".join(lines) + "\n"


def _width() -> int:
    """The terminal width (COLUMNS when set); 100 when not on a terminal."""
    if "COLUMNS" in os.environ or os.isatty(1):
        return shutil.get_terminal_size((100, 24)).columns
    return 100


def summary_lines(report, unknown_mode: str) -> list[str]:
    counts = status_counts(report)
    severities = failing_by_severity(report, unknown_mode)
    total = sum(severities.values())
    by_severity = ", ".join(f"{name} {severities[name]}" for name in SEVERITIES if severities[name]) or "none"
    tsc = failing_by_tsc(report, unknown_mode)
    by_tsc = ", ".join(f"{c} {tsc[c]}" for c in sorted(tsc, key=tsc_sort_key)) or "none"
    lines = [
        f"{total} failing finding{'s' if total != 1 else ''} ({by_severity})",
        f"by TSC criterion: {by_tsc}",
        f"passed {counts['pass']}, unknown {counts['unknown']}, suppressed {counts['suppressed']}, "
        f"not applicable {counts['not-applicable']} · {len(report.rules)} rules, {report.resource_count} resources, "
        f"{len(report.inputs)} files",
    ]
    fail_on = report.options.get("fail_on")
    if fail_on and fail_on != "none":
        at_or_above = _at_or_above(report, fail_on, unknown_mode)
        lines.append(f"{at_or_above} finding{'s' if at_or_above != 1 else ''} at or above --fail-on {fail_on}"
                     + (" (exit code 1)" if at_or_above else ""))
    diff = report.options.get("diff")
    if diff:
        lines.append(f"compared with {diff['base']}: {diff['new']} new, {diff['fixed']} fixed, "
                     f"{diff['unchanged']} unchanged (not shown)")
    baseline = report.options.get("baseline")
    if baseline:
        lines.append(f"baseline {baseline['file']}: {baseline['hidden']} known findings hidden, "
                     f"{baseline['changed']} reported again because their configuration changed, "
                     f"{baseline['stale']} entries stale (tfattest baseline show)")
    lines += [f"note: {item['message']}" for item in report.not_checked]
    blocking = [p for p in report.problems if p.blocking]
    if blocking:
        lines.append(f"INCOMPLETE: {len(blocking)} input problem(s) — some input could not be analyzed")
    return lines


def _at_or_above(report, fail_on: str, unknown_mode: str) -> int:
    from analyzer.report.summary import SEVERITY_RANK, effective_status

    rules = rules_by_id(report)
    threshold = SEVERITY_RANK.get(fail_on, 99)
    return sum(1 for r in report.results if effective_status(r, unknown_mode) == "fail" and r.rule_id in rules
               and SEVERITY_RANK[rules[r.rule_id].severity] >= threshold)
