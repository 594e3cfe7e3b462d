"""The audit-period report: what the ledger shows between two dates.

Pure functions over ledger entries (their records), so the numbers can be checked exactly:
changes checked, per TSC criterion the rules that ran and how they came out, findings opened
and closed with time to remediation, exceptions active in the period, days and repositories
without a scan (gaps in continuous operation), and the chain verification.
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict

from analyzer.frameworks import tsc_sort_key


def _day(created_at: str) -> _dt.date:
    return _dt.date.fromisoformat(created_at[:10])


def _moment(created_at: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))


def period_report(entries, start: _dt.date, end: _dt.date, verification) -> dict:
    """``entries``: ledger entries in chain order; ``start``/``end`` inclusive dates."""
    records = [(entry, entry.document()) for entry in entries]
    known_repositories = sorted({(doc["context"] or {}).get("repository") or "(unknown)" for _, doc in records})
    in_period = sorted(((e, d) for e, d in records if start <= _day(d["created_at"]) <= end),
                       key=lambda pair: (pair[1]["created_at"], pair[0].seq))
    by_repository: dict = defaultdict(list)
    for entry, doc in in_period:
        by_repository[(doc["context"] or {}).get("repository") or "(unknown)"].append((entry, doc))

    criteria: dict = defaultdict(lambda: {"rules": set(), "pass": 0, "fail": 0, "unknown": 0,
                                          "not-applicable": 0, "suppressed": 0})
    for _, doc in in_period:
        for rule_id, entry in doc.get("results_by_rule", {}).items():
            for criterion in entry.get("tsc", []):
                bucket = criteria[criterion]
                bucket["rules"].add(rule_id)
                for status, count in entry.get("counts", {}).items():
                    if status in bucket:
                        bucket[status] += count

    opened, closed = [], []
    for repository, items in by_repository.items():
        open_since: dict = {}
        for entry, doc in items:
            failing = {f["fingerprint"]: f for f in doc.get("findings", []) if f["status"] == "fail"}
            for fingerprint, finding in failing.items():
                if fingerprint not in open_since:
                    open_since[fingerprint] = (doc["created_at"], finding)
                    opened.append({"repository": repository, "opened_at": doc["created_at"], **_brief(finding)})
            if not doc.get("complete", True):
                continue  # an incomplete scan cannot show that a finding was fixed
            for fingerprint in [f for f in open_since if f not in failing]:
                since, finding = open_since.pop(fingerprint)
                days = (_moment(doc["created_at"]) - _moment(since)).total_seconds() / 86400
                closed.append({"repository": repository, "opened_at": since, "closed_at": doc["created_at"],
                               "days_to_remediate": round(days, 2), **_brief(finding)})

    exceptions: dict = {}
    for _, doc in in_period:
        for item in doc.get("suppressed", []):
            decision = item.get("suppression") or {}
            key = (item["rule_id"], item["address"], decision.get("justification"))
            first = exceptions.get(key, {}).get("first_seen", doc["created_at"])
            exceptions[key] = {"rule_id": item["rule_id"], "address": item["address"],
                               "justification": decision.get("justification"), "approver": decision.get("approver"),
                               "expires": decision.get("expires"), "kind": decision.get("kind"),
                               "first_seen": min(first, doc["created_at"]), "last_seen": doc["created_at"]}

    scanned_days = {_day(doc["created_at"]) for _, doc in in_period}
    all_days = [start + _dt.timedelta(days=n) for n in range((end - start).days + 1)]
    weekly: dict = defaultdict(Counter)
    for finding in opened:
        year, week, _ = _day(finding["opened_at"]).isocalendar()
        weekly[f"{year}-W{week:02d}"].update(finding["tsc"] or ["(none)"])
    durations = [c["days_to_remediate"] for c in closed]
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "days": len(all_days)},
        "changes_checked": len(in_period),
        "repositories": {name: {"records": len(items),
                                "longest_gap_days": _longest_gap([_day(d["created_at"]) for _, d in items], start, end)}
                         for name, items in sorted(by_repository.items())},
        "repositories_without_scan": [r for r in known_repositories if r not in by_repository],
        "days_without_scan": [d.isoformat() for d in all_days if d not in scanned_days],
        "exit_codes": dict(Counter(str(doc.get("exit_code")) for _, doc in in_period)),
        "incomplete_scans": sum(1 for _, doc in in_period if not doc.get("complete", True)),
        "criteria": {c: {**{k: v for k, v in b.items() if k != "rules"}, "rules": sorted(b["rules"])}
                     for c, b in sorted(criteria.items(), key=lambda item: tsc_sort_key(item[0]))},
        "findings": {"opened": len(opened), "closed": len(closed), "still_open": len(opened) - len(closed),
                     "mean_days_to_remediate": round(sum(durations) / len(durations), 2) if durations else None,
                     "max_days_to_remediate": max(durations) if durations else None,
                     "opened_list": opened, "closed_list": closed},
        "findings_per_week_by_criterion": {week: dict(sorted(counts.items(), key=lambda i: tsc_sort_key(i[0])))
                                           for week, counts in sorted(weekly.items())},
        "exceptions": sorted(exceptions.values(), key=lambda e: (e["expires"] or "9999", e["rule_id"], e["address"])),
        "chain": {"ok": verification.ok, "entries": verification.entries, "head": verification.head,
                  "message": verification.message, "first_broken": verification.first_broken},
    }


def _brief(finding: dict) -> dict:
    return {"rule_id": finding["rule_id"], "address": finding["address"], "severity": finding.get("severity"),
            "tsc": finding.get("tsc", []), "fingerprint": finding["fingerprint"]}


def _longest_gap(days, start: _dt.date, end: _dt.date) -> int:
    """Longest run of days in [start, end] without a scan of this repository."""
    points = sorted(set(days))
    longest, previous = 0, start - _dt.timedelta(days=1)
    for day in points + [end + _dt.timedelta(days=1)]:
        longest = max(longest, (day - previous).days - 1)
        previous = day
    return longest


def render_markdown(data: dict) -> str:
    chain = data["chain"]
    findings = data["findings"]
    lines = [f"# SOC 2 evidence: {data['period']['from']} to {data['period']['to']}", "",
             f"- changes checked: {data['changes_checked']} in {len(data['repositories'])} repositories",
             f"- ledger chain: {'intact' if chain['ok'] else 'BROKEN'} ({chain['entries']} entries, head "
             f"`{chain['head'][:16]}`){'' if chain['ok'] else ': ' + chain['message']}",
             f"- findings opened {findings['opened']}, closed {findings['closed']}, still open "
             f"{findings['still_open']}; mean time to remediate "
             f"{findings['mean_days_to_remediate'] if findings['mean_days_to_remediate'] is not None else 'n/a'} days",
             f"- days without any scan: {len(data['days_without_scan'])} of {data['period']['days']}",
             f"- incomplete scans: {data['incomplete_scans']}", ""]
    lines += ["## Continuous operation", "", "| repository | scans | longest gap (days) |", "|---|---|---|"]
    lines += [f"| {name} | {info['records']} | {info['longest_gap_days']} |" for name, info in data["repositories"].items()]
    if data["repositories_without_scan"]:
        lines += ["", "Repositories in the ledger with no scan in the period: "
                  + ", ".join(data["repositories_without_scan"])]
    lines += ["", "## Trust Services Criteria", "", "| criterion | rules | pass | fail | unknown | not applicable |",
              "|---|---|---|---|---|---|"]
    for criterion, info in data["criteria"].items():
        lines.append(f"| {criterion} | {len(info['rules'])} | {info['pass']} | {info['fail']} | {info['unknown']} | "
                     f"{info['not-applicable']} |")
    lines += ["", "## Exceptions active in the period", ""]
    if data["exceptions"]:
        lines += ["| rule | resource | justification | approver | expires |", "|---|---|---|---|---|"]
        lines += [f"| {e['rule_id']} | `{e['address']}` | {e['justification'] or ''} | {e['approver'] or ''} | "
                  f"{e['expires'] or 'never'} |" for e in data["exceptions"]]
    else:
        lines.append("None.")
    lines += ["", "## Findings closed", ""]
    if findings["closed_list"]:
        lines += ["| rule | resource | opened | closed | days |", "|---|---|---|---|---|"]
        lines += [f"| {c['rule_id']} | `{c['address']}` | {c['opened_at']} | {c['closed_at']} | "
                  f"{c['days_to_remediate']} |" for c in findings["closed_list"]]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"
