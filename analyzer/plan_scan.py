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
from analyzer.evaluate.values import Unknown
from analyzer.load.plan import load_plan
from analyzer.model import Location, Problem, Resource
from analyzer.provider_configs import provider_resources


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
    providers: list = []  # provider configurations (provider.aws) from the .tf sources
    if terraform_files_in(source_dir):
        inputs = {name: (lambda v=value: v) for name, value in plan.variables.items()}
        module = ModuleInstance(project, source_dir, inputs=inputs)
        for resource in module.instances(""):
            by_address[resource.address] = resource
            by_config.setdefault(config_address(resource.address), resource)
        hcl_edges = all_instance_edges(module)
        providers = provider_resources(module, "")
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
                                  module_address=item.module_address, values=_values(item, source, by_address.get(item.address) is source),
                                  location=location,
                                  attribute_locations=attribute_locations, change_action=item.action,
                                  provenance=provenance, ignored_changes=ignored))
    if not providers:  # no .tf sources: the plan's own provider configurations
        providers = [Resource(address=p.address, type=f"provider.{p.name}", name=p.alias or "default",
                              mode="provider", module_address=p.module_address, values=p.values,
                              location=Location(plan_path, 1, 1), provenance=p.provenance)
                     for p in plan.providers]
    resources += providers
    edges = _edges(resources, plan.references) + [e for e in hcl_edges]
    changes = tuple({"address": c.address, "actions": list(c.actions), "action": c.action} for c in plan.changes)
    return PlanScope(tuple(resources), tuple(edges), tuple(problems), changes, anchor, plan.sha256)


def _values(item, source, same_instance: bool) -> dict:
    """The plan's values with provider defaults applied (load/plan.py), corrected by what the .tf
    source shows and the plan's configuration cannot: a ``dynamic`` block (Terraform's JSON
    configuration omits them) keeps the plan's value, unknown included; an attribute set to
    null through a variable or local (``kms_key_id = var.key`` with a null default) is not set,
    so the provider fills it (after_unknown) with its default; a value wholly unknown in the plan
    (``jsonencode`` of an object holding an ARN known after apply) keeps what the .tf shows of
    it (``Unknown.partial``, read by policy analysis; ``Unknown.origin``, the computed attribute
    it stands for, such as a policy document's ``json``) when the source is the same instance."""
    raw = item.raw_values
    if source is None or item.configured is None or not isinstance(raw, dict) or not isinstance(item.values, dict):
        return item.values
    values = dict(item.values)
    for key, value in raw.items():
        if key not in item.configured and key in source.attribute_locations:
            values[key] = value
        if isinstance(values[key], Unknown) and key in source.attribute_locations \
                and source.values.get(key) is None and source.exists is True:
            values[key] = None  # set to null through a variable or local (known in the .tf): provider default
        if same_instance:
            values[key] = _richer(values[key], source.values.get(key))
    return values


def _richer(planned, hcl):
    """The plan's value, where it is Unknown replaced by the .tf's Unknown at the same place if
    that one tells more (``partial`` or ``origin``): both are unknown, the .tf one is readable."""
    if isinstance(planned, Unknown):
        return hcl if isinstance(hcl, Unknown) and (hcl.partial is not None or hcl.origin) else planned
    if isinstance(planned, list) and isinstance(hcl, list) and len(planned) == len(hcl):
        return [_richer(p, h) for p, h in zip(planned, hcl)]
    if isinstance(planned, dict) and isinstance(hcl, dict):
        return {k: _richer(v, hcl.get(k)) for k, v in planned.items()}
    return planned


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
