"""Rule contexts for predicate tests: evaluate a root module written from text, as a scan does."""
from __future__ import annotations

import textwrap

from analyzer.evaluate.module import ModuleInstance, Project
from analyzer.evaluate.references import all_instance_edges
from analyzer.graph import build_graph
from analyzer.load.files import ParseCache
from analyzer.model import CheckContext
from analyzer.rules.engine import index_by_type


def contexts(tmp_path, files) -> dict:
    """{address: CheckContext} of the root module in ``tmp_path`` written from ``files``
    ({relative path: text}, or the text of one main.tf)."""
    for name, text in ({"main.tf": files} if isinstance(files, str) else files).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    module = ModuleInstance(Project(ParseCache(), str(tmp_path)), str(tmp_path))
    resources = module.instances(".")
    graph = build_graph(resources, all_instance_edges(module))
    by_type = index_by_type(resources)
    return {r.address: CheckContext(r.values, r, graph, by_type) for r in resources}
