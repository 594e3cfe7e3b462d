"""What a Terraform name refers to: one lookup shared by graph edges, provenance and plans.

``origin(module, traversal, bound, block)`` says, one step back, where the value of a
reference such as ``var.x``, ``local.y``, ``each.value``, ``module.m.out`` or ``aws_s3_bucket.b.id``
comes from. Its consumers follow the step further in their own way:

- graph edges (evaluate/references.py) follow module arguments, locals and module outputs to
  the resource instances a value depends on;
- provenance (evaluate/provenance.py) follows module arguments, variable defaults, locals and
  ``for_each`` to decide whether a value is written in this repository;
- plan configuration references (load/plan.py) follow module arguments and module outputs in
  the plan's ``configuration`` (which has no locals).

``module`` is anything with ``call_block`` (the calling ``module`` block, its ``attributes``
holding ``.expr``), ``call_scope`` (``.module``: the caller), ``variables``, ``locals`` and
``resources`` keyed by (mode, type, name): an evaluate.module.ModuleInstance, or load/plan.py's
view of a configuration module. Values themselves are still computed by
ModuleInstance.resolve (evaluate/module.py); making one evaluation pass return a value with its
dependencies and provenance (like cty's marks) is the next step (docs/architecture.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer import expr as E

# Origin kinds.
BOUND = "bound"  # a name bound by the enclosing scope: count/each of an instance, a for or dynamic iterator
CONSTANT = "constant"  # count.index, path.*, terraform.*: known before plan, written in the code
FOR_EACH = "for_each"  # each.key / each.value of ``block``: from its for_each expression
ITERATION = "iteration"  # each.* without a for_each to follow
ARGUMENT = "argument"  # var.x set by the module call: the call's argument, in the caller's module
DEFAULT = "default"  # var.x not set by a call: its default (None: no default)
LOCAL = "local"  # local.x: its expression
MODULE = "module"  # module.m...: the called module's outputs
RESOURCE = "resource"  # a resource or data source declared in this module
UNDECLARED = "undeclared"  # var.x / local.x not declared (a validate error)
EXTERNAL = "external"  # anything else: not followed


@dataclass(frozen=True)
class Origin:
    kind: str
    name: str  # how to say it: "var.x", "local.y", "aws_s3_bucket.b"
    module: object = None  # the ModuleInstance to continue in
    expression: object = None  # the expression to follow (ARGUMENT, DEFAULT, LOCAL, FOR_EACH)
    key: tuple = ()  # (mode, type, name) of a RESOURCE; (call name,) of a MODULE
    rest: tuple = ()  # the traversal steps after the part resolved here
    call_scope: object = None  # ARGUMENT: the caller's Scope (count/each of the module call)


def origin(module, traversal, bound=(), block=None) -> Origin:
    """One step back from ``traversal`` in ``module``; ``bound``: names the enclosing scope binds;
    ``block``: the resource block whose attribute holds the reference (for ``each``)."""
    root, steps = traversal.root, traversal.steps
    first = steps[0].name if steps and isinstance(steps[0], E.GetAttr) else None
    if root in bound:
        return Origin(BOUND, root)
    if root == "count":
        return Origin(CONSTANT, "count.index")
    if root == "each":
        if block is not None and "for_each" in block.attributes:
            return Origin(FOR_EACH, f"each.{first}", module, block.attributes["for_each"].expr)
        return Origin(ITERATION, f"each.{first}")
    if root in ("path", "terraform"):
        return Origin(CONSTANT, f"{root}.{first or ''}")
    if first is None:
        return Origin(EXTERNAL, f"{root}.")
    if root == "var":
        call = module.call_block
        if call is not None and first in call.attributes:
            return Origin(ARGUMENT, f"var.{first}", module.call_scope.module, call.attributes[first].expr,
                          rest=steps[1:], call_scope=module.call_scope)
        declaration = module.variables.get(first)
        if declaration is None:
            return Origin(UNDECLARED, f"var.{first}")
        default = declaration.attributes.get("default")
        return Origin(DEFAULT, f"var.{first}", module, default.expr if default is not None else None, rest=steps[1:])
    if root == "local":
        if first not in module.locals:
            return Origin(UNDECLARED, f"local.{first}")
        return Origin(LOCAL, f"local.{first}", module, module.locals[first].expr, rest=steps[1:])
    if root == "module":
        return Origin(MODULE, f"module.{first}", module, key=(first,), rest=steps[1:])
    if root == "data":
        if len(steps) >= 2 and isinstance(steps[1], E.GetAttr) and ("data", first, steps[1].name) in module.resources:
            return Origin(RESOURCE, f"data.{first}.{steps[1].name}", module, key=("data", first, steps[1].name),
                          rest=steps[2:])
        return Origin(EXTERNAL, f"data.{first}")
    if ("managed", root, first) in module.resources:
        return Origin(RESOURCE, f"{root}.{first}", module, key=("managed", root, first), rest=steps[1:])
    return Origin(EXTERNAL, f"{root}.{first}")
