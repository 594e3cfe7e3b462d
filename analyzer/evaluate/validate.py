"""What `terraform validate` rejects, found statically in one module directory.

Checked (each a Problem of kind ``validate-error`` at the file and line, blocking: exit 3):
references to undeclared input variables, locals, managed resources, data sources, module
calls and outputs of a module whose source is on disk; ``count.*``/``each.*`` in a block
without ``count``/``for_each``; blocks declared twice (variable, output, module, resource,
data, a local name); ``count`` together with ``for_each``.
``count``/``for_each`` values are checked where they are evaluated (evaluate/module.py).
The values such references produce are Unknown (the evaluator's EvalError path).

Not errors: a declared variable with no value (Unknown), an output of a module whose source is
not downloaded (Unknown, with the module-missing warning), the built-ins ``self``, ``each``,
``count``, ``path``, ``terraform`` and names bound by ``for`` expressions or ``dynamic`` blocks.
"""
from __future__ import annotations

import os

from analyzer import expr as E
from analyzer.evaluate.values import Unknown, type_name
from analyzer.model import Problem

BUILT_IN_ROOTS = frozenset({"self", "each", "count", "path", "terraform"})
# Blocks whose bodies hold no expressions to check, or names that are not references
# (`terraform` settings, lifecycle's ignore_changes, `moved`/`import`/`removed` addresses).
SKIPPED_TOP_BLOCKS = frozenset({"terraform", "moved", "import", "removed", "check"})
SKIPPED_NESTED_BLOCKS = frozenset({"lifecycle"})
# Meta-arguments whose values are addresses or provider names, not values.
SKIPPED_ATTRIBUTES = frozenset({"depends_on", "provider", "providers"})


def module_problems(module, child_outputs) -> list[Problem]:
    """Problems of one module directory. ``child_outputs(name)`` gives the output names of the
    module called ``name`` when its source is on disk, else None."""
    problems: list[Problem] = []
    problems += _duplicates(module.files)
    ephemeral = {tuple(b.labels) for f in module.files for b in f.blocks if b.type == "ephemeral"}
    for parsed in module.files:
        for block in parsed.blocks:
            if block.type in SKIPPED_TOP_BLOCKS:
                continue
            if block.type in ("resource", "data", "module") and "count" in block.attributes \
                    and "for_each" in block.attributes:
                location = block.attributes["for_each"].location
                problems.append(_problem(location, '"count" and "for_each" cannot both be set'))
            repeated = block.type in ("resource", "data", "module")
            # count.* only where count is set, each.* only where for_each is (Terraform's
            # "reference to count/each in non-counted context").
            missing = {name for name, meta in (("count", "count"), ("each", "for_each"))
                       if not (repeated and meta in block.attributes)}
            for attribute, bound in _attributes(block, frozenset(), top=True):
                for traversal in E.traversals(attribute.expr):
                    if traversal.root in bound:
                        continue
                    if traversal.root in missing:
                        meta = "count" if traversal.root == "count" else "for_each"
                        problems.append(_problem(attribute.location, f"{traversal.root}.* is used in a block "
                                                                     f"without {meta}"))
                        continue
                    message = _undeclared(module, traversal, child_outputs, ephemeral)
                    if message:
                        problems.append(_problem(attribute.location, message))
    return problems


def _problem(location, message: str) -> Problem:
    return Problem(location.path, location.start_line,
                   f"{message} (terraform validate rejects this; the value is Unknown)", "validate-error")


def _attributes(block, bound: frozenset, top: bool):
    """(attribute, names bound there) for a block and its nested blocks."""
    for name, attribute in block.attributes.items():
        if name in SKIPPED_ATTRIBUTES or (block.type == "variable" and name == "type"):
            continue
        yield attribute, bound
    for nested in block.blocks:
        if nested.type in SKIPPED_NESTED_BLOCKS:
            continue
        inner = bound
        if nested.type == "dynamic" and nested.labels:
            iterator = nested.attributes.get("iterator")
            name = iterator.expr.root if iterator is not None and isinstance(iterator.expr, E.Traversal) \
                else nested.labels[0]
            # for_each is evaluated outside the iterator's scope, content inside it
            for attr_name, attribute in nested.attributes.items():
                if attr_name != "iterator":
                    yield attribute, bound
            for content in nested.blocks:
                yield from _attributes(content, bound | {name}, top=False)
            continue
        yield from _attributes(nested, inner, top=False)


def _name(step):
    return step.name if isinstance(step, E.GetAttr) else None


def _undeclared(module, traversal, child_outputs, ephemeral=frozenset()) -> str | None:
    root, steps = traversal.root, traversal.steps
    if root in BUILT_IN_ROOTS or not steps:
        return None
    first = _name(steps[0])
    if first is None:
        return None
    if root == "var":
        return None if first in module.variables else f"reference to undeclared input variable var.{first}"
    if root == "local":
        return None if first in module.locals else f"reference to undeclared local value local.{first}"
    if root == "data":
        second = _name(steps[1]) if len(steps) > 1 else None
        if second is None or ("data", first, second) in module.resources:
            return None
        return f"reference to undeclared data source data.{first}.{second}"
    if root == "module":
        if first not in module.module_calls:
            return f"reference to undeclared module call module.{first}"
        rest = steps[1:]
        if rest and isinstance(rest[0], (E.Index, E.Splat)):
            rest = rest[1:]
        output = _name(rest[0]) if rest else None
        outputs = child_outputs(first)
        if output is None or outputs is None or output in outputs:
            return None
        return f"module.{first} has no output {output!r}"
    if root == "resource":  # resource.<type>.<name>: the explicit spelling of <type>.<name>
        second = _name(steps[1]) if len(steps) > 1 else None
        if second is None or ("managed", first, second) in module.resources:
            return None
        return f"reference to undeclared resource {first}.{second}"
    if root == "ephemeral":  # ephemeral resources (Terraform 1.10): ephemeral.<type>.<name>
        second = _name(steps[1]) if len(steps) > 1 else None
        if second is None or (first, second) in ephemeral:
            return None
        return f"reference to undeclared ephemeral resource ephemeral.{first}.{second}"
    if ("managed", root, first) in module.resources:
        return None
    return f"reference to undeclared resource {root}.{first}"


_DECLARATIONS = {"variable": 1, "output": 1, "module": 1, "resource": 2, "data": 2}


def _duplicates(files) -> list[Problem]:
    from analyzer.load.files import is_override_file

    seen: dict = {}
    problems = []
    for parsed in files:
        if is_override_file(parsed.path):
            continue  # override files redeclare on purpose: Terraform merges them
        for block in parsed.blocks:
            if block.type == "locals":
                for name, attribute in block.attributes.items():
                    key = ("local", name)
                    if key in seen:
                        problems.append(_duplicate(attribute.location, f"local value {name!r}", seen[key]))
                    else:
                        seen[key] = attribute.location
                continue
            size = _DECLARATIONS.get(block.type)
            if size is None or len(block.labels) != size:
                continue
            key = (block.type, *block.labels)
            if key in seen:
                what = f"{block.type} {' '.join(repr(label) for label in block.labels)}"
                problems.append(_duplicate(block.location, what, seen[key]))
            else:
                seen[key] = block.location
    return problems


def _duplicate(location, what: str, first) -> Problem:
    return Problem(location.path, location.start_line,
                   f"duplicate {what}: already declared at {os.path.basename(first.path)}:{first.start_line} "
                   "(terraform validate rejects this; the later one is ignored)", "validate-error")


def count_problem(count) -> str | None:
    """Why Terraform rejects a known ``count`` value, or None."""
    if count is None:
        return "count is null; it must be a whole number"
    if isinstance(count, bool) or not isinstance(count, (int, float)):
        return f"count must be a whole number, not a {type_name(count)}"
    if count != count or count in (float("inf"), float("-inf")):
        return "count must be a whole number, not infinity or NaN"
    if count < 0:
        return f"count must not be negative (it is {count})"
    if count != int(count):
        return f"count must be a whole number (it is {count})"
    return None


# Functions that return a list (never a set or map): for_each over their result is an error.
_LIST_FUNCTIONS = frozenset({"tolist", "concat", "split", "range", "flatten", "keys", "values", "compact", "sort",
                             "distinct", "reverse", "slice", "chunklist", "formatlist", "matchkeys"})


def for_each_problem(expression, value) -> str | None:
    """Why Terraform rejects a ``for_each`` (its expression and value), or None. Sets are lists
    in our values, so a list is known to be one only when the expression builds a list."""
    if isinstance(expression, E.TupleExpr) or (isinstance(expression, E.ForExpr) and expression.key_expr is None) \
            or (isinstance(expression, E.Call) and expression.name in _LIST_FUNCTIONS):
        return "for_each must be a map or a set of strings, not a list (use toset(...) or a map)"
    if isinstance(value, Unknown):
        return None
    if value is None:
        return "for_each is null; it must be a map or a set of strings"
    if isinstance(value, dict):
        return None
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, (str, Unknown))]
        if bad:
            return f"for_each over a set must hold strings only, not a {type_name(bad[0])}"
        return None
    return f"for_each must be a map or a set of strings, not a {type_name(value)}"
