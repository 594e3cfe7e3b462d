"""Turn the evaluated HCL scan of a root module into a ``terraform show -json`` plan document.

Test helper only: it lets every rule's fixtures be scanned as a plan too. What it writes is what
Terraform writes for the same configuration, as far as tfattest reads it:

- ``planned_values`` / ``resource_changes``: every instance (create; data sources: read) with
  ``after`` (Unknown -> null) and ``after_unknown`` (true where the HCL value is Unknown);
- ``configuration``: each resource's ``expressions``: a known value is a ``constant_value``, an
  unknown one ``references`` (set in the configuration to something known after apply); nested
  blocks (lists of objects) are lists of expression objects; module calls nest;
- ``computed``: attribute names that the provider computes when the configuration leaves them
  unset (Optional+Computed): where the HCL leaves such a top-level key unset, the plan shows it
  in ``after_unknown`` as Terraform does, which is what the provider-default semantics must see
  through.

Instances whose existence is unknown (count/for_each unknown) are left out: Terraform cannot
plan them either.
"""
from __future__ import annotations

import re

from analyzer.evaluate.module import ModuleInstance, Project
from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.load.files import ParseCache
from analyzer.evaluate.variables import root_variables

_MODULE_STEP = re.compile(r'module\.[^.\[]+(?:\[(?:"[^"]*"|[^\]]*)\])?')


def _after(value):
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {str(k): _after(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_after(v) for v in value]
    if isinstance(value, TemplateParts):
        return None
    return value


def _unknown_mask(value):
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        mask = {str(k): _unknown_mask(v) for k, v in value.items()}
        return {k: v for k, v in mask.items() if v not in (False, {}, [])} or {}
    if isinstance(value, (list, tuple)):
        mask = [_unknown_mask(v) for v in value]
        return mask if any(m not in (False, {}, []) for m in mask) else []
    return False


def _is_blocks(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _expression(value):
    if value is None:  # set to null through a variable or local: Terraform shows the reference
        return {"references": ["var.null_value"]}
    if isinstance(value, Unknown) or (not _is_blocks(value) and _unknown_mask(value) not in (False, {}, [])):
        return {"references": ["var.unknown"]}
    if _is_blocks(value):
        return [{str(k): _expression(v) for k, v in block.items()} for block in value]
    return {"constant_value": _after(value)}


def _module_node(tree: dict, module_address: str) -> dict:
    node = tree
    for step in _MODULE_STEP.findall(module_address or ""):
        name = step[len("module."):].split("[", 1)[0]
        node = node.setdefault("module_calls", {}).setdefault(name, {"source": f"./{name}", "module": {}})["module"]
    return node


def _config_address(address: str) -> str:
    return re.sub(r'\[("[^"]*"|[^\]]*)\]', "", address)


def plan_document(root: str, computed=()) -> dict:
    """The plan Terraform would show for the root module ``root`` (see the module docstring)."""
    inputs, _ = root_variables(root, (), (), {})
    project = Project(ParseCache(), root)
    module = ModuleInstance(project, root, inputs={k: (lambda v=v: v) for k, v in inputs.items()})
    resources = [r for r in module.instances("") if r.exists is True]
    planned: dict = {"root_module": {}}
    changes, configuration, seen = [], {"root_module": {}}, set()
    for resource in resources:
        values = dict(resource.values)
        after = _after(values)
        unknown = _unknown_mask(values) or {}
        if resource.mode == "managed":
            for key in computed:
                if key not in values or values[key] is None:
                    after[key] = None
                    unknown[key] = True
        item = {"address": resource.address, "mode": resource.mode, "type": resource.type, "name": resource.name,
                "values": after}
        planned_module = _planned_module(planned["root_module"], resource.module_address)
        planned_module.setdefault("resources", []).append(item)
        changes.append({"address": resource.address, "module_address": resource.module_address or None,
                        "mode": resource.mode, "type": resource.type, "name": resource.name,
                        "change": {"actions": ["create"] if resource.mode == "managed" else ["read"],
                                   "before": None, "after": after, "after_unknown": unknown}})
        config = _config_address(resource.address)
        if config in seen:
            continue
        seen.add(config)
        node = _module_node(configuration["root_module"], resource.module_address)
        local = config.rsplit("module.", 1)[-1].split(".", 1)[-1] if resource.module_address else config
        node.setdefault("resources", []).append({
            "address": local, "mode": resource.mode, "type": resource.type, "name": resource.name,
            "expressions": {str(k): _expression(v) for k, v in values.items()}})
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "variables": {k: {"value": _after(v)} for k, v in inputs.items() if not isinstance(v, Unknown)},
            "planned_values": planned, "resource_changes": changes, "configuration": configuration}


def _planned_module(root: dict, module_address: str) -> dict:
    """The planned_values module node for ``module.a["k"].module.b`` (created on the way)."""
    node, address = root, ""
    for step in _MODULE_STEP.findall(module_address or ""):
        address = f"{address}.{step}" if address else step
        children = node.setdefault("child_modules", [])
        child = next((c for c in children if c["address"] == address), None)
        if child is None:
            child = {"address": address}
            children.append(child)
        node = child
    return node
