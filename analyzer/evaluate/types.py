"""Variable type constraints applied to values, as far as rules can observe them:
primitive conversions ("true" -> true for bool) and ``optional(type, default)`` attributes of
object types filled in when a value leaves them out (Terraform 1.3+)."""
from __future__ import annotations

from analyzer import expr as E
from analyzer.evaluate import convert
from analyzer.values import Unknown, to_terraform_string


def apply_type(value, type_expr, evaluate_default):
    """``value`` converted to the declared type. ``evaluate_default(expr)`` evaluates defaults."""
    if isinstance(value, Unknown) or value is None or type_expr is None:
        return value
    if isinstance(type_expr, E.Traversal) and not type_expr.steps:
        return _primitive(value, type_expr.root)
    if not isinstance(type_expr, E.Call) or not type_expr.args:
        return value
    name, args = type_expr.name, type_expr.args
    if name in ("list", "set") and isinstance(value, list):
        return [apply_type(item, args[0], evaluate_default) for item in value]
    if name == "map" and isinstance(value, dict):
        return {key: apply_type(item, args[0], evaluate_default) for key, item in value.items()}
    if name == "object" and isinstance(value, dict) and isinstance(args[0], E.ObjectExpr):
        return _object(value, args[0], evaluate_default)
    if name == "tuple" and isinstance(value, list) and isinstance(args[0], E.TupleExpr):
        types = args[0].items
        return [apply_type(item, types[i], evaluate_default) if i < len(types) else item
                for i, item in enumerate(value)]
    return value


def _object(value: dict, spec: E.ObjectExpr, evaluate_default) -> dict:
    result = dict(value)
    for key_expr, attr_type in spec.items:
        key = key_expr.root if isinstance(key_expr, E.Traversal) else getattr(key_expr, "value", None)
        if not isinstance(key, str):
            continue
        optional = isinstance(attr_type, E.Call) and attr_type.name == "optional" and attr_type.args
        inner_type = attr_type.args[0] if optional else attr_type
        if key not in result or result[key] is None:
            if optional and len(attr_type.args) > 1:
                result[key] = evaluate_default(attr_type.args[1])
            elif optional:
                result[key] = None
            else:
                continue
        result[key] = apply_type(result[key], inner_type, evaluate_default)
    return result


def _primitive(value, declared: str):
    # Conversions as convert.py (cty); a value that does not convert is left as it is.
    if declared == "bool" and value in ("true", "false", "1", "0"):
        return convert.to_bool(value)
    if declared == "number" and isinstance(value, str):
        try:
            return convert.to_number(value)
        except convert.FunctionError:
            return value
    if declared == "string" and isinstance(value, (bool, int, float)):
        return to_terraform_string(value)
    return value
