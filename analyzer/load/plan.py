"""``terraform show -json`` plans (Terraform and OpenTofu) -> plan resources, changes, references.

Supports plan format_version 0.1, 0.2 and 1.x, ignores unknown keys, and rejects an unknown
major version, as the format's compatibility promise asks. Values marked ``after_unknown``
become Unknown; deleted resources are recorded as changes but not checked.

Provider defaults in plans: an attribute (or nested block) that the resource's
``configuration`` expressions do not set takes the provider default, whether the plan shows
it as null or as ``after_unknown`` (an Optional+Computed attribute is filled by the provider
with its documented default), so it is "not set" for the rules. Only what the configuration
sets to a value unknown at plan time stays Unknown. A plan without configuration for a
resource keeps its after_unknown values Unknown, marked ``maybe_unset`` (``exists`` cannot
count them as set).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from analyzer import expr as E
from analyzer import resolve
from analyzer.addresses import config_address
from analyzer.resolve import origin
from analyzer.values import Unknown
from analyzer.model import Problem

SUPPORTED_MAJOR = {0, 1}
_UNKNOWN = Unknown("known after apply (plan)")
_UNKNOWN_UNCONFIGURED = Unknown("known after apply (plan without configuration: may be unset)", maybe_unset=True)


@dataclass(frozen=True)
class PlanResource:
    address: str
    module_address: str
    mode: str
    type: str
    name: str
    values: dict
    action: str  # create | update | replace | no-op | read
    # the plan's values before provider defaults were applied (after + after_unknown), for
    # plan_scan: a dynamic block is absent from the plan's configuration but set in the .tf
    raw_values: dict | None = None
    configured: frozenset | None = None  # top-level keys the plan's configuration sets (None: no configuration)


@dataclass(frozen=True)
class PlanChange:
    address: str
    actions: tuple
    action: str


@dataclass(frozen=True)
class ConfigReference:
    """``source`` (a config address: module path without keys + type.name) refers to ``target``
    (a config address too) through attribute ``attribute``."""

    source: str
    attribute: str
    target: str


@dataclass(frozen=True)
class Plan:
    path: str
    sha256: str
    format_version: str
    terraform_version: str
    resources: tuple
    changes: tuple
    references: tuple
    variables: dict
    address_lines: dict  # address -> line in the plan file, for locations without sources
    providers: tuple = ()  # PlanProvider: provider configurations (judged as provider.<name>)


@dataclass(frozen=True)
class PlanProvider:
    """A ``configuration.provider_config`` entry: address ``provider.aws[.alias]`` (module
    prefixed), values from constant expressions and root variables, and their provenance."""

    address: str
    name: str
    alias: str
    module_address: str
    values: dict
    provenance: dict


def is_plan_document(data) -> bool:
    return isinstance(data, dict) and "format_version" in data and (
        "planned_values" in data or "resource_changes" in data or "configuration" in data)


def looks_like_plan(path: str) -> bool:
    """Cheap check for auto-detection: a .json file whose top level has plan keys."""
    if not path.endswith(".json") or path.endswith(".tf.json"):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", "replace")
    except OSError:
        return False
    return '"format_version"' in head and ('"planned_values"' in head or '"resource_changes"' in head)


def action_name(actions) -> str:
    actions = list(actions)
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if len(actions) == 1:
        return actions[0]
    return "+".join(actions)


def load_plan(path: str) -> tuple[Plan | None, list]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        return None, [Problem(path, 1, f"cannot read plan: {err.strerror}", "plan-error")]
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except RecursionError:
        return None, [Problem(path, 1, "plan JSON is nested too deeply to read", "plan-error")]
    except UnicodeDecodeError:
        return None, [Problem(path, 1, "plan is not UTF-8 text (give `terraform show -json` output, not the binary plan)",
                              "plan-error")]
    except json.JSONDecodeError as err:
        return None, [Problem(path, err.lineno, f"plan is not valid JSON: {err.msg} (column {err.colno})", "plan-error")]
    if not isinstance(data, dict):
        return None, [Problem(path, 1, "plan JSON must be an object (terraform show -json output)", "plan-error")]
    version = str(data.get("format_version", ""))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        return None, [Problem(path, 1, f"plan has no valid format_version ({version!r})", "plan-error")]
    if major not in SUPPORTED_MAJOR:
        return None, [Problem(path, 1, f"unsupported plan format_version {version}: tfattest reads 0.x and 1.x",
                              "plan-error")]
    if not is_plan_document(data):
        return None, [Problem(path, 1, "JSON has no planned_values/resource_changes: not a plan", "plan-error")]
    try:
        plan = _build(path, digest, version, data, text)
    except (TypeError, AttributeError, KeyError, ValueError) as err:
        return None, [Problem(path, 1, f"malformed plan: {type(err).__name__}: {err}", "plan-error")]
    return plan, []


def _build(path, digest, version, data, text) -> Plan:
    changes_by_address = {}
    for change in _objects(data.get("resource_changes"), "resource_changes"):
        if change.get("deposed"):
            continue
        _require_strings(change, ("address", "type", "name"), "a resource_changes entry")
        actions = (change.get("change") or {}).get("actions") or ("no-op",)
        if not isinstance(actions, (list, tuple)) or not all(isinstance(a, str) for a in actions):
            raise ValueError(f"{change['address']}: change.actions must be a list of strings")
        changes_by_address[change["address"]] = (change, tuple(actions))
    configured = _configuration_expressions((data.get("configuration") or {}).get("root_module") or {}, [])
    resources = []
    seen = set()
    for module in _modules((data.get("planned_values") or {}).get("root_module") or {}):
        for item in _objects(module.get("resources"), "planned_values resources"):
            _require_strings(item, ("address", "type", "name"), "a planned_values resource")
            if not isinstance(item.get("values") or {}, dict):
                raise ValueError(f"{item['address']}: values must be an object")
            address = item["address"]
            seen.add(address)
            change, actions = changes_by_address.get(address, (None, ("no-op",)))
            values = item.get("values") or {}
            if change is not None:
                after = (change.get("change") or {}).get("after")
                if isinstance(after, dict):
                    values = after
                values = _resource_values(address, values, (change.get("change") or {}).get("after_unknown"))
            mode = item.get("mode", "managed")
            resources.append(PlanResource(address, module.get("address", ""), mode, item["type"], item["name"],
                                          _with_defaults(values, mode, configured.get(config_address(address)),
                                                         _module_prefix(address)),
                                          action_name(actions), values, _keys(configured, address)))
    # Resources being created but absent from planned_values (older formats) still count.
    for address, (change, actions) in changes_by_address.items():
        if address in seen or "delete" in actions and "create" not in actions:
            continue
        if change.get("mode") == "data" and "read" not in actions:
            continue
        after = (change.get("change") or {}).get("after") or {}
        values = _resource_values(address, after if isinstance(after, dict) else {},
                                  (change.get("change") or {}).get("after_unknown"))
        mode = change.get("mode", "managed")
        resources.append(PlanResource(address, change.get("module_address", ""), mode, change["type"], change["name"],
                                      _with_defaults(values, mode, configured.get(config_address(address)),
                                                     _module_prefix(address)),
                                      action_name(actions), values, _keys(configured, address)))
    changes = tuple(PlanChange(address, actions, action_name(actions))
                    for address, (_, actions) in sorted(changes_by_address.items()))
    references = tuple(_config_references((data.get("configuration") or {}).get("root_module") or {}, [], {}))
    variables = {name: item.get("value") for name, item in (data.get("variables") or {}).items()
                 if isinstance(item, dict) and "value" in item}
    providers = tuple(_providers(data.get("configuration") or {}, variables))
    return Plan(path, digest, version, str(data.get("terraform_version", "")), tuple(resources), changes,
                references, variables, _address_lines(text), providers)


def _providers(configuration: dict, variables: dict):
    """Provider configurations as written: a constant is a literal in the code; a root variable
    is in the code when the plan's value is its declared default, else supplied from outside."""
    declared = (configuration.get("root_module") or {}).get("variables") or {}
    for key, config in (configuration.get("provider_config") or {}).items():
        if not isinstance(config, dict) or "name" not in config:
            continue
        module_address = key.split(":", 1)[0] if ":" in key else ""
        name, alias = config["name"], config.get("alias") or ""
        local = f"provider.{name}" + (f".{alias}" if alias else "")
        values, provenance = {}, {}
        for attr, expression in (config.get("expressions") or {}).items():
            if not isinstance(expression, dict):
                continue
            if "constant_value" in expression:
                values[attr] = expression["constant_value"]
                provenance[attr] = ("code", "a literal in the code")
                continue
            references = [r for r in expression.get("references") or [] if isinstance(r, str)]
            root_vars = [r.split(".")[1] for r in references if r.startswith("var.") and not module_address]
            if len(references) == 1 and root_vars and root_vars[0] in variables:
                variable = root_vars[0]
                values[attr] = variables[variable]
                default = (declared.get(variable) or {}).get("default")
                provenance[attr] = ("code", f"the default of var.{variable} is a literal in the code") \
                    if default is not None and default == variables[variable] else \
                    ("outside", f"var.{variable} is supplied at plan time")
            else:
                values[attr] = Unknown(f"{attr} of {local} is not shown in the plan")
                provenance[attr] = ("unknown", "not shown in the plan")
        yield PlanProvider(f"{module_address}.{local}" if module_address else local, name, alias, module_address,
                           values, provenance)


_ADDRESS_KEY = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _address_lines(text: str) -> dict:
    """First line of each ``"address": "..."`` in the plan text (JSON escapes decoded)."""
    lines: dict = {}
    for match in _ADDRESS_KEY.finditer(text):
        try:
            address = json.loads(f'"{match.group(1)}"')
        except json.JSONDecodeError:
            continue
        lines.setdefault(address, text.count("\n", 0, match.start()) + 1)
    return lines


def _modules(module):
    if not isinstance(module, dict):
        raise ValueError("a planned_values module must be an object")
    yield module
    for child in _objects(module.get("child_modules"), "child_modules"):
        yield from _modules(child)


def _objects(items, what: str) -> list:
    """A plan list whose entries must be objects (None: empty); anything else is malformed."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{what} must be a list of objects")
    return items


def _require_strings(item: dict, keys, what: str) -> None:
    for key in keys:
        if not isinstance(item.get(key), str):
            raise ValueError(f"{what} needs a string {key!r}")


def _resource_values(address, values, unknown) -> dict:
    """A resource's values with ``after_unknown`` applied; Terraform always gives an object for
    both, so anything else is a malformed plan (plan-error), never a crash in a rule."""
    values = _with_unknowns(values, unknown)
    if not isinstance(values, dict):
        raise ValueError(f"{address}: after_unknown must be an object")
    return values


def _with_unknowns(values, unknown):
    """Overlay ``after_unknown`` (same shape, ``true`` where unknown) onto ``after`` values."""
    if unknown is True:
        return _UNKNOWN
    if isinstance(unknown, dict):
        result = dict(values) if isinstance(values, dict) else {}
        for key, marker in unknown.items():
            result[key] = _with_unknowns(result.get(key), marker)
        return result
    if isinstance(unknown, list):
        base = list(values) if isinstance(values, list) else []
        while len(base) < len(unknown):
            base.append(None)
        return [_with_unknowns(v, m) for v, m in zip(base, unknown)] + base[len(unknown):]
    return values


# --- provider defaults: what the configuration does not set -----------------------------

def _configuration_expressions(module, path) -> dict:
    """Config address (``module.a.aws_x.y``) -> the ``expressions`` of each resource, through
    module calls."""
    found = {}
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and "address" in resource:
            found[_prefix(path) + resource["address"]] = resource.get("expressions") or {}
    for name, call in (module.get("module_calls") or {}).items():
        found.update(_configuration_expressions((call or {}).get("module") or {}, path + [name]))
    return found


def _module_prefix(address: str) -> str:
    """``module.a.module.b.`` of a config or instance address (keys dropped)."""
    parts = config_address(address).split(".")
    prefix = []
    while len(parts) >= 2 and parts[0] == "module":
        prefix += parts[:2]
        parts = parts[2:]
    return ".".join(prefix) + "." if prefix else ""


def _keys(configured: dict, address: str):
    expressions = configured.get(config_address(address))
    return None if expressions is None else frozenset(expressions)


def _is_leaf(expression) -> bool:
    """An attribute's expression (constant and/or references; ``{}`` for one with neither, such
    as a function call of constants), as opposed to a nested block's expressions."""
    return isinstance(expression, dict) and (not expression or "constant_value" in expression
                                             or "references" in expression)


def _with_defaults(values, mode: str, expressions, prefix: str = ""):
    """Apply provider defaults to what the configuration does not set (module docstring).
    Data sources keep their values: their computed attributes are their result."""
    if not isinstance(values, dict):
        return values
    if expressions is None:
        return _mark_unconfigured(values) if mode == "managed" else values
    if mode != "managed":
        return values
    return _apply_configuration(values, expressions, prefix)


def _apply_configuration(values: dict, expressions: dict, prefix: str = "") -> dict:
    return {key: _configured(value, expressions[key], prefix) if key in expressions else _unset(value)
            for key, value in values.items()}


def _configured(value, expression, prefix: str = ""):
    if isinstance(expression, dict) and "constant_value" in expression and expression["constant_value"] is None:
        return _unset(value)  # `= null` is not setting it: the provider default applies
    if _is_leaf(expression) and value is _UNKNOWN:
        return _computed(expression, prefix)
    if _is_leaf(expression) or isinstance(value, Unknown):
        return value  # set in the configuration: an unknown here is really unknown
    if isinstance(expression, list):  # nested blocks: the union of what any block sets
        merged: dict = {}
        for block in expression:
            for key, inner in (block.items() if isinstance(block, dict) else ()):
                merged.setdefault(key, inner)
        expression = merged
    if not isinstance(expression, dict):
        return value
    if isinstance(value, dict):
        return _apply_configuration(value, expression, prefix)
    if isinstance(value, list):
        return [_apply_configuration(v, expression, prefix) if isinstance(v, dict) else v for v in value]
    return value


def _computed(expression: dict, prefix: str):
    """An unknown set to exactly one resource attribute (``kms_key_id = aws_kms_key.k.arn``) stands
    for that computed attribute (``Unknown.origin``: an id or ARN, never a literal like "*")."""
    references = [r for r in expression.get("references") or [] if isinstance(r, str)]
    attributes = [r for r in references if _is_resource_attribute(r)]
    if expression.get("constant_value") is None and attributes and len(
            {config_address(r).rsplit(".", 1)[0] for r in attributes}) == 1 \
            and all(_is_resource_attribute(r) or any(a.startswith(r) for a in attributes) for r in references):
        return Unknown(_UNKNOWN.reason, origin=prefix + config_address(attributes[0]))
    return _UNKNOWN


def _is_resource_attribute(reference: str) -> bool:
    parts = config_address(reference).split(".")
    if parts[0] in ("var", "local", "each", "count", "self", "path", "terraform", "module"):
        return False
    return len(parts) >= (4 if parts[0] == "data" else 3)


def _unset(value):
    """Not set in the configuration: an unknown is the provider's default (the rule's
    ``default:``), so it becomes null; known planned values stay."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {key: _unset(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_unset(v) for v in value]
    return value


def _mark_unconfigured(value):
    if isinstance(value, Unknown):
        return _UNKNOWN_UNCONFIGURED
    if isinstance(value, dict):
        return {key: _mark_unconfigured(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_mark_unconfigured(v) for v in value]
    return value


# --- configuration references -> config-level edges --------------------------------------

def _prefix(path: list) -> str:
    return "".join(f"module.{name}." for name in path)


def _reference_strings(expressions, attribute=None):
    """(attribute, reference) pairs from a configuration ``expressions`` object."""
    if isinstance(expressions, list):
        for item in expressions:
            yield from _reference_strings(item, attribute)
        return
    if not isinstance(expressions, dict):
        return
    if "references" in expressions and isinstance(expressions["references"], list):
        for reference in expressions["references"]:
            if isinstance(reference, str):
                yield attribute, reference
        return
    if "constant_value" in expressions:
        return
    for key, value in expressions.items():
        yield from _reference_strings(value, attribute or key)


def _config_references(module, path, parents):
    """Follow references to resources, through module outputs and module input variables."""
    calls = module.get("module_calls") or {}
    for resource in module.get("resources") or []:
        source = _prefix(path) + resource["address"]
        for attribute, reference in _reference_strings(resource.get("expressions") or {}):
            for target in _resolve(reference, module, path, parents, set()):
                yield ConfigReference(source, attribute, target)
        for_each = resource.get("for_each_expression") or {}
        for _, reference in _reference_strings(for_each):
            for target in _resolve(reference, module, path, parents, set()):
                yield ConfigReference(source, "for_each", target)
    for name, call in calls.items():
        child = call.get("module") or {}
        yield from _config_references(child, path + [name], {**parents, tuple(path + [name]): (module, call)})


def _resolve(reference, module, path, parents, seen):
    """Resource addresses a configuration reference reaches, following the step resolve.origin
    gives (the lookup HCL edges and provenance use): module arguments into the caller, module
    outputs into the child; locals are not in a plan's configuration."""
    key = (tuple(path), reference)
    if key in seen:
        return set()
    seen.add(key)
    parts = config_address(reference).split(".")
    if len(parts) < 2:
        return set()
    caller = parents.get(tuple(path))
    view = _ConfigModule(module, caller[1] if caller else None, _ConfigModule(caller[0]) if caller else None)
    found = origin(view, E.Traversal(parts[0], tuple(E.GetAttr(p) for p in parts[1:])))
    targets: set = set()
    if found.kind == resolve.ARGUMENT:
        for _, inner in _reference_strings(found.expression):
            targets |= _resolve(inner, caller[0], path[:-1], parents, seen)
    elif found.kind == resolve.MODULE:
        call = (module.get("module_calls") or {}).get(found.key[0])
        if call is None or not found.rest:
            return set()
        child = call.get("module") or {}
        output = (child.get("outputs") or {}).get(found.rest[0].name) or {}
        for _, inner in _reference_strings(output.get("expression") or {}):
            targets |= _resolve(inner, child, path + [found.key[0]], parents, seen)
    elif found.kind == resolve.RESOURCE:
        mode, type_name, name = found.key
        targets.add(_prefix(path) + (f"data.{type_name}.{name}" if mode == "data" else f"{type_name}.{name}"))
    return targets


class _Argument:
    __slots__ = ("expr",)

    def __init__(self, expr):
        self.expr = expr


class _ConfigModule:
    """A module of the plan's ``configuration`` as resolve.origin sees a module: its call's
    arguments (JSON expressions), its resources; no locals, and variables only as the
    undeclared-or-default case (which reaches no resource)."""

    def __init__(self, module: dict, call: dict | None = None, caller: "_ConfigModule | None" = None):
        self.call_block = None if call is None else _Call(call)
        self.call_scope = None if caller is None else _CallScope(caller)
        self.variables: dict = {}
        self.locals: dict = {}
        self.resources = {(r.get("mode", "managed"), r.get("type"), r.get("name")): r
                          for r in module.get("resources") or [] if isinstance(r, dict)}


class _Call:
    def __init__(self, call: dict):
        self.attributes = {name: _Argument(expr) for name, expr in (call.get("expressions") or {}).items()}


class _CallScope:
    def __init__(self, module):
        self.module = module