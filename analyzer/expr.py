"""The expression tree tfattest evaluates: plain frozen dataclasses.

load/hcl.py turns python-hcl2's parse tree into these nodes, so that nothing
after loading depends on the parser library, and references are read from the
tree (a ``Traversal``), never from regular expressions over strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Literal:
    value: object  # None, bool, int, float or str


@dataclass(frozen=True)
class Template:
    """A string with interpolations: parts are str or expressions."""

    parts: tuple


@dataclass(frozen=True)
class GetAttr:
    name: str


@dataclass(frozen=True)
class Index:
    key: "Expr"


@dataclass(frozen=True)
class Splat:
    """``[*]`` or ``.*``: the following steps apply to every element."""


@dataclass(frozen=True)
class Traversal:
    """A reference: a root name followed by attribute, index and splat steps.

    ``aws_s3_bucket.logs[0].id`` is Traversal("aws_s3_bucket", (GetAttr("logs"), Index(0), GetAttr("id"))).
    """

    root: str
    steps: tuple


@dataclass(frozen=True)
class RelativeTraversal:
    """Steps applied to the value of an arbitrary expression: ``f(x)[0].id``."""

    source: "Expr"
    steps: tuple


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Conditional:
    condition: "Expr"
    if_true: "Expr"
    if_false: "Expr"


@dataclass(frozen=True)
class BinaryOp:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class UnaryOp:
    op: str
    operand: "Expr"


@dataclass(frozen=True)
class TupleExpr:
    items: tuple


@dataclass(frozen=True)
class ObjectExpr:
    items: tuple  # of (key expression, value expression)


@dataclass(frozen=True)
class ForExpr:
    key_var: str | None
    value_var: str
    collection: "Expr"
    key_expr: "Expr | None"  # set for {for ...} object comprehensions
    value_expr: "Expr"
    condition: "Expr | None"
    grouping: bool = False


Expr = Union[
    Literal, Template, Traversal, RelativeTraversal, Call, Conditional,
    BinaryOp, UnaryOp, TupleExpr, ObjectExpr, ForExpr,
]


def traversals(expr: object):
    """Yield every Traversal inside an expression (the references it makes)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Traversal):
            yield node
            stack.extend(step.key for step in node.steps if isinstance(step, Index))
        elif isinstance(node, RelativeTraversal):
            stack.append(node.source)
            stack.extend(step.key for step in node.steps if isinstance(step, Index))
        elif isinstance(node, Template):
            stack.extend(p for p in node.parts if not isinstance(p, str))
        elif isinstance(node, TemplateIf):
            stack.extend((node.condition, node.if_true, node.if_false))
        elif isinstance(node, TemplateFor):
            stack.append(node.collection)
            bound = {node.value_var, node.key_var}
            yield from (t for t in traversals(node.body) if t.root not in bound)
        elif isinstance(node, Call):
            stack.extend(node.args)
        elif isinstance(node, Conditional):
            stack.extend((node.condition, node.if_true, node.if_false))
        elif isinstance(node, BinaryOp):
            stack.extend((node.left, node.right))
        elif isinstance(node, UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, TupleExpr):
            stack.extend(node.items)
        elif isinstance(node, ObjectExpr):
            for key, value in node.items:
                stack.extend((key, value))
        elif isinstance(node, ForExpr):
            bound = {node.value_var, node.key_var}
            stack.append(node.collection)
            inner = [node.value_expr, node.key_expr, node.condition]
            for sub in inner:
                if sub is not None:
                    yield from (t for t in traversals(sub) if t.root not in bound)


def walk(expr: object):
    """Every node of an expression tree, depth first."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, str):
            continue
        yield node
        for name in getattr(node, "__dataclass_fields__", ()):
            child = getattr(node, name)
            for item in child if isinstance(child, tuple) else (child,):
                if isinstance(item, tuple):  # object items: (key, value)
                    stack.extend(i for i in item if hasattr(i, "__dataclass_fields__"))
                elif hasattr(item, "__dataclass_fields__"):
                    stack.append(item)


def traversal_parts(traversal: Traversal) -> list:
    """The leading static names of a traversal: var.a["k"].b -> ["var", "a", "k", "b"].

    Stops at the first index that is not a literal or at a splat.
    """
    parts = [traversal.root]
    for step in traversal.steps:
        if isinstance(step, GetAttr):
            parts.append(step.name)
        elif isinstance(step, Index) and isinstance(step.key, Literal):
            parts.append(step.key.value)
        else:
            break
    return parts


@dataclass(frozen=True)
class TemplateIf:
    """``%{ if cond }...%{ else }...%{ endif }`` inside a template: parts are Templates."""

    condition: "Expr"
    if_true: "Template"
    if_false: "Template"


@dataclass(frozen=True)
class TemplateFor:
    """``%{ for k, v in coll }...%{ endfor }`` inside a template."""

    key_var: str | None
    value_var: str
    collection: "Expr"
    body: "Template"
