"""Which resource instances an expression refers to, read from the expression tree.

References are followed through locals, module inputs (var.* back to the caller's argument)
and module outputs (module.x.y into the child's output expression), so that
``bucket = module.storage.bucket_id`` links to ``module.storage.aws_s3_bucket.this``.
"""
from __future__ import annotations

from analyzer import expr as E
from analyzer.evaluate.expressions import EvalError, evaluate_strict
from analyzer.limits import LimitExceeded
from analyzer.addresses import instance_key_suffix, split_instance
from analyzer.contain import internal_problem
from analyzer import resolve
from analyzer.evaluate.module import META_ARGUMENTS, META_BLOCKS, Scope
from analyzer.resolve import origin
from analyzer.values import Unknown

MAX_FOLLOW = 2000


def instance_edges(module, resource_key, instance_names) -> list[tuple[str, str]]:
    """[(attribute name, target address)] for one resource instance's attributes and blocks."""
    block = module.resources[resource_key]
    scope = Scope(module, instance_names)
    edges: list[tuple[str, str]] = []
    each_targets = _each_value_targets(block, scope)
    for name, attribute in block.attributes.items():
        if name in META_ARGUMENTS:
            continue
        for target in expression_targets(attribute.expr, scope, set(), each_targets):
            edges.append((name, target))
    for nested, prefix in _nested_blocks(block):
        for name, attribute in nested.attributes.items():
            for target in expression_targets(attribute.expr, scope, set(), each_targets):
                edges.append((prefix or name, target))
    return edges


def _each_value_targets(block, scope) -> set:
    """``for_each = aws_s3_bucket.b`` makes ``each.value`` the instance aws_s3_bucket.b[each.key]."""
    if "for_each" not in block.attributes or "each" not in scope.names:
        return set()
    key = scope.names["each"].get("key")
    targets = expression_targets(block.attributes["for_each"].expr, Scope(scope.module), set())
    if isinstance(key, str):
        suffix = instance_key_suffix(key)
        specific = {t for t in targets if t.endswith(suffix)}
        return specific or targets
    return targets


def _nested_blocks(block, prefix=None):
    for nested in block.blocks:
        if prefix is None and nested.type in META_BLOCKS:
            continue
        name = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
        yield nested, prefix or name
        yield from _nested_blocks(nested, prefix or name)


def expression_targets(expression, scope, seen, each_targets=frozenset()) -> set:
    targets: set = set()
    for traversal in E.traversals(expression):
        if traversal.root == "each" and each_targets and traversal.steps \
                and isinstance(traversal.steps[0], E.GetAttr) and traversal.steps[0].name == "value":
            targets |= each_targets
        else:
            targets |= traversal_targets(traversal, scope, seen)
    return targets


def traversal_targets(traversal, scope, seen) -> set:
    """The resource instances one reference depends on, following the step resolve.origin
    gives: module arguments (in the caller's scope), locals and module outputs. A variable's
    default is not followed (Terraform allows no references in it); an undeclared name is a
    validate error (evaluate/validate.py) and has no targets."""
    module = scope.module
    key = (id(module), traversal, tuple(sorted(scope.names)) if scope.names else ())
    if key in seen or len(seen) > MAX_FOLLOW:
        return set()
    seen.add(key)
    if not traversal.steps or not isinstance(traversal.steps[0], E.GetAttr):
        return set()
    found = origin(module, traversal, scope.names)
    if found.kind == resolve.ARGUMENT:
        return expression_targets(found.expression, found.call_scope, seen)
    if found.kind == resolve.LOCAL:
        return expression_targets(found.expression, Scope(module), seen)
    if found.kind == resolve.MODULE:
        return _module_targets(module, found.key[0], found.rest, scope, seen)
    if found.kind == resolve.RESOURCE:
        return _resource_targets(module, found.key, found.rest, scope)
    return set()


def _resource_targets(module, key, rest, scope) -> set:
    base = module.address_of(*key)
    block = module.resources[key]
    if "count" not in block.attributes and "for_each" not in block.attributes:
        return {base}
    expansions = module.expansions(block)
    all_addresses = {base + instance_key_suffix(k) for k, _, _ in expansions}
    if rest and isinstance(rest[0], E.Index):
        try:
            index = evaluate_strict(rest[0].key, scope)
        except (EvalError, LimitExceeded, RecursionError):
            return all_addresses
        if not isinstance(index, Unknown):
            specific = base + instance_key_suffix(index)
            if specific in all_addresses:
                return {specific}
    return all_addresses


def _module_targets(module, name, rest, scope, seen) -> set:
    children = [(k, c) for n, k, c, _ in module.child_modules() if n == name and c is not None]
    if rest and isinstance(rest[0], E.Index):
        try:
            index = evaluate_strict(rest[0].key, scope)
            if not isinstance(index, Unknown):
                children = [(k, c) for k, c in children if k == index or str(k) == str(index)]
        except (EvalError, LimitExceeded, RecursionError):
            pass
        rest = rest[1:]
    elif rest and isinstance(rest[0], E.Splat):
        rest = rest[1:]
    output_names = None
    if rest and isinstance(rest[0], E.GetAttr):
        output_names = [rest[0].name]
    targets: set = set()
    for _, child in children:
        for output in output_names or list(child.outputs):
            block = child.outputs.get(output)
            if block is not None and "value" in block.attributes:
                targets |= expression_targets(block.attributes["value"].expr, Scope(child), seen)
    return targets


def all_instance_edges(module) -> list[tuple[str, str, str]]:
    """(source address, attribute, target address) for every instance here and in child modules."""
    edges = []
    for key, block in module.resources.items():
        base = module.address_of(*key)
        try:
            for instance_key, names, _ in module.expansions(block):
                source = base + instance_key_suffix(instance_key)
                for attribute, target in instance_edges(module, key, names):
                    if target != source:
                        edges.append((source, attribute, target))
        except Exception as err:  # noqa: BLE001 - contained: this block's references are lost, reported
            module.project.report_once(("edges", id(block)), internal_problem(
                err, block.location.path, block.location.start_line, f"the references of {base}"))
    try:
        children = module.child_modules()
    except Exception:  # noqa: BLE001 - already reported by ModuleInstance.instances
        children = []
    for _, _, child, _ in children:
        if child is not None:
            edges.extend(all_instance_edges(child))
    return edges


def narrow_edges(edges, resources) -> list:
    """Keep, among several instances of one resource that an attribute refers to, the one its
    value actually names: ``bucket = local.ids["logs"]`` reaches every instance of
    aws_s3_bucket.b through the for expression, but its value is (the id of) ``b["logs"]``."""
    by_address = {r.address: r for r in resources}
    groups: dict = {}
    for source, attribute, target in edges:
        groups.setdefault((source, attribute, split_instance(target)[0]), []).append(target)
    narrowed = []
    for (source, attribute, _), targets in groups.items():
        if len(targets) > 1 and source in by_address:
            targets = _named_targets(by_address[source].values.get(attribute), targets, by_address) or targets
        narrowed.extend((source, attribute, target) for target in targets)
    return narrowed


def _named_targets(value, targets, by_address) -> list:
    if isinstance(value, Unknown) and value.origin:
        named = value.origin.rsplit(".", 1)[0]
        return [t for t in targets if t == named]
    if isinstance(value, str) and value:
        return [t for t in targets if t in by_address and any(
            v == value for v in by_address[t].values.values() if isinstance(v, str))]
    return []
