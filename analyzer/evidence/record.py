"""A change record: one scan as CC8.1 evidence, canonical JSON named by its own sha256.

Built only from the Report (docs/evidence.md) plus who/what/when. Machine-dependent values (absolute
paths, the scan's own start and end time) are left out, so the same inputs, context and
``created_at`` always give the same bytes and the same hash.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os

from analyzer.evidence.context import ChangeContext
from analyzer.report.json_report import to_dict

RECORD_VERSION = "1.0"
FINDING_STATUSES = ("fail", "unknown")


def canonical_bytes(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(document: dict) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def created_at_now(environ) -> str:
    """UTC now, or SOURCE_DATE_EPOCH (the reproducible-builds convention) when set."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    moment = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit() \
        else _dt.datetime.now(_dt.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_record(report, context: ChangeContext, exit_code: int, created_at: str,
                 unknown_mode: str = "report") -> dict:
    data = to_dict(report, unknown_mode)
    rules = {rule["id"]: rule for rule in data["rules"]}
    by_rule: dict = {}
    for result in data["results"]:
        entry = by_rule.setdefault(result["rule_id"], {"counts": {}})
        entry["counts"][result["status"]] = entry["counts"].get(result["status"], 0) + 1
    for rule_id, entry in by_rule.items():
        rule = rules.get(rule_id, {})
        entry.update({"tsc": rule.get("tsc", []), "severity": rule.get("severity"), "control": rule.get("control"),
                      "frameworks": rule.get("frameworks", {})})

    def finding(result: dict) -> dict:
        rule = rules.get(result["rule_id"], {})
        return {"rule_id": result["rule_id"], "status": result["status"], "severity": rule.get("severity"),
                "tsc": rule.get("tsc", []), "address": result["address"], "path": result["region"]["path"],
                "line": result["region"]["start_line"], "fingerprint": result["fingerprint"],
                "message": result["message"], "change_action": result["change_action"]}

    return {
        "record_version": RECORD_VERSION,
        "kind": "tfattest change record",
        "created_at": created_at,
        "context": context.as_dict(),
        "tool": data["tool"],
        "options": data["options"],
        "exit_code": exit_code,
        "complete": data["complete"],
        "inputs": data["inputs"],
        "change_set": data["change_set"],
        # --diff-base / --diff-base-plan: findings new in this change, fixed by it, unchanged
        "change_review": (data["options"] or {}).get("diff"),
        "summary": data["summary"],
        "results_by_rule": by_rule,
        "findings": [finding(r) for r in data["results"] if r["status"] in FINDING_STATUSES],
        "suppressed": [{**finding(r), "original_status": r["original_status"], "suppression": r["suppression"]}
                       for r in data["results"] if r["status"] == "suppressed"],
        "not_covered": data.get("not_covered", []),
        "problems": data["problems"],
        "suppression_problems": data["suppression_problems"],
        "results": [{"rule_id": r["rule_id"], "status": r["status"], "address": r["address"],
                     "fingerprint": r["fingerprint"]} for r in data["results"]],
    }


def write_record(record: dict, directory: str) -> tuple[str, str]:
    """Write <sha256>.json (the canonical bytes) and <sha256>.md; return both paths."""
    os.makedirs(directory, exist_ok=True)
    payload = canonical_bytes(record)
    digest = hashlib.sha256(payload).hexdigest()
    json_path = os.path.join(directory, f"{digest}.json")
    md_path = os.path.join(directory, f"{digest}.md")
    for path, content in ((json_path, payload), (md_path, render_markdown(record, digest).encode("utf-8"))):
        temporary = path + ".tmp"
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    return json_path, md_path


def load_record(path: str) -> tuple[dict, str]:
    """(record, sha256 of its canonical form). A file whose name is not its hash is refused."""
    with open(path, "rb") as handle:
        payload = handle.read()
    record = json.loads(payload)
    if not isinstance(record, dict) or record.get("kind") != "tfattest change record":
        raise ValueError(f"{path}: not a tfattest change record")
    digest = record_hash(record)
    stem = os.path.basename(path).rsplit(".", 1)[0]
    if len(stem) == 64 and stem != digest:
        raise ValueError(f"{path}: content does not match its name (sha256 {digest}): the record was changed")
    return record, digest


def render_markdown(record: dict, digest: str) -> str:
    context = record["context"]
    summary = record["summary"]
    lines = ["# tfattest change record", "",
             f"- record: `{digest}`",
             f"- created: {record['created_at']}",
             f"- repository: {context.get('repository') or 'unknown'}; commit `{context.get('commit') or 'unknown'}`"
             + (f"; base `{context['base']}`" if context.get("base") else ""),
             f"- branch: {context.get('branch') or 'unknown'}"
             + (f"; pull request #{context['pull_request']}" if context.get("pull_request") else "")
             + (f"; actor {context['actor']}" if context.get("actor") else ""),
             f"- tool: tfattest {record['tool']['version']}, ruleset `{record['tool'].get('ruleset_digest', '')[:16]}`",
             f"- exit code: {record['exit_code']}" + ("" if record["complete"] else " (scan incomplete)"),
             f"- inputs: {len(record['inputs'])} files; results: "
             + ", ".join(f"{k} {v}" for k, v in sorted(summary["statuses"].items())), ""]
    if record["change_set"]:
        lines += ["## Changes checked", "", "| action | address | rules (pass/fail/unknown) |", "|---|---|---|"]
        for change in record["change_set"]:
            counts = {"pass": 0, "fail": 0, "unknown": 0}
            for result in change.get("results", []):
                if result["status"] in counts:
                    counts[result["status"]] += 1
            lines.append(f"| {','.join(change.get('actions', [])) or change.get('action', '')} | `{change['address']}` | "
                         f"{counts['pass']}/{counts['fail']}/{counts['unknown']} |")
        lines.append("")
    review = record.get("change_review")
    if review:
        lines += [f"Compared with the base {review['base']}: {review['new']} new, {review['fixed']} fixed, "
                  f"{review['unchanged']} unchanged (findings below are the new ones).", ""]
    findings = record["findings"]
    lines += [f"## Findings ({len(findings)})", ""]
    if findings:
        lines += ["| severity | rule | TSC | resource | location |", "|---|---|---|---|---|"]
        for item in findings:
            lines.append(f"| {item['severity']}{' (unknown)' if item['status'] == 'unknown' else ''} | "
                         f"{item['rule_id']} | {', '.join(item['tsc'])} | `{item['address']}` | "
                         f"{item['path']}:{item['line']} |")
    else:
        lines.append("None.")
    lines.append("")
    if record["suppressed"]:
        lines += ["## Accepted exceptions", "", "| rule | resource | justification | approver | expires |",
                  "|---|---|---|---|---|"]
        for item in record["suppressed"]:
            decision = item["suppression"] or {}
            lines.append(f"| {item['rule_id']} | `{item['address']}` | {decision.get('justification', '')} | "
                         f"{decision.get('approver') or ''} | {decision.get('expires') or ''} |")
        lines.append("")
    if record["problems"]:
        lines += ["## Not checked", ""] + [f"- {p['path']}:{p['line']}: {p['message']}" for p in record["problems"]]
        lines.append("")
    return "\n".join(lines)
