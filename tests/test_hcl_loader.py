"""The HCL loader: expression trees, precedence, positions, templates, .tf.json, errors as values."""
from analyzer import expr as E
from analyzer.load.hcl import parse_blocks, parse_template
from analyzer.load.tfjson import parse_json_blocks


def attribute(source, name="x"):
    blocks, problems = parse_blocks(f'resource "t" "n" {{\n  {name} = {source}\n}}\n', "f.tf")
    assert not problems, problems
    return blocks[0].attributes[name].expr


def test_operator_precedence_is_restored():
    assert attribute("a * b + c") == E.BinaryOp("+", E.BinaryOp("*", E.Traversal("a", ()), E.Traversal("b", ())),
                                                E.Traversal("c", ()))
    cond = attribute('var.x == 1 ? "a" : "b"')
    assert isinstance(cond, E.Conditional) and isinstance(cond.condition, E.BinaryOp)
    logic = attribute("a || b && c")
    assert logic.op == "||" and logic.right.op == "&&"
    assert attribute("1 - 2 - 3").left.op == "-"  # left associative


def test_references_come_from_the_tree():
    found = {(t.root, E.traversal_parts(t)[1]) for t in E.traversals(attribute(
        '"${aws_s3_bucket.b[0].id}-${module.m["k"].out}" == local.x ? [for v in var.l : v.id] : null'))}
    assert found == {("aws_s3_bucket", "b"), ("module", "m"), ("local", "x"), ("var", "l")}


def test_positions_of_blocks_and_attributes():
    blocks, _ = parse_blocks('\n\nresource "a" "b" {\n  x = 1\n  y = [\n    1,\n  ]\n}\n', "f.tf")
    block = blocks[0]
    assert (block.location.start_line, block.location.end_line) == (3, 8)
    assert (block.attributes["y"].location.start_line, block.attributes["y"].location.end_line) == (5, 7)


def test_heredoc_and_escapes():
    text = attribute('<<-EOT\n    {"a": "${var.b}"}\n    EOT')
    assert text.parts[0] == '{"a": "' and isinstance(text.parts[1], E.Traversal)
    assert attribute(r'"a\nb\"c $${literal}"') == E.Literal('a\nb"c ${literal}')


def test_syntax_error_is_a_problem_with_line():
    blocks, problems = parse_blocks('resource "a" "b" {\n  x = \n}\n', "bad.tf")
    assert blocks == () and problems[0].line == 2 and problems[0].path == "bad.tf"


def test_duplicate_attribute_is_an_error():
    _, problems = parse_blocks('resource "a" "b" {\n  x = 1\n  x = 2\n}\n', "d.tf")
    assert "defined twice" in problems[0].message


def test_template_parser_for_json_strings():
    assert parse_template("plain") == E.Literal("plain")
    template = parse_template("${var.a}-x")
    assert isinstance(template.parts[0], E.Traversal) and template.parts[1] == "-x"


def test_tf_json_blocks():
    blocks, problems = parse_json_blocks(
        '{"resource": {"aws_s3_bucket": {"b": {"bucket": "${var.name}", "count": 2}}},'
        ' "variable": {"name": {"default": "x"}}}', "m.tf.json")
    assert not problems
    resource = next(b for b in blocks if b.type == "resource")
    assert resource.labels == ("aws_s3_bucket", "b")
    assert isinstance(resource.attributes["bucket"].expr, E.Template)
    _, problems = parse_json_blocks("{bad", "x.tf.json")
    assert problems and problems[0].line == 1


def test_tf_json_blocks_and_attributes_have_their_own_lines():
    text = ('{\n  "resource": {\n    "aws_ebs_volume": {\n      "v": {\n        "size": 1,\n'
            '        "encrypted": false\n      }\n    }\n  }\n}\n')
    blocks, problems = parse_json_blocks(text, "m.tf.json")
    assert not problems
    (block,) = blocks
    assert (block.location.start_line, block.location.end_line) == (4, 7)
    assert block.attributes["encrypted"].location.start_line == 6


def test_brackets_in_a_heredoc_body_do_not_count_toward_the_nesting_cap():
    from analyzer.load.files import nesting_problem

    heredoc = 'resource "x" "y" {\n  policy = <<POLICY\n' + "{" * 150 + "\nPOLICY\n}\n"
    assert nesting_problem(heredoc, "h.tf") is None
    assert nesting_problem("x = " + "[" * 150 + "]" * 150, "d.tf").line == 1
