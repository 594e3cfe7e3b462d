"""Generate analyzer/data/provider_schemas/<provider>.json.gz from CDK for Terraform packages.

Development-time only (never run by a scan or a test). The prebuilt provider packages
`@cdktf/provider-aws|google|google-beta|azurerm` on the npm registry carry each provider's
schema in their `.jsii` manifest: one class per resource or data source (its docs link names
the Terraform type), one `...Config` interface listing its arguments and nested blocks (each
argument's docs link names its Terraform spelling), and the computed attributes as getters.

Usage (the versions used for the committed files are listed in their "versions" key):

    npm pack @cdktf/provider-aws@21.22.1          # AWS provider 6.x
    npm pack @cdktf/provider-aws@19.65.1          # AWS provider 5.x
    npm pack @cdktf/provider-aws@12.0.13          # AWS provider 4.x
    python scripts/gen_provider_schemas.py aws cdktf-provider-aws-21.22.1.tgz cdktf-provider-aws-19.65.1.tgz \
        cdktf-provider-aws-12.0.13.tgz
    # google: @cdktf/provider-google@16.12.1 (6.x), @13.32.1 (5.x), @8.0.11 (4.x),
    #         @cdktf/provider-google-beta@16.12.1
    # azurerm: @cdktf/provider-azurerm@14.23.1 (4.x), @12.27.0 (3.x), @0.2.234 (2.x, version unrecorded)

Several packages of one provider are merged (union of attribute names), so a rule may name
an attribute as any of the supported major versions spell it (azurerm v3 and v4, ...).
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
import tarfile

# "registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/x aws_x}" (current packages)
# or "www.terraform.io/docs/providers/aws/r/x aws_x}" (older ones, e.g. AWS provider 4.x).
_LINK = re.compile(r"(?:providers/hashicorp/[\w-]+/[\d.]+/docs/(resources|data-sources)|docs/providers/[\w-]+/(r|d))/"
                   r"[\w.]+ (\w+)\}")
_ARG_LINK = re.compile(r"#(\w+) \w+#")
OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "analyzer", "data",
                       "provider_schemas")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _arg_name(prop: dict) -> str:
    docs = prop.get("docs", {})
    for text in (docs.get("summary", ""), docs.get("remarks", "")):
        match = _ARG_LINK.search(text)
        if match:
            return match.group(1)
    return _snake(prop["name"])


def _element_fqn(types: dict, type_ref: dict) -> str | None:
    """The interface a property holds (directly, in a collection, or as one arm of a union
    such as ``IResolvable | Block[]``), else None for a plain value."""
    if "fqn" in type_ref:
        return type_ref["fqn"] if types.get(type_ref["fqn"], {}).get("kind") == "interface" else None
    collection = type_ref.get("collection")
    if collection:
        return _element_fqn(types, collection["elementtype"])
    for option in type_ref.get("union", {}).get("types", ()):
        found = _element_fqn(types, option)
        if found:
            return found
    return None


_META_ARGUMENTS = ("provider", "connection", "provisioners", "count", "for_each", "depends_on", "lifecycle")


def _tree(types: dict, fqn: str, depth: int = 0, top: bool = False) -> dict:
    """Argument name -> 0 (a value) or a dict (a nested block or object)."""
    tree: dict = {}
    interface = types.get(fqn)
    if interface is None or depth > 12:
        return tree
    for prop in interface.get("properties", ()):
        name = _arg_name(prop)
        if top and name in _META_ARGUMENTS:  # cdktf's own; a nested `lifecycle` block is real
            continue
        nested = _element_fqn(types, prop["type"])
        if nested:
            tree[name] = _tree(types, nested, depth + 1)
        else:
            tree[name] = 0
    return tree


def _merge(into: dict, other: dict) -> dict:
    for key, value in other.items():
        if isinstance(value, dict):
            existing = into.get(key)
            into[key] = _merge(existing if isinstance(existing, dict) else {}, value)
        else:
            into.setdefault(key, 0)
    return into


def schema_of(manifest: dict) -> tuple[dict, dict]:
    types = manifest["types"]
    resources: dict = {}
    data_sources: dict = {}
    for fqn, entry in types.items():
        if entry.get("kind") != "class":
            continue
        match = _LINK.search(entry.get("docs", {}).get("summary", ""))
        if not match:
            continue
        kind = "data-sources" if (match.group(1) or match.group(2)) in ("data-sources", "d") else "resources"
        type_name = match.group(3)
        if kind == "data-sources" and type_name.startswith("data_"):
            type_name = type_name[len("data_"):]
        tree = _tree(types, fqn + "Config", top=True)
        for prop in entry.get("properties", ()):  # computed attributes (getters)
            name = prop["name"]
            if prop.get("static") or name.endswith("Input") or name in ("terraformResourceType",):
                continue
            tree.setdefault(_snake(name), 0)
        target = data_sources if kind == "data-sources" else resources
        _merge(target.setdefault(type_name, {}), tree)
    return resources, data_sources


def main(argv) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    provider, packages = argv[1], argv[2:]
    merged = {"provider": provider, "versions": [], "resources": {}, "data_sources": {}}
    for package in packages:
        with tarfile.open(package) as archive:
            manifest = json.load(archive.extractfile("package/.jsii"))
            package_info = json.load(archive.extractfile("package/package.json"))
        # Early packages do not record the provider version they were built from.
        provider_info = (package_info.get("cdktf") or {}).get("provider") or {
            "name": f"registry.terraform.io/hashicorp/{provider}",
            "version": f"unrecorded (package {package_info.get('version')})"}
        resources, data_sources = schema_of(manifest)
        merged["versions"].append({"package": os.path.basename(package), "provider": provider_info["name"],
                                   "version": provider_info["version"]})
        _merge(merged["resources"], resources)
        _merge(merged["data_sources"], data_sources)
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, f"{provider}.json.gz")
    text = json.dumps(merged, sort_keys=True, separators=(",", ":")).encode()
    with gzip.GzipFile(path, "wb", mtime=0) as handle:
        handle.write(text)
    print(f"{path}: {len(merged['resources'])} resources, {len(merged['data_sources'])} data sources, "
          f"{os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
