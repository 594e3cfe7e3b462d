"""A plan file as a scan scope: plan values for resources, Terraform sources for locations.

When the configuration's sources are available (DIR, default the plan file's directory),
each plan resource is mapped back to its block in the .tf files through the same module
evaluation an HCL scan uses (local modules and .terraform/modules/modules.json), so findings
point at .tf lines. Without sources they point at the resource's line in the plan file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from analyzer.evaluate.module import ModuleInstance
from analyzer.evaluate.references import all_instance_edges
from analyzer.load.files import terraform_files_in
from analyzer.addresses import config_address, split_instance
from analyzer.load.plan import load_plan
from analyzer.model import Location, Problem, Resource


@dataclass(frozen=True)
class PlanScope:
    resources: tuple
    edges: tuple
    problems: tuple
    changes: tuple
    anchor: Location
    sha256: str


def plan_scope(plan_path: str, source_dir: str | None, project) -> PlanScope | None:
    plan, problems = load_plan(plan_path)
    if plan is None:
        return PlanScope((), (), tuple(problems), (), Location(plan_path, 1, 1), "")
    problems = list(problems)
    source_dir = source_dir or os.path.dirname(os.path.abspath(plan_path))
    by_address, by_config, hcl_edges, anchor = {}, {}, [], Location(plan_path, 1, 1)
    if terraform_files_in(source_dir):
        inputs = {name: (lambda v=value: v) for name, value in plan.variables.items()}
        module = ModuleInstance(project, source_dir, inputs=inputs)
        for resource in module.instances(""):
            by_address[resource.address] = resource
            by_config.setdefault(config_address(resource.address), resource)
        hcl_edges = all_instance_edges(module)
        anchor = next((b.location for f in module.files for b in f.blocks if b.type == "provider"),
                      Location(module.files[0].path, 1, 1))
    else:
        problems.append(Problem(plan_path, 1, "Terraform sources not found beside the plan (give DIR): findings "
                                "point at the plan file, with the resource address as logical location",
                                "module-missing"))
    resources = []
    for item in plan.resources:
        source = by_address.get(item.address) or by_config.get(config_address(item.address))
        if source is not None:
            location, attribute_locations = source.location, source.attribute_locations
            provenance, ignored = source.provenance, source.ignored_changes
        else:
            line = plan.address_lines.get(item.address, 1)
            location, attribute_locations, provenance, ignored = Location(plan_path, line, line), {}, {}, ()
        resources.append(Resource(address=item.address, type=item.type, name=item.name, mode=item.mode,
                                  module_address=item.module_address, values=item.values, location=location,
                                  attribute_locations=attribute_locations, change_action=item.action,
                                  provenance=provenance, ignored_changes=ignored))
    edges = _edges(resources, plan.references) + [e for e in hcl_edges]
    changes = tuple({"address": c.address, "actions": list(c.actions), "action": c.action} for c in plan.changes)
    return PlanScope(tuple(resources), tuple(edges), tuple(problems), changes, anchor, plan.sha256)


def _edges(resources, references) -> list:
    """Configuration references (config addresses) -> instance edges."""
    by_config: dict = {}
    for resource in resources:
        by_config.setdefault(config_address(resource.address), []).append(resource)
    outgoing: dict = {}
    for reference in references:
        outgoing.setdefault(reference.source, []).append(reference)
    edges = []
    for resource in resources:
        prefix, key = resource.module_address, split_instance(resource.address)[1]
        for reference in outgoing.get(config_address(resource.address), ()):
            candidates = by_config.get(reference.target, [])
            same_module = [c for c in candidates if c.module_address == prefix]
            if same_module:
                candidates = same_module
            same_key = [c for c in candidates if key and split_instance(c.address)[1] == key]
            if same_key:
                candidates = same_key
            edges.extend((resource.address, reference.attribute, c.address) for c in candidates
                         if c.address != resource.address)
    return edges
