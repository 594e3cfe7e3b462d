"""What only one cloud knows, one package per cloud: ``aws``, ``gcp``, ``azure``.

Each package exports a ``PREDICATES`` dict of plain functions ``(ctx, args) -> Verdict``.
They are merged in ``analyzer.rules.predicates`` under the cloud's namespace
(``aws.policy_allows_admin``); nothing registers itself on import.
"""
from __future__ import annotations


def merge_predicates(core: dict, by_cloud: dict) -> dict:
    """One registry: core predicates by name, each cloud's as ``<cloud>.<name>``; a name
    given twice is a programming error, caught at import rather than shadowed silently."""
    merged = dict(core)
    for cloud, predicates in by_cloud.items():
        for name, function in predicates.items():
            key = f"{cloud}.{name}"
            if key in merged:
                raise ValueError(f"predicate {key} is defined twice")
            merged[key] = function
    return merged
