"""A small, versioned knowledge base of popular Terraform registry modules (terraform-aws-modules).

A module call whose source is not on disk (no ``terraform init``) is invisible to the scan,
although ``module "s3" { source = "terraform-aws-modules/s3-bucket/aws"; acl = "public-read" }``
says plenty. For the modules listed here, a *model* of the module stands in for its source:
``<name>/kb.yaml`` (the registry source, the major versions the model follows, where the
behaviour was read) and ``<name>/main.tf``, written for tfattest: the module's inputs with their
defaults, and the resources and attributes each input drives, as Terraform code the evaluator
runs like any module. What the model does not know is set to ``var.tfattest_not_modeled`` (a
variable without value: Unknown), so rules give unknown rather than a guess; attributes the real
module leaves unset are left unset (the provider default applies, as for any resource).

Rules then see ``module.x.aws_s3_bucket.this`` etc. Findings point at the module call: at the
argument that drives the failing attribute when there is one, else at the call block. When
``.terraform/modules`` holds the real source it wins (load/files.py manifest first). A call
pinned to a major version the model does not follow is left missing, as before.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import yaml

from analyzer import expr as E

KB_DIR = os.path.dirname(os.path.abspath(__file__))
_REGISTRY_HOST = re.compile(r"^(registry\.terraform\.io/|registry\.opentofu\.org/)", re.IGNORECASE)
_VERSION = re.compile(r"(\d+)(?:\.\d+)*")


@dataclass(frozen=True)
class KnownModule:
    name: str  # directory under registry_modules/
    source: str  # terraform-aws-modules/s3-bucket/aws (lower case)
    majors: tuple  # major versions the model follows
    directory: str


@lru_cache(maxsize=1)
def known_modules() -> dict:
    """{normalized source: KnownModule} from every ``*/kb.yaml``."""
    found = {}
    for name in sorted(os.listdir(KB_DIR)):
        path = os.path.join(KB_DIR, name, "kb.yaml")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        for source in data.get("sources") or [data["source"]]:
            found[source.lower()] = KnownModule(name, source.lower(), tuple(data["major_versions"]),
                                                os.path.join(KB_DIR, name))
    return found


def normalize_source(source: str) -> str:
    return _REGISTRY_HOST.sub("", source.strip()).lower().rstrip("/")


def version_supported(constraint, majors: tuple) -> bool:
    """No constraint, or only lower bounds (">= 4.0": the newest release is taken), or a
    constraint whose first version has a major the model follows ("~> 5.1", "5.8.1")."""
    if constraint is None:
        return True
    if not isinstance(constraint, str):
        return False
    parts = [p.strip() for p in constraint.split(",") if p.strip()]
    if parts and all(p.startswith((">=", ">")) for p in parts):
        return True
    match = _VERSION.search(constraint)
    return bool(match) and int(match.group(1)) in majors


def lookup(source, version) -> KnownModule | None:
    """The model for a module call's literal ``source`` and ``version``, or None."""
    if not isinstance(source, str):
        return None
    known = known_modules().get(normalize_source(source))
    if known is None or not version_supported(version, known.majors):
        return None
    return known


def is_model_directory(directory: str) -> bool:
    """Inside the knowledge base (a model, or a submodule a model calls)."""
    path = os.path.normpath(os.path.abspath(directory))
    return path.startswith(os.path.normpath(KB_DIR) + os.sep)


def relocate(resource, child):
    """A resource of a modelled module, located at the module call: each attribute at the call
    argument its expression reads (``acl = var.acl`` -> the call's ``acl``, through locals) or,
    in a submodule of the model, the argument of the same name; else the call."""
    call = child.call_block
    if call is None:
        return resource
    block = child.resources.get((resource.mode, resource.type, resource.name))
    locations = {}
    anchor = _collection_argument(block, call) or call.location
    if block is not None:
        for name, attribute in block.attributes.items():
            found = _argument_location(attribute.expr, call, child, None)
            locations[name] = found if found is not None else anchor
        for nested in block.blocks:
            label = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
            body = next((b for b in nested.blocks if b.type == "content"), nested) if nested.type == "dynamic" else nested
            inner = {name: a.expr for name, a in body.attributes.items()}
            found = {name: _argument_location(e, call, child, None) for name, e in inner.items()}
            if nested.type == "dynamic" and "for_each" in nested.attributes:
                found.setdefault("", _argument_location(nested.attributes["for_each"].expr, call, child, None))
            for name, location in found.items():
                if name and location is not None:
                    locations.setdefault(f"{label}.{name}", location)
            others = [_argument_location(a.expr, call, child, None) for a in _all_attributes(nested)]
            first = next((f for f in list(found.values()) + others if f is not None), anchor)
            locations.setdefault(label, first)
    # a resource of a submodule the model calls: the modules keep input names across layers
    for name in resource.values:
        if name in call.attributes and locations.get(name, call.location) == call.location:
            locations[name] = call.attributes[name].location
    return replace(resource, location=anchor,
                   attribute_locations={k: v for k, v in locations.items() if v is not None})


_SWITCHES = ("create", "manage", "enable", "use_")


def _collection_argument(block, call):
    """The call argument a resource's count/for_each iterates over (``listeners``,
    ``ingress_rules``), not an on/off switch (``create``...): where its instances are written."""
    if block is None:
        return None
    for meta in ("for_each", "count"):
        attribute = block.attributes.get(meta)
        if attribute is None:
            continue
        for traversal in E.traversals(attribute.expr):
            if traversal.root != "var" or not traversal.steps or not isinstance(traversal.steps[0], E.GetAttr):
                continue
            name = traversal.steps[0].name
            if name in call.attributes and not name.startswith(_SWITCHES):
                return call.attributes[name].location
    return None


def _all_attributes(block):
    yield from block.attributes.values()
    for nested in block.blocks:
        yield from _all_attributes(nested)


def _argument_location(expression, call, child, fallback="call", depth=0):
    """Where the call sets an input this expression reads (``var.x``, or through ``local.y``)."""
    for traversal in E.traversals(expression):
        if not traversal.steps or not isinstance(traversal.steps[0], E.GetAttr):
            continue
        name = traversal.steps[0].name
        if traversal.root == "var" and name in call.attributes:
            return call.attributes[name].location
        if traversal.root == "local" and name in child.locals and depth < 5:
            found = _argument_location(child.locals[name].expr, call, child, None, depth + 1)
            if found is not None:
                return found
    return call.location if fallback == "call" else None
