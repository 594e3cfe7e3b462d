"""Baselines: adopt tfattest on a large estate without fixing everything first.

``tfattest baseline create -o FILE`` records each current finding: its fingerprint, rule,
address, file and a hash of the evaluated attributes the rule reads (for rules that look at
related resources, those resources' values too). ``--baseline FILE`` then hides a finding that
is in the file unless that configuration changed since; ``baseline show`` lists entries that
are stale (fixed or gone) or whose configuration changed.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import replace

from analyzer.diffbase import FINDING, findings
from analyzer.report.summary import fingerprint, rules_by_id

FORMAT = "tfattest-baseline/1"


def _read_attrs(node, attrs: set, related: set) -> bool:
    """Collect the top-level attribute names a condition reads; False when it uses code."""
    exact = True
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("attr", "block", "path") and isinstance(value, str):
                attrs.add(value.split(".")[0].split("[")[0])
            elif key == "predicate":
                exact = False
            elif key == "type" and isinstance(value, str):
                related.add(value)
            elif key == "type" and isinstance(value, list):
                related.update(v for v in value if isinstance(v, str))
            exact = _read_attrs(value, attrs, related) and exact
    elif isinstance(node, list):
        for item in node:
            exact = _read_attrs(item, attrs, related) and exact
    return exact


def _plain(value):
    return json.dumps(value, sort_keys=True, default=lambda o: f"<{type(o).__name__}:{getattr(o, 'value', '')}>")


def config_hashes(report) -> dict:
    """{id(result): hash of what the rule read} for every finding of the report."""
    rules = rules_by_id(report)
    resources = {r.address: r for r in report.resources}
    neighbours = defaultdict(set)
    for source, _attribute, target in report.edges:
        neighbours[source].add(target)
        neighbours[target].add(source)
    hashes = {}
    for result in findings(report):
        rule = rules.get(result.rule_id)
        resource = resources.get(result.address)
        digest = hashlib.sha256(result.rule_id.encode())
        if rule is not None and resource is not None:
            attrs: set = set()
            related: set = set()
            exact = _read_attrs([rule.assertion, rule.when or {}], attrs, related)
            values = resource.values if not exact or not attrs else \
                {k: v for k, v in resource.values.items() if k in attrs}
            digest.update(_plain(values).encode())
            for other in sorted(neighbours.get(result.address, ())):
                neighbour = resources.get(other)
                if neighbour is not None and neighbour.type in related:
                    digest.update(other.encode() + _plain(neighbour.values).encode())
        else:
            digest.update((result.evidence or result.message).encode())
        hashes[id(result)] = digest.hexdigest()[:32]
    return hashes


def create(report) -> dict:
    hashes = config_hashes(report)
    entries = [{"fingerprint": fingerprint(r), "rule_id": r.rule_id, "address": r.address, "path": r.location.path,
                "status": r.status, "config_hash": hashes[id(r)]} for r in findings(report)]
    entries.sort(key=lambda e: (e["path"], e["address"], e["rule_id"]))
    return {"format": FORMAT, "tool_version": report.tool_version, "created_at": report.finished_at,
            "findings": entries}


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise ValueError(f"{path} is not a tfattest baseline (format {FORMAT})")
    return data


def classify(report, baseline: dict) -> tuple[list, list, list, list]:
    """(hidden, changed, new, stale entries): findings in the baseline with the same
    configuration, in it but changed, not in it; entries that match no current finding."""
    by_print = defaultdict(list)
    by_address = defaultdict(list)
    for entry in baseline["findings"]:
        by_print[entry["fingerprint"]].append(entry)
        by_address[(entry["rule_id"], entry["address"])].append(entry)
    hashes = config_hashes(report)
    used: set = set()
    hidden, changed, new = [], [], []
    for result in findings(report):
        candidates = [e for e in by_print.get(fingerprint(result), []) if id(e) not in used] or \
            [e for e in by_address.get((result.rule_id, result.address), []) if id(e) not in used]
        if not candidates:
            new.append(result)
            continue
        entry = candidates[0]
        used.add(id(entry))
        (hidden if entry.get("config_hash") == hashes[id(result)] else changed).append(result)
    stale = [e for e in baseline["findings"] if id(e) not in used]
    return hidden, changed, new, stale


def apply_baseline(report, baseline: dict, name: str):
    hidden, changed, _new, stale = classify(report, baseline)
    drop = {id(r) for r in hidden}
    results = tuple(r for r in report.results if r.status not in FINDING or id(r) not in drop)
    info = {"file": name, "hidden": len(hidden), "changed": len(changed), "stale": len(stale)}
    return replace(report, results=results, options={**report.options, "baseline": info})
