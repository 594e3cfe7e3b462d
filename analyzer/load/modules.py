"""Where a module call's source is on disk, decided before evaluation (problems as values).

A local path (``./``, ``../``) is joined to the calling module's directory; anything else is
looked up in ``.terraform/modules/modules.json`` (``terraform init``), then in tfattest's
offline models of registry modules (providers/aws/registry_modules). A source found nowhere
has no directory: the call's resources are not analyzed and its outputs are Unknown.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from analyzer import expr as E
from analyzer.model import Problem
from analyzer.providers.aws import registry_modules


@dataclass(frozen=True)
class ModuleSource:
    directory: str | None  # None: not available locally
    manifest_key: str  # "a.b": the call's key in modules.json
    problem: Problem | None = None  # module-missing (a warning), also for a modelled registry module


def _literal(block, name):
    attribute = block.attributes.get(name)
    return attribute.expr.value if attribute and isinstance(attribute.expr, E.Literal) else None


def module_source(caller_directory: str, caller_manifest_key: str, name: str, block, manifest: dict) -> ModuleSource:
    """The source of ``module "name"`` (``block``) called from ``caller_directory``."""
    source = _literal(block, "source")
    key = f"{caller_manifest_key}.{name}" if caller_manifest_key else name
    if isinstance(source, str) and source.startswith(("./", "../")):
        return ModuleSource(os.path.normpath(os.path.join(caller_directory, source)), key)
    if key in manifest and os.path.isdir(manifest[key]):
        return ModuleSource(manifest[key], key)
    model = registry_modules.lookup(source, _literal(block, "version"))
    where = (block.location.path, block.location.start_line)
    if model is not None:  # a registry module tfattest has a model of
        return ModuleSource(model.directory, key, Problem(
            *where, f"module.{name}: source {source!r} is not available locally; judged from tfattest's model of "
            f"{model.source} (major version {'/'.join(map(str, model.majors))}): what the model does not "
            "cover is unknown", "module-missing"))
    return ModuleSource(None, key, Problem(
        *where, f"module.{name}: source {source!r} is not available locally (run `terraform init` to "
        "populate .terraform/modules); its resources are not analyzed and its outputs are unknown",
        "module-missing"))
