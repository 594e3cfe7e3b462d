"""``tfattest convert REPORT.json -f sarif|markdown|text``: render a saved JSON report again.

The JSON report holds every result; rules are taken from the bundled ruleset by id (for their
help text), else rebuilt from the JSON's rule entries.
"""
from __future__ import annotations

import json

from analyzer.model import InputFile, Location, Problem, Report, Result, Rule
from analyzer.suppress import SuppressionDecision


def _location(data) -> Location:
    return Location(data["path"], int(data["start_line"]), int(data["end_line"]))


def _rules(entries) -> tuple:
    from analyzer.cache import cached_ruleset
    from analyzer.rules.locations import bundled_rules_dir

    bundled = cached_ruleset([bundled_rules_dir()]).rules
    by_id = {rule.id: rule for rule in bundled}
    rules = []
    for entry in entries:
        rule = by_id.get(entry["id"])
        if rule is None:
            rule = Rule(id=entry["id"], name=entry.get("name", entry["id"]), title=entry.get("title", ""),
                        provider=entry.get("provider", ""), control=entry.get("control", ""),
                        tsc=tuple(entry.get("tsc", ())), severity=entry.get("severity", "low"),
                        resource_types=tuple(entry.get("resource_types", ())), assertion={},
                        description=entry.get("title", ""), remediation="", scope=entry.get("scope", "resource"),
                        frameworks={k: tuple(v) for k, v in (entry.get("frameworks") or {}).items()})
        rules.append(rule)
    return tuple(rules)


def _suppression(data):
    if not data:
        return None
    return SuppressionDecision(data["kind"], data.get("justification") or "", data.get("source") or "",
                               bool(data.get("applied")), data.get("problem"), data.get("expires"),
                               data.get("ticket"), data.get("approver"))


def report_from_json(data: dict) -> Report:
    if not isinstance(data, dict) or "schema_version" not in data or "results" not in data:
        raise ValueError("not a tfattest JSON report (no schema_version/results)")
    results = tuple(Result(
        rule_id=r["rule_id"], status=r["status"], address=r["address"], resource_type=r.get("resource_type") or "",
        location=_location(r["location"]), region=_location(r.get("region") or r["location"]),
        message=r.get("message") or "", evidence=r.get("evidence") or "",
        original_status=r.get("original_status") or "", suppression=_suppression(r.get("suppression")),
        change_action=r.get("change_action"), module_address=r.get("module") or "",
        callers=tuple(r.get("callers") or ()),
    ) for r in data["results"])
    return Report(
        tool_version=data.get("tool", {}).get("version", ""), source_root=data.get("source_root", "."),
        rules=_rules(data.get("rules", [])), results=results,
        inputs=tuple(InputFile(i["path"], i["sha256"]) for i in data.get("inputs", [])),
        problems=tuple(Problem(p["path"], p["line"], p["message"], p.get("kind", "parse-error"))
                       for p in data.get("problems", [])),
        started_at=data.get("started_at", ""), finished_at=data.get("finished_at", ""),
        options=dict(data.get("options") or {}), resource_count=data.get("summary", {}).get("resources", 0),
        suppression_problems=tuple(data.get("suppression_problems", [])),
        stale_suppressions=tuple(data.get("stale_suppressions", [])),
        not_checked=tuple(data.get("not_checked", [])),
        change_set=tuple({k: v for k, v in c.items() if k != "results"} for c in data.get("change_set", [])),
        ruleset_digest=data.get("tool", {}).get("ruleset_digest", ""),
    )


def load_report(path: str) -> Report:
    with open(path, encoding="utf-8") as handle:
        return report_from_json(json.load(handle))
