"""Provider configurations as resources rules can judge: ``provider "aws" {...}`` becomes a
Resource of the pseudo type ``provider.aws`` (mode ``provider``), address ``provider.aws`` (or
``provider.aws.<alias>``, prefixed by the module address in a child module), with its evaluated
arguments, their locations and their provenance (so ``secret_hardcoded`` can tell a literal
``secret_key`` from one supplied at plan time). Rules name them as ``resource_types: [provider.aws]``.
"""
from __future__ import annotations

from analyzer.evaluate.module import ModuleInstance, Scope
from analyzer.evaluate.values import Unknown
from analyzer.model import Resource

PROVIDER_MODE = "provider"


def provider_resources(module: ModuleInstance, scope_name: str) -> list:
    """Every provider block of ``module`` and its child modules, as Resources."""
    found, seen = [], set()
    for parsed in module.files:
        for block in parsed.blocks:
            if block.type != "provider" or not block.labels:
                continue
            name = block.labels[0]
            values = module.block_values(block, Scope(module))
            alias = values.get("alias")
            local = f"provider.{name}" + (f".{alias}" if isinstance(alias, str) and alias else "")
            address = f"{module.address}.{local}" if module.address else local
            if address in seen:  # two unaliased blocks for one provider: Terraform rejects it
                continue
            seen.add(address)
            locations = {attr: a.location for attr, a in block.attributes.items()}
            locations.update({b.type: b.location for b in block.blocks})
            provenance = {attr: module.provenance(block.attributes[attr].expr, block=block)
                          for attr, value in values.items()
                          if attr in block.attributes and isinstance(value, (str, Unknown))}
            found.append(Resource(address=address, type=f"provider.{name}", name=alias or "default",
                                  mode=PROVIDER_MODE, module_address=module.address, values=values,
                                  location=block.location, attribute_locations=locations, scope=scope_name,
                                  provenance=provenance))
    for _, _, child, _ in module.child_modules():
        if child is not None:
            found.extend(provider_resources(child, scope_name))
    return found
