"""The Report as versioned JSON (schema: docs/json-report.md, ``schema_version``)."""
from __future__ import annotations

import json

from analyzer.report.summary import failing_by_severity, failing_by_tsc, fingerprint, status_counts

SCHEMA_VERSION = "1.0"


def _location(location) -> dict:
    return {"path": location.path, "start_line": location.start_line, "end_line": location.end_line}


def _suppression(decision):
    if decision is None:
        return None
    return {"kind": decision.kind, "justification": decision.justification, "source": decision.source,
            "applied": decision.valid, "problem": decision.problem, "expires": decision.expires,
            "ticket": decision.ticket, "approver": decision.approver}


def change_set(report) -> list:
    """Each planned change with the rules that ran on the resource and how they came out."""
    by_address: dict = {}
    for result in report.results:
        by_address.setdefault(result.address, []).append({"rule_id": result.rule_id, "status": result.status})
    return [{**change, "results": by_address.get(change["address"], [])} for change in report.change_set]


def to_dict(report, unknown_mode: str = "report") -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tfattest", "version": report.tool_version, "ruleset_digest": report.ruleset_digest},
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "source_root": report.source_root,
        "options": report.options,
        "complete": not any(p.blocking for p in report.problems),
        "summary": {
            "statuses": dict(status_counts(report)),
            "failing_by_severity": dict(failing_by_severity(report, unknown_mode)),
            "failing_by_tsc": dict(failing_by_tsc(report, unknown_mode)),
            "resources": report.resource_count,
            "rules": len(report.rules),
            "files": len(report.inputs),
        },
        "rules": [{"id": r.id, "name": r.name, "title": r.title, "provider": r.provider, "control": r.control,
                   "tsc": list(r.tsc), "severity": r.severity, "resource_types": list(r.resource_types),
                   "scope": r.scope, "frameworks": {k: list(v) for k, v in r.frameworks.items()}}
                  for r in report.rules],
        "results": [{
            "rule_id": r.rule_id, "status": r.status, "original_status": r.original_status or None,
            "address": r.address, "resource_type": r.resource_type, "module": r.module_address or None,
            "location": _location(r.location), "region": _location(r.region), "message": r.message,
            "evidence": r.evidence, "fingerprint": fingerprint(r), "change_action": r.change_action,
            "suppression": _suppression(r.suppression), "callers": list(r.callers),
        } for r in report.results],
        "inputs": [{"path": i.path, "sha256": i.sha256} for i in report.inputs],
        "problems": [{"path": p.path, "line": p.line, "kind": p.kind, "message": p.message} for p in report.problems],
        "suppression_problems": list(report.suppression_problems),
        "stale_suppressions": [dict(item) for item in report.stale_suppressions],
        "not_checked": [dict(item) for item in report.not_checked],
        "change_set": change_set(report),
    }


def render(report, unknown_mode: str = "report", color: bool = False, pretty: bool = False) -> str:
    """Compact JSON by default (several times faster to write for large reports); ``pretty`` indents."""
    data = to_dict(report, unknown_mode)
    return (json.dumps(data, indent=2) if pretty else json.dumps(data, separators=(",", ":"))) + "\n"
