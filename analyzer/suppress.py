"""The one place that knows the suppression syntax and decides what is suppressed.

Inline:  ``# tfattest:ignore AWS-S3-002 reason="public website" expires=2027-03-31 ticket=SEC-12``
on the line above a block or anywhere inside it (``//`` comments work too). Several ids may be
given separated by commas. A reason is required; an expired or reason-less suppression does not
suppress, and is itself reported so that nobody believes it works.
Config exceptions (``.tfattest.yaml``) carry the same fields plus owner/approver.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

# The comment syntax is read while loading (analyzer/load/comments.py); this module decides
# what the parsed comments and config exceptions suppress.
from analyzer.load.comments import MARKER, parse_suppressions

__all__ = ["MARKER", "parse_suppressions"]  # and the names below


@dataclass(frozen=True)
class SuppressionDecision:
    """Why a result is (or is not) suppressed; kept in the Report for auditors."""

    kind: str  # inline | exception
    justification: str
    source: str  # "path:line" or ".tfattest.yaml"
    valid: bool
    problem: str | None = None  # why an invalid suppression does not apply
    expires: str | None = None
    ticket: str | None = None
    approver: str | None = None


def check_validity(reason, expires, today: _dt.date):
    """(valid, problem) for a suppression's reason and expiry."""
    if not reason:
        return False, "suppression has no reason=\"...\"; a reason is required"
    if expires:
        try:
            expiry = _dt.date.fromisoformat(str(expires))
        except ValueError:
            return False, f"suppression expiry {expires!r} is not a date (YYYY-MM-DD)"
        if expiry < today:
            return False, f"suppression expired on {expiry.isoformat()}"
    return True, None


def inline_decision(suppressions, rule_id: str, location, today: _dt.date):
    """The inline suppression covering a result at ``location`` (block span), if any.

    Applies when the comment is on the line directly above the block or inside it.
    """
    for item in suppressions:
        if item.path != location.path:
            continue
        if rule_id not in item.rule_ids and "all" not in item.rule_ids:
            continue
        if not (location.start_line - 1 <= item.line <= location.end_line):
            continue
        valid, problem = check_validity(item.reason, item.expires, today)
        return SuppressionDecision("inline", item.reason or "", f"{item.path}:{item.line}", valid,
                                   problem, item.expires, item.ticket)
    return None


def exception_decision(exceptions, rule_id: str, address: str, relative_path: str, today: _dt.date):
    """The config-file exception covering a result, if any (see analyzer.config)."""
    item = matching_exception(exceptions, rule_id, address, relative_path)
    if item is None:
        return None
    valid, problem = check_validity(item.reason, item.expires, today)
    return SuppressionDecision("exception", item.reason or "", ".tfattest.yaml", valid, problem,
                               item.expires, item.ticket, item.approver)


def matching_exception(exceptions, rule_id: str, address: str, relative_path: str):
    """The first config exception whose rule, resource and path patterns match, or None."""
    import fnmatch

    for item in exceptions:
        if item.rule not in (rule_id, "*"):
            continue
        if item.resource and not fnmatch.fnmatchcase(address, item.resource):
            continue
        if item.path and not fnmatch.fnmatchcase(relative_path, item.path):
            continue
        return item
    return None


def stale_suppressions(suppressions, exceptions, results, ran: set) -> list[dict]:
    """Inline ignores and config exceptions that suppressed nothing in this scan, for rules that
    ran (a suppression of a rule that did not run cannot be judged). Auditors see them listed."""
    findings = [r for r in results if r.status in ("fail", "unknown", "suppressed")]
    used_inline = {r.suppression.source for r in findings if r.suppression is not None
                   and r.suppression.kind == "inline"}
    stale = []
    for item in suppressions:
        judged = [rule for rule in item.rule_ids if rule in ran or rule == "all"]
        if judged and f"{item.path}:{item.line}" not in used_inline:
            stale.append({"source": f"{item.path}:{item.line}", "kind": "inline", "rules": list(item.rule_ids),
                          "message": f"tfattest:ignore {', '.join(item.rule_ids)} suppresses nothing here "
                                     "(stale: no finding of these rules on this block)"})
    for index, item in enumerate(exceptions):
        if item.rule != "*" and item.rule not in ran:
            continue
        if not any(matching_exception([item], r.rule_id, r.address, r.location.path) for r in findings):
            where = ", ".join(f"{k}={v}" for k, v in (("resource", item.resource), ("path", item.path)) if v)
            stale.append({"source": f".tfattest.yaml exceptions[{index}]", "kind": "exception", "rules": [item.rule],
                          "message": f"exception for {item.rule}{' (' + where + ')' if where else ''} matched no "
                                     "finding (stale)"})
    return stale
