"""The resource graph: node = instance address (attr ``resource``), edge = reference.

An edge ``a -> b`` with ``attributes={"bucket"}`` means resource ``a`` refers to ``b`` in its
``bucket`` attribute. No rule logic here: rules ask for neighbours through these helpers.
"""
from __future__ import annotations

import networkx as nx


def build_graph(resources, edges) -> nx.DiGraph:
    graph = nx.DiGraph()
    for resource in resources:
        graph.add_node(resource.address, resource=resource)
    for source, attribute, target in edges:
        if source not in graph or target not in graph:
            continue
        if graph.has_edge(source, target):
            graph.edges[source, target]["attributes"].add(attribute)
        else:
            graph.add_edge(source, target, attributes={attribute})
    return graph


def referrers(graph: nx.DiGraph, address: str, via: str | None = None):
    """Resources that refer to ``address`` (through attribute ``via`` if given)."""
    for source in graph.predecessors(address):
        if via is None or via in graph.edges[source, address]["attributes"]:
            yield graph.nodes[source]["resource"]


def referenced(graph: nx.DiGraph, address: str, via: str | None = None):
    """Resources that ``address`` refers to (through attribute ``via`` if given)."""
    for target in graph.successors(address):
        if via is None or via in graph.edges[address, target]["attributes"]:
            yield graph.nodes[target]["resource"]
