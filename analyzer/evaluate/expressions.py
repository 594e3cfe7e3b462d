"""Evaluate analyzer.expr trees to Terraform values, with Unknown as a first-class value.

A ``scope`` (the ``Scope`` protocol below) supplies what names mean (``var``, ``local``,
resources, ``each``...) and the files the expression may read. Implementations:
module.Scope (a module instance plus count/each/iterator names) and NamesOnlyScope
(templatefile variables, tfvars constants). Terraform errors become EvalError; ``evaluate``
turns them into Unknown at the top, because a scan must never crash on an expression it does
not understand.
"""
from __future__ import annotations

from typing import Protocol

from analyzer import expr as E
from analyzer import limits
from analyzer.evaluate import convert
from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions import FUNCTIONS
from analyzer.values import TemplateParts, Unknown, first_unknown, to_terraform_string, type_name


class EvalError(Exception):
    """Terraform itself would report an error for this expression."""


class Scope(Protocol):
    """What an expression is evaluated in."""

    names: dict  # names bound here: count, each, for-expression and dynamic iterators

    def resolve_root(self, traversal) -> tuple:
        """(value of the traversal's root and the steps it consumed, remaining steps); raises EvalError."""

    def with_names(self, names: dict) -> "Scope":
        """The same scope with more bound names (a for expression's or dynamic block's iterator)."""

    def read_file(self, path: str) -> str:
        """A file's text, restricted to the scanned tree; raises EvalError."""

    def file_exists(self, path: str) -> bool: ...


class ResourceObject(dict):
    """Attributes of a resource or data instance: a missing attribute is computed (Unknown),
    not an error, because the provider fills it in at apply time (``id``, ``arn``...)."""

    address = ""


_FILE_FUNCTIONS = {"file", "fileexists", "filebase64"}


def evaluate(expression, scope):
    """Evaluate, turning any Terraform error into Unknown with its reason. A cap hit
    (evaluate/limits.py) is Unknown too, and noted in ``limits.BUDGET.hits`` for the module
    evaluation to report at the line of the attribute being evaluated."""
    try:
        return evaluate_strict(expression, scope)
    except EvalError as err:
        return Unknown(f"error: {err}")
    except limits.LimitExceeded as err:
        limits.BUDGET.hits.append(str(err))
        return Unknown(f"limit exceeded: {err}")
    except RecursionError:
        message = ("references or expressions nested too deep to evaluate (a chain of locals, variables or "
                   "module outputs; TFATTEST_RECURSION_LIMIT)")
        limits.BUDGET.hits.append(message)
        return Unknown(message)


def evaluate_strict(node, scope):
    evaluator = _EVALUATORS.get(type(node))
    if evaluator is None:
        raise EvalError(f"unsupported expression {type(node).__name__}")
    return evaluator(node, scope)


def _traversal(node, scope):
    value, steps = scope.resolve_root(node)
    return apply_steps(value, steps, scope)


def apply_steps(value, steps, scope):
    for position, step in enumerate(steps):
        if isinstance(value, Unknown):
            return value
        if isinstance(step, E.Splat):
            if value is None:
                return []
            elements = value if isinstance(value, list) else [value]
            rest = steps[position + 1:]
            return [apply_steps(element, rest, scope) for element in elements]
        if isinstance(step, E.GetAttr):
            value = _get_attr(value, step.name)
        else:
            value = _index(value, evaluate_strict(step.key, scope))
    return value


def _get_attr(value, name):
    if isinstance(value, dict):
        if name in value:
            return value[name]
        if isinstance(value, ResourceObject):
            return Unknown(f"{value.address}.{name} is known only after apply", origin=f"{value.address}.{name}")
        raise EvalError(f"object has no attribute {name!r}")
    if value is None:
        raise EvalError(f"attempt to get attribute {name!r} from null")
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        # Nested blocks are lists; Terraform rejects .attr on them, but a computed
        # single-element list is common enough in real code to be worth reading.
        return _get_attr(value[0], name)
    raise EvalError(f"cannot get attribute {name!r} of a {type_name(value)}")


def _index(value, key):
    if isinstance(key, Unknown):
        return key
    if isinstance(value, list):
        if isinstance(key, str) and key.lstrip("-").isdigit():
            key = int(key)
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        if not isinstance(key, int) or isinstance(key, bool):
            raise EvalError(f"list index must be a number, not {type_name(key)}")
        if not 0 <= key < len(value):
            raise EvalError(f"index {key} out of range for list of length {len(value)}")
        return value[key]
    if isinstance(value, dict):
        key = to_terraform_string(key) if not isinstance(key, (list, dict, type(None))) else key
        if key in value:
            return value[key]
        if isinstance(value, ResourceObject):
            return Unknown(f"{value.address}[{key!r}] is known only after apply")
        raise EvalError(f"key {key!r} not found")
    if value is None:
        raise EvalError("attempt to index null")
    raise EvalError(f"cannot index a {type_name(value)}")


def _template(node, scope):
    if len(node.parts) == 1 and not isinstance(node.parts[0], (str, E.TemplateIf, E.TemplateFor)):
        return evaluate_strict(node.parts[0], scope)  # "${x}" keeps x's type, as in HCL
    pieces = []
    unknown = None
    for part in node.parts:
        if isinstance(part, str):
            value = part
        elif isinstance(part, E.TemplateIf):
            value = _template_if(part, scope)
        elif isinstance(part, E.TemplateFor):
            value = _template_for(part, scope)
        else:
            value = evaluate_strict(part, scope)
        if isinstance(value, Unknown):
            unknown = unknown or value
            pieces.append(value)
            continue
        if value is None:
            raise EvalError("cannot interpolate null")
        try:
            pieces.append(to_terraform_string(value))
        except TypeError as err:
            raise EvalError(str(err)) from None
    if unknown is not None:
        return Unknown(unknown.reason, partial=TemplateParts(tuple(pieces)))
    limits.check_string_length(sum(len(p) for p in pieces), "a string template")
    return "".join(pieces)


def _template_if(node, scope):
    condition = _to_bool(evaluate_strict(node.condition, scope))
    if isinstance(condition, Unknown):
        return condition
    return _template(node.if_true if condition else node.if_false, scope)


def iteration_pairs(collection, what: str) -> list:
    """(key, value) pairs in Terraform's iteration order: map keys sorted, list indexes."""
    if isinstance(collection, dict):
        return [(k, collection[k]) for k in sorted(collection)]
    if isinstance(collection, list):
        return list(enumerate(collection))
    raise EvalError(f"{what} cannot iterate over a {type_name(collection)}")


def _template_for(node, scope):
    collection = evaluate_strict(node.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    pairs = iteration_pairs(collection, "%{for}")
    pieces = []
    limits.BUDGET.tick(len(pairs))
    for key, value in pairs:
        names = {node.value_var: value}
        if node.key_var:
            names[node.key_var] = key
        rendered = _template(node.body, scope.with_names(names))
        if isinstance(rendered, Unknown):
            return rendered
        pieces.append(rendered if isinstance(rendered, str) else to_terraform_string(rendered))
    return "".join(pieces)


def _templatefile(args, scope):
    unknown = first_unknown(*args)
    if unknown is not None:
        return unknown
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        raise EvalError("templatefile() takes a path and an object of variables")
    from analyzer.load.hcl import HclSyntaxError, parse_template

    try:
        template = parse_template(scope.read_file(args[0]))
    except HclSyntaxError as err:
        raise EvalError(f"templatefile({args[0]!r}): {err}") from None
    # The template sees only the variables it is given, as in Terraform.
    return evaluate_strict(template, NamesOnlyScope(args[1], scope))


class NamesOnlyScope:
    """A scope where only the given names exist (templatefile variables, tfvars constants)."""

    def __init__(self, names=None, files=None):
        self.names = names or {}
        self.files = files

    def resolve_root(self, traversal):
        if traversal.root in self.names:
            return self.names[traversal.root], traversal.steps
        raise EvalError(f"{traversal.root} is not available here")

    def with_names(self, names):
        return NamesOnlyScope({**self.names, **names}, self.files)

    def read_file(self, path):
        if self.files is None:
            raise EvalError("files are not readable here")
        return self.files.read_file(path)

    def file_exists(self, path):
        return self.files is not None and self.files.file_exists(path)


def _call(node, scope):
    name = node.name
    if name == "try":
        for argument in node.args:
            try:
                return evaluate_strict(argument, scope)
            except EvalError:
                continue
        raise EvalError("try(): no argument could be evaluated")
    if name == "can":
        if len(node.args) != 1:
            raise EvalError("can() takes one argument")
        try:
            value = evaluate_strict(node.args[0], scope)
        except EvalError:
            return False
        return value if isinstance(value, Unknown) else True
    args = [evaluate_strict(argument, scope) for argument in node.args]
    limits.BUDGET.tick()
    limits.check_call(name, args)
    if name in _FILE_FUNCTIONS:
        return _file_function(name, args, scope)
    if name == "templatefile":
        return _templatefile(args, scope)
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() is not evaluated by tfattest")
    try:
        result = function(*args)
        limits.check_result(name, result)
        if name == "jsonencode" and isinstance(result, Unknown) and len(args) == 1:
            result = Unknown(result.reason, partial=args[0])  # the structure is still known
        return result
    except FunctionError as err:
        raise EvalError(f"{name}(): {err}") from None
    except (TypeError, ValueError, ArithmeticError, KeyError, IndexError) as err:
        # A defect in a function must not crash a scan; it degrades to Unknown.
        return Unknown(f"{name}(): {err}")


def _file_function(name, args, scope):
    unknown = first_unknown(*args)
    if unknown is not None:
        return unknown
    if len(args) != 1 or not isinstance(args[0], str):
        raise EvalError(f"{name}() takes one path string")
    if name == "fileexists":
        return scope.file_exists(args[0])
    content = scope.read_file(args[0])
    if name == "filebase64":
        import base64
        return base64.b64encode(content.encode()).decode()
    return content


def _conditional(node, scope):
    condition = evaluate_strict(node.condition, scope)
    if isinstance(condition, Unknown):
        if_true = evaluate(node.if_true, scope)
        if_false = evaluate(node.if_false, scope)
        if if_true == if_false and not isinstance(if_true, Unknown):
            return if_true
        return condition
    if not isinstance(condition, bool):
        if condition is None:
            raise EvalError("condition must not be null")
        condition = _to_bool(condition)  # "true"/"1", "false"/"0" convert (convert.py)
    return evaluate_strict(node.if_true if condition else node.if_false, scope)


def _to_bool(value):
    """A conditional's condition or a logical operand, converted as Terraform does (convert.py)."""
    if isinstance(value, bool) or isinstance(value, Unknown):
        return value
    try:
        return convert.to_bool(value)
    except FunctionError as err:
        raise EvalError(str(err)) from None


def _to_number(value):
    """An arithmetic operand, converted as Terraform does (convert.py)."""
    if isinstance(value, Unknown):
        return value
    try:
        return convert.to_number(value)
    except FunctionError as err:
        raise EvalError(str(err)) from None


def _logical(op, left_node, right_node, scope):
    left = _to_bool(evaluate_strict(left_node, scope))
    # Kleene logic: the result is decided without the right side when the left decides it.
    if op == "&&" and left is False:
        return False
    if op == "||" and left is True:
        return True
    right = _to_bool(evaluate_strict(right_node, scope))
    if op == "&&":
        if right is False:
            return False
        return first_unknown(left, right) or True
    if right is True:
        return True
    return first_unknown(left, right) or False


def _normalize_number(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _binary(node, scope):
    op = node.op
    if op in ("&&", "||"):
        return _logical(op, node.left, node.right, scope)
    left = evaluate_strict(node.left, scope)
    right = evaluate_strict(node.right, scope)
    unknown = first_unknown(left, right)
    if op in ("==", "!="):
        if unknown is not None:
            return unknown
        equal = _normalize_number(left) == _normalize_number(right) and type_name(left) == type_name(right)
        return equal if op == "==" else not equal
    if unknown is not None:
        return unknown
    left, right = _to_number(left), _to_number(right)
    if op in ("+", "-", "*", "/", "%"):
        try:
            return convert.arithmetic(op, left, right)
        except FunctionError as err:
            raise EvalError(str(err)) from None
    comparisons = {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}
    return comparisons[op]


def _unary(node, scope):
    value = evaluate_strict(node.operand, scope)
    if isinstance(value, Unknown):
        return value
    if node.op == "!":
        return not _to_bool(value)
    return convert.arithmetic("-", 0, _to_number(value))


def _object_key(value):
    if isinstance(value, (Unknown, str)):
        return value
    if isinstance(value, (bool, int, float)):
        return to_terraform_string(value)
    raise EvalError(f"object key must be a string, not {type_name(value)}")


def _object(node, scope):
    result = {}
    for key_node, value_node in node.items:
        if isinstance(key_node, E.Traversal) and not key_node.steps:
            key = key_node.root  # a bare word as a key is a literal name
        else:
            key = _object_key(evaluate_strict(key_node, scope))
        if isinstance(key, Unknown):
            return key
        result[key] = evaluate_strict(value_node, scope)
    return result


def _for(node, scope):
    collection = evaluate_strict(node.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    pairs = iteration_pairs(collection, "a for expression")
    limits.BUDGET.tick(len(pairs))
    object_result = node.key_expr is not None
    items_list: list = []
    items_dict: dict = {}
    for key, value in pairs:
        names = {node.value_var: value}
        if node.key_var:
            names[node.key_var] = key
        inner = scope.with_names(names)
        if node.condition is not None:
            keep = _to_bool(evaluate_strict(node.condition, inner))
            if isinstance(keep, Unknown):
                return keep
            if not keep:
                continue
        element = evaluate_strict(node.value_expr, inner)
        if not object_result:
            items_list.append(element)
            continue
        result_key = _object_key(evaluate_strict(node.key_expr, inner))
        if isinstance(result_key, Unknown):
            return result_key
        if node.grouping:
            items_dict.setdefault(result_key, []).append(element)
        elif result_key in items_dict:
            raise EvalError(f"duplicate key {result_key!r} in for expression")
        else:
            items_dict[result_key] = element
    return items_dict if object_result else items_list


# Expression node type -> evaluator: one explicit table.
_EVALUATORS = {
    E.Literal: lambda node, scope: node.value,
    E.Traversal: _traversal,
    E.Template: _template,
    E.Call: _call,
    E.Conditional: _conditional,
    E.BinaryOp: _binary,
    E.UnaryOp: _unary,
    E.TupleExpr: lambda node, scope: [evaluate_strict(item, scope) for item in node.items],
    E.ObjectExpr: _object,
    E.ForExpr: _for,
    E.RelativeTraversal: lambda node, scope: apply_steps(evaluate_strict(node.source, scope), node.steps, scope),
}
