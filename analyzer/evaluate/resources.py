"""Evaluated module instances -> the Resources rules see (one per resource or data instance).

A Resource carries its evaluated values, where each attribute is written (for the finding's
line), whether it exists (Unknown when count/for_each is unknown), its provenance and the
attributes ``lifecycle.ignore_changes`` names. Resources of child modules are collected
recursively; those of tfattest's registry-module models are located at the module call.
"""
from __future__ import annotations

from dataclasses import replace

from analyzer import expr as E
from analyzer.contain import internal_problem
from analyzer.evaluate.provenance import map_provenance, provenance
from analyzer.model import Location, Resource
from analyzer.providers.aws import registry_modules
from analyzer.values import Unknown

META_BLOCKS = {"lifecycle", "provisioner", "connection", "precondition", "postcondition"}


def instances(module, scope_name: str) -> list[Resource]:
    """Every resource and data instance of ``module`` and its child modules. A defect in one
    block or in the module calls is contained: a Problem (internal-error), the rest goes on."""
    found: list[Resource] = []
    for key, block in module.resources.items():
        try:
            found.extend(block_resources(module, key, block, scope_name))
        except Exception as err:  # noqa: BLE001 - contained: one block, reported, scan goes on
            module.project.problems.append(internal_problem(
                err, block.location.path, block.location.start_line, module.address_of(*key)))
    try:
        children = module.child_modules()
    except Exception as err:  # noqa: BLE001
        location = module.files[0].blocks[0].location if module.files and module.files[0].blocks \
            else Location(module.directory, 1, 1)
        module.project.problems.append(internal_problem(err, location.path, location.start_line,
                                                        f"the module calls of {module.address or 'the root module'}"))
        children = []
    for _, _, child, exists in children:
        if child is None:
            continue
        modelled = registry_modules.is_model_directory(child.directory) \
            and not registry_modules.is_model_directory(module.directory)
        for resource in instances(child, scope_name):
            if modelled:  # located at the module call, not in tfattest's model files
                resource = registry_modules.relocate(resource, child)
            if isinstance(exists, Unknown) and resource.exists is True:
                resource = replace(resource, exists=exists)
            found.append(resource)
    return found


def block_resources(module, key, block, scope_name: str) -> list[Resource]:
    mode, type_name, name = key
    locations, ignored = attribute_locations(block), ignored_changes(block)
    origins: dict = {}
    for nested in block.blocks:  # one level down: "environment.variables" (hard-coded credentials)
        if nested.type in META_BLOCKS or nested.type == "dynamic":
            continue
        for attr, attribute in nested.attributes.items():
            origins.setdefault(f"{nested.type}.{attr}", provenance(module, attribute.expr, block=block))
    found = []
    for _, values, exists in module.instance_values(key):
        for attr, value in values.items():  # per block: the expressions are the same
            if attr in block.attributes and attr not in origins and isinstance(value, (str, Unknown)):
                origins[attr] = provenance(module, block.attributes[attr].expr, block=block)
            elif attr in block.attributes and attr not in origins and isinstance(value, dict):
                origins.update(map_provenance(module, attr, block.attributes[attr].expr, block))
        found.append(Resource(
            address=values.address, type=type_name, name=name, mode=mode, module_address=module.address,
            values=values, location=block.location, attribute_locations=locations, exists=exists,
            scope=scope_name, provenance=origins, ignored_changes=ignored))
    return found


def ignored_changes(block) -> tuple:
    names = []
    for lifecycle in (b for b in block.blocks if b.type == "lifecycle"):
        ignored = lifecycle.attributes.get("ignore_changes")
        if ignored is None:
            continue
        items = ignored.expr.items if isinstance(ignored.expr, E.TupleExpr) else (ignored.expr,)
        for item in items:
            if isinstance(item, E.Literal) and isinstance(item.value, str):
                names.append(item.value)
            elif isinstance(item, E.Traversal):
                names.append(item.root)
    return tuple(names)


def attribute_locations(block, top: bool = True) -> dict:
    locations: dict[str, Location] = {name: attr.location for name, attr in block.attributes.items()}
    for nested in block.blocks:
        if top and nested.type in META_BLOCKS:
            continue
        name = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
        locations.setdefault(name, nested.location)
        if nested.type == "dynamic":  # its attributes live in the content block
            nested = next((b for b in nested.blocks if b.type == "content"), nested)
        for inner_name, inner in attribute_locations(nested, top=False).items():
            locations.setdefault(f"{name}.{inner_name}", inner)
    # Each static block by position ("ingress[1]", "ingress[1].from_port"): findings point at the
    # offending block. Not when a dynamic block of the same name makes positions unknowable.
    dynamic = {b.labels[0] for b in block.blocks if b.type == "dynamic" and b.labels}
    counts: dict = {}
    for nested in block.blocks:
        if (top and nested.type in META_BLOCKS) or nested.type == "dynamic" or nested.type in dynamic:
            continue
        index = counts[nested.type] = counts.get(nested.type, -1) + 1
        locations[f"{nested.type}[{index}]"] = nested.location
        for inner_name, inner in attribute_locations(nested, top=False).items():
            locations[f"{nested.type}[{index}].{inner_name}"] = inner
    return locations
