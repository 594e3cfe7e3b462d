"""Coverage: per SOC 2 criterion (or per requirement of another framework), the rules that test
it on each cloud and, given a scan, how they came out and what the scan cannot attest.

A criterion is *attested* by a scan when at least one of its rules judged a resource (pass,
fail, unknown or suppressed); when every rule was not applicable or found nothing to judge,
the criterion "cannot be attested from this repository" (e.g. CC7.2 with no CloudTrail in code).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from analyzer.frameworks import FRAMEWORKS, requirement_sort_key, requirements, tsc_criteria, tsc_sort_key
from analyzer.model import Status

JUDGED = (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.SUPPRESSED)


def _keys_of(rule, framework: str | None) -> tuple:
    return tuple(rule.frameworks.get(framework, ())) if framework else rule.tsc


def coverage_data(rules, report=None, framework: str | None = None) -> dict:
    catalogue = requirements(framework) if framework else {c: v["text"] for c, v in tsc_criteria().items()}
    sort_key = requirement_sort_key if framework else tsc_sort_key
    by_key: dict = defaultdict(lambda: defaultdict(list))
    for rule in rules:
        for key in _keys_of(rule, framework):
            by_key[key][rule.provider].append(rule.id)
    counts: dict = defaultdict(Counter)
    if report is not None:
        rule_keys = {rule.id: _keys_of(rule, framework) for rule in rules}
        for result in report.results:
            for key in rule_keys.get(result.rule_id, ()):
                counts[key][result.status] += 1
    entries = []
    for key in sorted(set(catalogue) | set(by_key), key=sort_key):
        entry = {"id": key, "statement": catalogue.get(key, ""),
                 "rules": {cloud: sorted(ids) for cloud, ids in sorted(by_key.get(key, {}).items())}}
        if report is not None:
            entry["results"] = dict(sorted(counts[key].items()))
            if not by_key.get(key):
                entry["attestation"] = "no rule tests it"
            elif any(counts[key][s] for s in JUDGED):
                entry["attestation"] = "attested" if not counts[key]["fail"] else "attested, with failures"
            else:
                entry["attestation"] = "cannot be attested from this scan"
        entries.append(entry)
    title = FRAMEWORKS[framework].title if framework else "SOC 2 Trust Services Criteria (2017)"
    data = {"framework": framework or "soc2_tsc", "title": title, "entries": entries,
            "covered": sum(1 for e in entries if e["rules"]), "total": len(entries)}
    if report is not None:
        data["not_attestable"] = [e["id"] for e in entries
                                  if e["rules"] and e["attestation"] == "cannot be attested from this scan"]
    return data


def render_markdown(data: dict) -> str:
    scanned = data["entries"] and "results" in data["entries"][0]
    lines = [f"# Coverage: {data['title']}", "", f"{data['covered']} of {data['total']} covered by rules.", ""]
    header = "| id | rules (aws / gcp / azure) |" + (" pass | fail | unknown | n/a | attestation |" if scanned else "")
    lines += [header, "|---|---|" + ("---|---|---|---|---|" if scanned else "")]
    for entry in data["entries"]:
        rules = " / ".join(str(len(entry["rules"].get(cloud, []))) for cloud in ("aws", "gcp", "azure"))
        row = f"| {entry['id']} | {rules} |"
        if scanned:
            results = entry["results"]
            row += (f" {results.get('pass', 0)} | {results.get('fail', 0)} | {results.get('unknown', 0)} | "
                    f"{results.get('not-applicable', 0)} | {entry['attestation']} |")
        lines.append(row)
    if scanned and data["not_attestable"]:
        lines += ["", "Cannot be attested from this scan: " + ", ".join(data["not_attestable"]) + "."]
    return "\n".join(lines) + "\n"
