"""HCL text -> Blocks with expression trees. The ONLY module that imports hcl2/lark.

We use python-hcl2 7.3.1's Lark grammar and LALR parser (cached, with positions) but not
its DictTransformer: that one turns every expression back into a string, which would
force reference extraction by regex. We walk the parse tree into analyzer.expr nodes.
The grammar has no operator precedence (``a == b ? c : d`` parses as ``a == (b ? c : d)``),
so binary/conditional chains are flattened and re-associated here with HCL's precedence.
"""
from __future__ import annotations

import re

import functools
import os

import hcl2
from lark import Lark
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from analyzer import expr as E
from analyzer.load import template as _template
from analyzer.load.brackets import CLOSING, HEREDOC_OPEN, unclosed_bracket
from analyzer.model import Attribute, Block, Location, Problem

_PRECEDENCE = {
    "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}
_KEYWORDS = {"true": True, "false": False, "null": None}
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\n?(.*?)\n?[ \t]*\2\n?\Z", re.S)


# HCL identifiers are Unicode (letters, digits, '_' and '-', not starting with a digit); hcl2's
# grammar knows only ASCII. Same grammar otherwise, so the parse trees are identical.
_ASCII_NAME = "NAME : /[a-zA-Z_][a-zA-Z0-9_-]*/"
_UNICODE_NAME = "NAME : /[^\\W\\d][\\w-]*/"


@functools.lru_cache(maxsize=1)
def _hcl2_parser() -> Lark:
    """hcl2 7.3.1's Lark grammar (LALR, positions), with Unicode identifiers."""
    with open(os.path.join(os.path.dirname(hcl2.__file__), "hcl2.lark"), encoding="utf-8") as handle:
        grammar = handle.read()
    if _ASCII_NAME in grammar:
        grammar = grammar.replace(_ASCII_NAME, _UNICODE_NAME)
    return Lark(grammar, parser="lalr", propagate_positions=True, cache=True)


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


_HEREDOC_OPEN = HEREDOC_OPEN


def normalize_heredocs(text: str) -> str:
    """Terraform accepts whitespace after a heredoc's opening marker and after its closing
    marker (``POLICY   ``); the grammar wants the marker alone on its line. Strip that
    whitespace on exactly those lines (line numbers are unchanged)."""
    if "<<" not in text:
        return text
    lines = text.split("\n")
    marker = None
    for number, line in enumerate(lines):
        if marker is None:
            match = _HEREDOC_OPEN.search(line)
            if match:
                marker = match.group(1)
                lines[number] = line.rstrip(" \t")
        elif line.strip(" \t") == marker:
            lines[number] = line.rstrip(" \t")
            marker = None
    return "\n".join(lines)


def parse_blocks(text: str, path: str) -> tuple[tuple, tuple]:
    """Parse one HCL file: (blocks, problems). A syntax error is a Problem, never an exception."""
    text = normalize_heredocs(text)
    try:
        tree = _hcl2_parser().parse(_template.mask_directive_quotes(text) + "\n")
        converter = _Converter(path, text)
        return converter.body_blocks(tree.children[0]), tuple(converter.problems)
    except UnexpectedInput as err:
        return (), (_syntax_problem(err, path, text),)
    except HclSyntaxError as err:
        return (), (Problem(path, err.line, str(err)),)
    except (LarkError, RecursionError, ValueError) as err:
        return (), (Problem(path, 1, f"cannot parse: {_short(err)}"),)


def parse_attributes(text: str, path: str) -> tuple[dict, tuple]:
    """Parse a .tfvars file: top-level attributes only -> ({name: Attribute}, problems)."""
    text = normalize_heredocs(text)
    try:
        tree = _hcl2_parser().parse(text + "\n")
        converter = _Converter(path, text)
        attributes, blocks = converter.body(tree.children[0])
        if blocks:
            raise HclSyntaxError("blocks are not allowed in a variable definitions file",
                                 blocks[0].location.start_line)
        return attributes, tuple(converter.problems)
    except UnexpectedInput as err:
        return {}, (_syntax_problem(err, path, text),)
    except HclSyntaxError as err:
        return {}, (Problem(path, err.line, str(err)),)
    except (LarkError, RecursionError, ValueError) as err:
        return {}, (Problem(path, 1, f"cannot parse: {_short(err)}"),)


def parse_expression(source: str, line: int = 1):
    """Parse a standalone expression (used for .tf.json templates and heredocs)."""
    try:
        tree = _hcl2_parser().parse(f"__expr__ = {source}\n")
    except (LarkError, RecursionError) as err:
        raise HclSyntaxError(f"invalid expression {source!r}: {_short(err)}", line) from None
    attribute = next(c for c in tree.children[0].children if isinstance(c, Tree) and c.data == "attribute")
    return _Converter("<expr>").expression(attribute.children[-1])


def parse_template(text: str, line: int = 1, quoted: bool = False):
    """Template source (heredoc body, .tf.json string, templatefile) -> Literal or Template."""
    try:
        return _template.parse_template(text, lambda source: parse_expression(source, line), quoted)
    except _template.TemplateError as err:
        raise HclSyntaxError(f"invalid template: {err}", line) from None


def _syntax_problem(err: UnexpectedInput, path: str, text: str = "") -> Problem:
    """A syntax error in words a user understands, at the line where the problem starts: an
    unclosed bracket at its opening line, an attribute without a value at its line."""
    line = max(1, getattr(err, "line", 1) or 1)
    column = getattr(err, "column", 0)
    token = getattr(err, "token", None)
    at_end = token is not None and getattr(token, "type", "") == "$END"
    unclosed = unclosed_bracket(text) if text else None
    if unclosed is not None and (at_end or unclosed[0] <= line):
        opened, bracket = unclosed
        what = "block or object" if bracket == "{" else "list or index" if bracket == "[" else "parenthesis"
        return Problem(path, opened, f"syntax error: the {what} opened with {bracket!r} at line {opened} is never "
                                     f"closed (a {CLOSING[bracket]!r} is missing)")
    lines = text.split("\n") if text else []
    source = lines[line - 1].split("#")[0].rstrip() if 0 < line <= len(lines) else ""
    if line > 1 and source.strip().startswith(("}", "]", ")")) and lines[line - 2].split("#")[0].rstrip():
        previous = lines[line - 2].split("#")[0].rstrip()
        if previous.endswith(("=", "+", "-", "*", "/", "%", "&&", "||", "?", ":", "==", "!=", ">", "<", ".")):
            line, source, column = line - 1, previous, len(previous)  # the incomplete line, not the brace
    if source.count('"') % 2 == 1 and '"""' not in source:
        what = "a string is not closed (a '\"' is missing on this line)"
    elif source.endswith("="):
        what = "an attribute has no value after '='"
    elif source.endswith(("+", "-", "*", "/", "%", "&&", "||", "?", ":", "==", "!=", ">", "<", ",", ".")):
        what = f"the expression is incomplete (the line ends with {source.split()[-1][-2:].strip()!r})"
    elif at_end:
        what = "unexpected end of file"
    elif token is not None:
        shown = (str(token).strip().splitlines() or [""])[0]
        what = f"unexpected {shown[:40]!r}" if shown else "unexpected end of line"
    elif getattr(err, "char", None):
        what = f"unexpected character {err.char!r}"
    else:
        what = _short(err)
    return Problem(path, line, f"syntax error at line {line}, column {column}: {what}")


def _short(err: Exception) -> str:
    first = str(err).strip().splitlines()
    return first[0][:200] if first else type(err).__name__


def _significant(children: list) -> list:
    return [c for c in children if not (isinstance(c, Tree) and c.data == "new_line_or_comment")]


class _OpMarker:
    __slots__ = ("op",)

    def __init__(self, op: str):
        self.op = op


class _CondMarker:
    __slots__ = ("if_true",)

    def __init__(self, if_true):
        self.if_true = if_true


class _Converter:
    def __init__(self, path: str, text: str = ""):
        self.problems: list = []  # what Terraform rejects but does not stop the conversion
        self.path = path
        self.text = text
        self.lines = text.splitlines()

    def location(self, tree: Tree) -> Location:
        meta = tree.meta
        if getattr(meta, "empty", True):
            return Location(self.path, 1, 1)
        if tree.data == "block":  # ends at its closing brace, a token the tree drops
            return Location(self.path, meta.line, meta.end_line)
        return Location(self.path, meta.line, self.real_end(meta.line, meta.end_line, meta.end_column))

    def real_end(self, start: int, line: int, column: int) -> int:
        """The grammar folds the newline (and comments) after an expression into some nodes;
        walk back from the node's end over that whitespace to the last line with code."""
        lines = self.lines
        if not lines:
            return max(start, line)
        if 1 <= line <= len(lines) and lines[line - 1][: max(column - 1, 0)].strip() == "" and line > start:
            line -= 1
        line = min(line, len(lines))
        while line > start and (not lines[line - 1].strip() or lines[line - 1].lstrip().startswith(("#", "//"))):
            line -= 1
        return max(start, line)

    # --- bodies -------------------------------------------------------
    def body_blocks(self, body: Tree) -> tuple:
        attributes, blocks = self.body(body)
        if attributes:
            first = next(iter(attributes.values()))
            raise HclSyntaxError(f"unexpected top-level attribute {first.name!r}", first.location.start_line)
        return blocks

    def body(self, body: Tree) -> tuple[dict, tuple]:
        attributes: dict = {}
        blocks: list = []
        for child in _significant(body.children):
            if child.data == "attribute":
                name = self.identifier(child.children[0])
                if name in attributes:
                    # Terraform rejects the file; the rest of it is still worth checking: keep the
                    # first definition and report the second (blocking).
                    self.problems.append(Problem(
                        self.path, child.meta.line, f"attribute {name!r} defined twice (first at line "
                        f"{attributes[name].location.start_line}; terraform validate rejects this; the first "
                        "one is used)", "validate-error"))
                    continue
                value = self.expression(_significant(child.children)[-1])
                attributes[name] = Attribute(name, value, self.location(child))
            elif child.data == "block":
                blocks.append(self.block(child))
        return attributes, tuple(blocks)

    def block(self, tree: Tree) -> Block:
        children = _significant(tree.children)
        *label_trees, body = children
        block_type = self.identifier(label_trees[0])
        labels = []
        for label in label_trees[1:]:
            if label.data == "identifier":
                labels.append(self.identifier(label))
            else:
                value = self.string(label)
                if not isinstance(value, E.Literal):
                    raise HclSyntaxError("block labels cannot contain interpolations", tree.meta.line)
                labels.append(value.value)
        attributes, blocks = self.body(body)
        return Block(block_type, tuple(labels), attributes, blocks, self.location(tree))

    @staticmethod
    def identifier(tree) -> str:
        return str(tree.children[0]) if isinstance(tree, Tree) else str(tree)

    # --- expressions --------------------------------------------------
    def expression(self, node):
        if isinstance(node, Token):
            return E.Literal(str(node))
        kind = node.data
        if kind in ("binary_op", "conditional"):
            return _reassociate(self.flatten(node))
        handler = _EXPRESSIONS.get(kind)
        if handler is None:
            raise HclSyntaxError(f"unsupported expression {kind}", getattr(node.meta, "line", 1))
        return handler(self, node)

    def flatten(self, node) -> list:
        if isinstance(node, Tree) and node.data == "binary_op":
            left, term = _significant(node.children)[:2]
            op_tree, right = _significant(term.children)[:2]
            return self.flatten(left) + [_OpMarker(str(op_tree.children[0]))] + self.flatten(right)
        if isinstance(node, Tree) and node.data == "conditional":
            condition, if_true, if_false = _significant(node.children)
            return self.flatten(condition) + [_CondMarker(self.expression(if_true))] + self.flatten(if_false)
        return [self.expression(node)]

    def x_expr_term(self, node):
        children = _significant(node.children)
        first = children[0]
        if isinstance(first, Token) and first.type == "LPAR":
            return self.expression(children[1])
        if isinstance(first, Tree) and first.data == "identifier":
            name = self.identifier(first)
            if name in _KEYWORDS:
                return E.Literal(_KEYWORDS[name])
            return E.Traversal(name, ())
        return self.expression(first)

    def x_identifier(self, node):
        return self.x_expr_term(Tree("expr_term", [node]))

    def x_int_lit(self, node):
        return E.Literal(int("".join(str(t) for t in node.children)))

    def x_float_lit(self, node):
        text = "".join(str(t) for t in node.children)
        number = float(text)
        return E.Literal(int(number) if number.is_integer() and "e" not in text.lower() and "." not in text else number)

    def x_string(self, node):
        return self.string(node)

    def string(self, node):
        raw_parts = [p.children[0] for p in node.children]
        if any(isinstance(t, Token) and ("%{" in t or _template.MASK in t) for t in raw_parts) \
                and not getattr(node.meta, "empty", True) and self.text:
            # Directives: re-read the original characters (their quotes were masked for the grammar).
            source = self.text[node.meta.start_pos + 1: node.meta.end_pos - 1]
            return parse_template(source, node.meta.line, quoted=True)
        parts: list = []
        for inner in raw_parts:
            if isinstance(inner, Token) and inner.type == "STRING_CHARS":
                parts.append(_template.unescape(str(inner)))
            elif isinstance(inner, Token):  # ESCAPED_INTERPOLATION: $${...} is a literal ${...}
                parts.append(str(inner)[1:])
            else:
                parts.append(self.expression(_significant(inner.children)[0]))
        return _template.template_from_parts(parts)

    def x_heredoc_template(self, node, trim: bool = False):
        match = _HEREDOC.match(str(node.children[0]))
        if not match:
            raise HclSyntaxError("invalid heredoc", node.meta.line)
        text = match.group(3)
        if match.group(1) == "-" or trim:
            lines = text.split("\n")
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(indents) if indents else 0
            text = "\n".join(line[cut:] for line in lines)
        return parse_template(text + "\n", node.meta.line)

    def x_heredoc_template_trim(self, node):
        return self.x_heredoc_template(node, trim=True)

    def x_tuple(self, node):
        return E.TupleExpr(tuple(self.expression(c) for c in _significant(node.children)))

    def x_object(self, node):
        items = []
        for elem in _significant(node.children):
            if isinstance(elem, Token):
                continue
            key_tree, _, value = _significant(elem.children)
            items.append((self.object_key(key_tree), self.expression(value)))
        return E.ObjectExpr(tuple(items))

    def object_key(self, key_tree):
        inner = key_tree.children[0]
        if inner.data == "identifier":
            return E.Literal(self.identifier(inner))
        if inner.data == "object_elem_key_dot_accessor":
            return E.Literal(".".join(self.identifier(c) for c in inner.children if isinstance(c, Tree)))
        if inner.data == "object_elem_key_expression":
            return self.expression(_significant(inner.children)[1])
        return self.expression(inner)

    def x_function_call(self, node):
        children = _significant(node.children)
        name = self.identifier(children[0])
        args = ()
        if len(children) > 1:
            args = tuple(self.expression(a) for a in _significant(children[1].children))
        return E.Call(name, args)

    def x_provider_function_call(self, node):
        # provider::aws::arn_parse(x): the arguments (and the references in them) are kept;
        # the function itself is not evaluated (its result is Unknown), but its inputs are edges.
        children = _significant(node.children)
        names = [self.identifier(c) for c in children if isinstance(c, Tree) and c.data == "identifier"]
        arguments = next((c for c in children if isinstance(c, Tree) and c.data == "arguments"), None)
        args = tuple(self.expression(a) for a in _significant(arguments.children)) if arguments is not None else ()
        return E.Call("::".join(names), args)

    def x_unary_op(self, node):
        op, operand = node.children[0], node.children[1]
        return E.UnaryOp(str(op), self.expression(operand))

    # --- traversals ---------------------------------------------------
    def with_steps(self, base_tree, steps: list):
        base = self.expression(base_tree)
        if isinstance(base, E.Traversal):
            return E.Traversal(base.root, base.steps + tuple(steps))
        if isinstance(base, E.RelativeTraversal):
            return E.RelativeTraversal(base.source, base.steps + tuple(steps))
        return E.RelativeTraversal(base, tuple(steps))

    def step(self, tree) -> list:
        if tree.data == "get_attr":
            return [E.GetAttr(self.identifier(tree.children[0]))]
        if tree.data == "index":
            children = _significant(tree.children)
            if all(isinstance(c, Token) for c in children):  # legacy .0 index
                return [E.Index(E.Literal(int("".join(str(c) for c in children))))]
            return [E.Index(self.expression(children[0]))]
        steps: list = [E.Splat()]
        for child in _significant(tree.children):
            if isinstance(child, Tree):
                steps.extend(self.step(child))
        return steps

    def x_index_expr_term(self, node):
        base, index = _significant(node.children)
        return self.with_steps(base, self.step(index))


    # --- for expressions ------------------------------------------------
    def for_parts(self, node):
        children = [c for c in _significant(node.children) if isinstance(c, Tree)]
        intro = children[0]
        intro_children = [c for c in _significant(intro.children) if isinstance(c, Tree)]
        names = [self.identifier(c) for c in intro_children if c.data == "identifier"]
        collection = self.expression(intro_children[-1])
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        condition = None
        if children[-1].data == "for_cond":
            cond_children = [c for c in _significant(children[-1].children) if isinstance(c, Tree)]
            condition = self.expression(cond_children[0])
            children = children[:-1]
        return key_var, value_var, collection, [self.expression(c) for c in children[1:]], condition

    def x_for_tuple_expr(self, node):
        key_var, value_var, collection, exprs, condition = self.for_parts(node)
        return E.ForExpr(key_var, value_var, collection, None, exprs[0], condition)

    def x_for_object_expr(self, node):
        key_var, value_var, collection, exprs, condition = self.for_parts(node)
        grouping = any(isinstance(c, Token) and str(c) == "..." for c in node.children)
        return E.ForExpr(key_var, value_var, collection, exprs[0], exprs[1], condition, grouping)


# Grammar rule -> converter method: the explicit list of expression forms we understand.
_EXPRESSIONS = {
    "expr_term": _Converter.x_expr_term,
    "identifier": _Converter.x_identifier,
    "int_lit": _Converter.x_int_lit,
    "float_lit": _Converter.x_float_lit,
    "string": _Converter.x_string,
    "heredoc_template": _Converter.x_heredoc_template,
    "heredoc_template_trim": _Converter.x_heredoc_template_trim,
    "tuple": _Converter.x_tuple,
    "object": _Converter.x_object,
    "function_call": _Converter.x_function_call,
    "provider_function_call": _Converter.x_provider_function_call,
    "unary_op": _Converter.x_unary_op,
    "index_expr_term": _Converter.x_index_expr_term,
    "get_attr_expr_term": _Converter.x_index_expr_term,
    "attr_splat_expr_term": _Converter.x_index_expr_term,
    "full_splat_expr_term": _Converter.x_index_expr_term,
    "for_tuple_expr": _Converter.x_for_tuple_expr,
    "for_object_expr": _Converter.x_for_object_expr,
}


def _reassociate(items: list):
    """Rebuild a flat [operand, op, operand, ?:, ...] chain with HCL precedence."""
    position = 0

    def conditional():
        nonlocal position
        condition = binary(1)
        if position < len(items) and isinstance(items[position], _CondMarker):
            if_true = items[position].if_true
            position += 1
            return E.Conditional(condition, if_true, conditional())
        return condition

    def binary(min_precedence: int):
        nonlocal position
        left = items[position]
        position += 1
        while position < len(items) and isinstance(items[position], _OpMarker):
            op = items[position].op
            precedence = _PRECEDENCE[op]
            if precedence < min_precedence:
                break
            position += 1
            right = binary(precedence + 1)
            left = E.BinaryOp(op, left, right)
        return left

    return conditional()
