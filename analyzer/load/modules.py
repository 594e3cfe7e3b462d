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
    source: str | None = None  # the call's source argument as written

    @property
    def warning_key(self) -> tuple:
        """A source that is not on disk is warned about once per scan, whichever call names it;
        a modelled registry module once per call (the note says which model judged it)."""
        return ("module", self.source) if self.directory is None else ("module", self.directory, self.manifest_key)


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
        "module-missing"), str(source))


@dataclass(frozen=True)
class ModuleCall:
    """One ``module "name" {}`` block: where its source is and, when it is followed, its tree.

    ``child`` is None when the source is not available, when following it would be a cycle
    (the source contains this call) or when it is nested deeper than limits.MAX_MODULE_DEPTH;
    ``problem`` then says why (cycle, depth), for evaluation to report when the call has
    instances. A missing source's warning is ``source.problem``."""

    name: str
    block: object
    source: ModuleSource
    child: "ModuleNode | None" = None
    problem: Problem | None = None


@dataclass(frozen=True)
class ModuleNode:
    """A module directory as loaded: its parsed files and its module calls (first declaration
    of a name wins, as evaluate/validate.py reports the duplicates)."""

    directory: str
    manifest_key: str
    files: tuple
    calls: dict  # name -> ModuleCall, in declaration order


def build_module_tree(cache, directory: str, manifest: dict, manifest_key: str = "", lineage: tuple = (),
                      depth: int = 0) -> ModuleNode:
    """The module tree under ``directory`` before any evaluation: every call's source, parsed
    files and problems, followed recursively (``lineage``: module directories up to the root)."""
    from analyzer.limits import MAX_MODULE_DEPTH

    files = tuple(cache.directory(directory))
    lineage = lineage + (os.path.normpath(directory),)
    blocks: dict = {}
    for parsed in files:
        for block in parsed.blocks:
            if block.type == "module" and block.labels:
                blocks.setdefault(block.labels[0], block)
    calls = {}
    for name, block in blocks.items():
        source = module_source(directory, manifest_key, name, block, manifest)
        where = (block.location.path, block.location.start_line)
        child, problem = None, None
        if source.directory and os.path.normpath(source.directory) in lineage:
            problem = Problem(*where, f"module.{name} calls a module that contains this call (source "
                              f"{source.directory!r}): Terraform rejects this cycle; the call is not followed",
                              "parse-error")
        elif source.directory and depth >= MAX_MODULE_DEPTH:
            problem = Problem(*where, f"module.{name} is nested more than {MAX_MODULE_DEPTH} module calls deep "
                              "(TFATTEST_MAX_MODULE_DEPTH); it is not evaluated and its outputs are Unknown",
                              "limit-exceeded")
        elif source.directory:
            child = build_module_tree(cache, source.directory, manifest, source.manifest_key, lineage, depth + 1)
        calls[name] = ModuleCall(name, block, source, child, problem)
    return ModuleNode(directory, manifest_key, files, calls)
