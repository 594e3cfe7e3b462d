"""Counts and selections every formatter shares, so they agree with each other and the exit code."""
from __future__ import annotations

import hashlib
from collections import Counter

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES), start=1)}


def rules_by_id(report) -> dict:
    return {rule.id: rule for rule in report.rules}


def shown_results(report, unknown_mode: str = "report") -> list:
    """Results a human should look at: failures, unknowns (unless ignored), suppressions."""
    wanted = {"fail", "suppressed"} | ({"unknown"} if unknown_mode != "ignore" else set())
    return sorted((r for r in report.results if r.status in wanted),
                  key=lambda r: (r.location.path, r.region.start_line, r.rule_id, r.address))


def effective_status(result, unknown_mode: str) -> str:
    if result.status == "unknown" and unknown_mode == "fail":
        return "fail"
    return result.status


def status_counts(report) -> Counter:
    return Counter(r.status for r in report.results)


def failing_by_severity(report, unknown_mode: str = "report") -> Counter:
    rules = rules_by_id(report)
    return Counter(rules[r.rule_id].severity for r in report.results
                   if effective_status(r, unknown_mode) == "fail" and r.rule_id in rules)


def failing_by_tsc(report, unknown_mode: str = "report") -> Counter:
    rules = rules_by_id(report)
    counts: Counter = Counter()
    for result in report.results:
        if effective_status(result, unknown_mode) == "fail" and result.rule_id in rules:
            counts.update(rules[result.rule_id].tsc)
    return counts


def fingerprint(result) -> str:
    """Stable across line moves: rule id + relative path + instance address (bandit-style)."""
    text = f"{result.rule_id}|{result.location.path}|{result.address}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def framework_label(rule, report) -> str:
    """" · iso27001_2022 A.8.24, A.5.15" when the scan asked for a framework (--framework), else ""."""
    key = (report.options or {}).get("framework")
    if not key or rule is None:
        return ""
    return f" · {key} {', '.join(rule.frameworks.get(key, ())) or '(none)'}"
