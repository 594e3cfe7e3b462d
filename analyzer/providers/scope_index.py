"""Per-scope indexes for cross-resource predicates, cached on the scope's graph.

A predicate that scans every resource of another type for each resource makes a scope cost
O(N*M); like the engine's companion index, such a predicate builds one index per scope and
keeps it in ``ctx.graph.graph`` under its own name. The entry remembers the ``by_type`` it was
built from: the account scope's graph is ``networkx.compose_all`` of the root modules' graphs,
which copies their graph attributes, so an index inherited from one root module must not be
taken for the whole scan's.
"""
from __future__ import annotations


def scope_index(ctx, name: str, build):
    """``build()`` once per scope (graph + by_type); uncached when the context has no graph."""
    graph = getattr(ctx, "graph", None)
    by_type = getattr(ctx, "by_type", None)
    if graph is None:
        return build()
    cached = graph.graph.get(name)
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] is by_type:
        return cached[1]
    index = build()
    graph.graph[name] = (by_type, index)
    return index
