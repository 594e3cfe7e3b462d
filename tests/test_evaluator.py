"""Expression and module evaluation: Terraform semantics, Unknown propagation, never a crash."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.evaluate.expressions import evaluate
from analyzer.evaluate.module import ModuleInstance, Project, evaluate_constant
from analyzer.evaluate.values import Unknown
from analyzer.load.files import ParseCache
from analyzer.load.hcl import parse_expression


def value(source, **names):
    from analyzer.evaluate.expressions import NamesOnlyScope as _ConstantScope
    return evaluate(parse_expression(source), _ConstantScope(names))


def test_arithmetic_logic_and_conditionals():
    assert value("1 + 2 * 3") == 7
    assert value("true && false || true") is True
    assert value('2 > 1 ? "yes" : "no"') == "yes"
    assert value('"${1 + 1}-x"') == "2-x"
    assert value("[for v in [1, 2, 3] : v * 2 if v > 1]") == [4, 6]
    assert value('{for k, v in {a = 1, b = 2} : v => k}') == {"1": "a", "2": "b"}
    assert value('{for v in ["a", "b", "a"] : v => v...}') == {"a": ["a", "a"], "b": ["b"]}


def test_unknown_propagates_and_kleene_logic_decides_what_it_can():
    u = Unknown("test")
    assert isinstance(value("x + 1", x=u), Unknown)
    assert value("false && x", x=u) is False
    assert value("true || x", x=u) is True
    assert isinstance(value("true && x", x=u), Unknown)
    assert isinstance(value('x ? "a" : "b"', x=u), Unknown)
    assert value('x ? "same" : "same"', x=u) == "same"
    assert isinstance(value('"${x}-suffix"', x=u), Unknown)


def test_errors_become_unknown_never_exceptions():
    assert isinstance(value("[1, 2][5]"), Unknown)
    assert isinstance(value("{a = 1}.b"), Unknown)
    assert isinstance(value("not_a_function(1)"), Unknown)
    assert isinstance(value("var.x"), Unknown)  # references are not allowed in constants


def test_try_and_can():
    assert value('try([1][3], "fallback")') == "fallback"
    assert value("can([1][3])") is False
    assert value("can([1][0])") is True


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4)),
                    lambda inner: st.lists(inner, max_size=3), max_leaves=6),
       st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "&&", "||"]),
       st.sampled_from([1, "a", True, None, [1]]))
def test_binary_operators_never_raise(left, op, right):
    from analyzer.evaluate.expressions import EvalError, evaluate_strict
    from analyzer.evaluate.expressions import NamesOnlyScope as _ConstantScope
    from analyzer import expr as E
    node = E.BinaryOp(op, E.Literal(left) if not isinstance(left, list) else E.TupleExpr(tuple(E.Literal(x) if not isinstance(x, list) else E.TupleExpr(()) for x in left)), E.Literal(right) if not isinstance(right, list) else E.TupleExpr((E.Literal(1),)))
    try:
        evaluate_strict(node, _ConstantScope())
    except EvalError:
        pass


def write(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def instances(tmp_path, inputs=None):
    project = Project(ParseCache(), str(tmp_path))
    module = ModuleInstance(project, str(tmp_path), inputs={k: (lambda v=v: v) for k, v in (inputs or {}).items()})
    return {r.address: r for r in module.instances("")}, project


def test_count_for_each_and_addresses(tmp_path):
    write(tmp_path, {"main.tf": '''
variable "on" { default = false }
resource "a" "off" { count = var.on ? 1 : 0 }
resource "a" "two" { count = 2
  n = count.index }
resource "a" "map" { for_each = { x = 1, y = 2 }
  v = each.value * 10 }
resource "a" "set" { for_each = toset(["p", "q"])
  k = each.key }
resource "a" "unknown" { count = var.missing ? 1 : 0 }
variable "missing" {}
'''})
    found, _ = instances(tmp_path)
    assert "a.off" not in found and "a.off[0]" not in found
    assert found["a.two[1]"].values["n"] == 1
    assert found['a.map["y"]'].values["v"] == 20
    assert found['a.set["q"]'].values["k"] == "q"
    assert isinstance(found["a.unknown"].exists, Unknown)


def test_dynamic_blocks_and_iterators(tmp_path):
    write(tmp_path, {"main.tf": '''
variable "ports" { default = [22, 443] }
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.ports
    iterator = p
    content { from_port = p.value }
  }
  ingress { from_port = 80 }
}
'''})
    found, _ = instances(tmp_path)
    assert [i["from_port"] for i in found["aws_security_group.sg"].values["ingress"]] == [22, 443, 80]


def test_modules_get_arguments_and_return_outputs(tmp_path):
    write(tmp_path, {
        "main.tf": '''
module "m" {
  source = "./mod"
  for_each = { a = "x" }
  name = each.value
}
resource "r" "uses" { v = module.m["a"].upper_name }
''',
        "mod/main.tf": '''
variable "name" {}
resource "r" "inner" { name = var.name }
output "upper_name" { value = upper(r.inner.name) }
'''})
    found, _ = instances(tmp_path)
    assert found['module.m["a"].r.inner'].values["name"] == "x"
    assert found["r.uses"].values["v"] == "X"
    assert found['module.m["a"].r.inner'].location.path.endswith("mod/main.tf")


def test_file_reads_stay_inside_the_scanned_tree(tmp_path):
    write(tmp_path, {"main.tf": 'resource "r" "a" {\n  inside = file("policy.json")\n  outside = file("/etc/passwd")\n}\n',
                     "policy.json": '{"Version": "2012-10-17"}'})
    found, _ = instances(tmp_path)
    assert found["r.a"].values["inside"] == '{"Version": "2012-10-17"}'
    assert isinstance(found["r.a"].values["outside"], Unknown)


def test_reference_cycle_is_unknown(tmp_path):
    write(tmp_path, {"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\nresource "r" "x" { v = local.a }\n'})
    found, _ = instances(tmp_path)
    assert isinstance(found["r.x"].values["v"], Unknown)


def test_tfvars_constants():
    assert evaluate_constant(parse_expression('{a = [1, "b"]}')) == {"a": [1, "b"]}


def test_template_directives_in_quoted_strings_and_heredocs(tmp_path):
    write(tmp_path, {"main.tf": '''
variable "url" { default = "" }
variable "nodes" { default = 2 }
variable "names" { default = ["a", "b"] }
resource "r" "x" {
  name  = "%{ if var.url != "" }${var.url}%{ else }none%{ endif }"
  count = "%{ if var.nodes > 0 }1%{ else }0%{ endif }"
  list  = <<-EOT
    %{~ for i, n in var.names ~}
    ${i}=${n};
    %{~ endfor ~}
  EOT
}
'''})
    found, project = instances(tmp_path)
    assert not project.problems
    values = found["r.x[0]"].values
    assert values["name"] == "none"
    assert values["list"] == "0=a;1=b;"


def test_templatefile_renders_with_only_its_variables(tmp_path):
    write(tmp_path, {"main.tf": 'resource "r" "t" {\n  policy = templatefile("${path.module}/p.tpl", { bucket = "logs", '
                                'actions = ["s3:GetObject"] })\n}\n',
                     "p.tpl": '{"Resource": "arn:aws:s3:::${bucket}/*", "Action": ${jsonencode(actions)}}\n'})
    found, _ = instances(tmp_path)
    assert found["r.t"].values["policy"] == '{"Resource": "arn:aws:s3:::logs/*", "Action": ["s3:GetObject"]}\n'


def test_optional_object_attributes_get_their_defaults(tmp_path):
    write(tmp_path, {"main.tf": '''
variable "volumes" {
  type = map(object({
    size      = number
    encrypted = optional(bool, true)
    kms_key   = optional(string)
  }))
  default = { data = { size = "10" }, logs = { size = 5, encrypted = false } }
}
resource "aws_ebs_volume" "v" {
  for_each          = var.volumes
  availability_zone = "a"
  size              = each.value.size
  encrypted         = each.value.encrypted
  kms_key_id        = each.value.kms_key
}
'''})
    found, _ = instances(tmp_path)
    assert found['aws_ebs_volume.v["data"]'].values["encrypted"] is True
    assert found['aws_ebs_volume.v["data"]'].values["size"] == 10
    assert found['aws_ebs_volume.v["data"]'].values["kms_key_id"] is None
    assert found['aws_ebs_volume.v["logs"]'].values["encrypted"] is False
