"""Property-based: generated and mutated Terraform and plan JSON never make a scan raise, never
produce an internal error, and always end in a Report (a verdict) with its problems.

Structure-aware: blocks, references to declared and undeclared names, meta-arguments,
functions with odd arguments; then text mutations. Profiles: "tfattest-ci" (derandomized, for
reproducible CI runs, the default) and "tfattest-dev" (random); TFATTEST_HYPOTHESIS_PROFILE
picks one, TFATTEST_HYPOTHESIS_EXAMPLES the number of examples (default 40). deadline=None: a scan's time varies with the machine's load.
"""
from __future__ import annotations

import copy
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED

EXAMPLES = int(os.environ.get("TFATTEST_HYPOTHESIS_EXAMPLES", "40"))
settings.register_profile("tfattest-ci", derandomize=True, deadline=None, max_examples=EXAMPLES,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("tfattest-dev", deadline=None, max_examples=EXAMPLES,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("TFATTEST_HYPOTHESIS_PROFILE", "tfattest-ci"))

# --- Terraform ---------------------------------------------------------------------------

REFERENCES = [
    "var.a", "var.b", "var.undeclared", "local.l1", "local.l2", "local.nope", "aws_s3_bucket.x.id",
    "aws_s3_bucket.x", "aws_security_group.sg.ingress", "aws_nope.y.id", "data.aws_iam_policy_document.d.json",
    "data.nope.x.y", "module.m.id", "module.m.nope", "module.ghost.out", "module.gone.anything", "each.key",
    "each.value", "count.index", "self.id", "path.module", "terraform.workspace", "aws_s3_bucket.x[0].id",
    'aws_s3_bucket.x["k"].arn', "aws_s3_bucket.x[*].id", "var.a[0]", 'var.b["k"]',
]
FUNCTIONS = ["length", "range", "join", "format", "lookup", "element", "toset", "tolist", "merge", "concat",
             "jsonencode", "jsondecode", "cidrsubnet", "replace", "substr", "split", "coalesce", "try", "can",
             "file", "templatefile", "abs", "max", "min", "keys", "values", "zipmap", "flatten", "setproduct",
             "formatlist", "regex", "base64decode", "yamldecode", "tonumber", "tobool", "upper", "chunklist",
             "indent", "pow", "parseint", "timeadd", "cidrhost", "sum", "one", "nope_function"]
NUMBERS = st.one_of(st.integers(min_value=-(10 ** 30), max_value=10 ** 30), st.sampled_from(
    ["1e400", "-1", "0", "1.5", "999999999999", "0.000001"]).map(str))
STRINGS = st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n$%'),
                            max_size=12),
                    st.sampled_from(["${var.a}", "${local.nope}", "%{ if true }x%{ endif }", "ünï", "*", "0.0.0.0/0",
                                     "arn:aws:iam::aws:policy/AdministratorAccess", "${", "$${x}"]))


def _literal():
    return st.one_of(NUMBERS.map(str), STRINGS.map(lambda s: json.dumps(s, ensure_ascii=False).replace("\\\\", "")),
                     st.sampled_from(["true", "false", "null", "[]", "{}"]))


def expressions(depth: int = 3):
    leaf = st.one_of(_literal(), st.sampled_from(REFERENCES))
    if depth <= 0:
        return leaf
    inner = expressions(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["k", "name", "\"a b\"", "enabled"]), inner), max_size=3).map(
            lambda items: "{" + ", ".join(f"{k} = {v}" for k, v in items) + "}"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "&&", "||", "<"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
        st.tuples(inner, inner).map(lambda t: f"{{for k, v in {t[0]} : k => {t[1]}}}"),
        inner.map(lambda e: f"({e})[0]"),
        inner.map(lambda e: f"({e}).attr"),
    )


META = st.one_of(st.just(""), expressions(1).map(lambda e: f"  count = {e}\n"),
                 expressions(1).map(lambda e: f"  for_each = {e}\n"),
                 st.sampled_from(["  count = 2\n", '  for_each = toset(["a", "b"])\n', '  for_each = {k = "v"}\n',
                                  "  count = -3\n", "  count = 100000000\n", '  for_each = ["a"]\n',
                                  "  depends_on = [aws_s3_bucket.x]\n", '  provider = aws.west\n']))


def _resource():
    body = st.lists(st.tuples(st.sampled_from(["bucket", "name", "policy", "cidr_blocks", "tags", "count",
                                                "kms_key_id", "password", "from_port", "protocol"]),
                              expressions()), max_size=4)
    nested = st.lists(st.tuples(st.sampled_from(["ingress", "versioning", "rule", "lifecycle"]), expressions(1)),
                      max_size=2)
    dynamic = st.one_of(st.just(""), expressions(1).map(
        lambda e: f'  dynamic "ingress" {{\n    for_each = {e}\n    content {{\n      from_port = ingress.value\n'
                  "    }\n  }\n"))
    return st.tuples(st.sampled_from(["aws_s3_bucket", "aws_security_group", "aws_iam_policy", "aws_db_instance",
                                      "google_storage_bucket", "azurerm_storage_account"]),
                     st.sampled_from(["x", "sg", "y", "ünï"]), META, body, nested, dynamic).map(
        lambda t: f'resource "{t[0]}" "{t[1]}" {{\n{t[2]}'
                  + "".join(f"  {name} = {value}\n" for name, value in dict(t[3]).items())
                  + "".join(f"  {name} {{\n    enabled = {value}\n  }}\n" for name, value in t[4])
                  + t[5] + "}\n")


BLOCKS = st.one_of(
    _resource(),
    expressions().map(lambda e: f'locals {{\n  l1 = {e}\n}}\n'),
    st.tuples(st.sampled_from(["a", "b"]), st.one_of(st.just(""), expressions(1).map(lambda e: f"  default = {e}\n")),
              st.sampled_from(["", "  type = list(string)\n", "  type = map(any)\n", "  type = number\n"])).map(
        lambda t: f'variable "{t[0]}" {{\n{t[2]}{t[1]}}}\n'),
    expressions().map(lambda e: f'output "o" {{\n  value = {e}\n}}\n'),
    st.tuples(st.sampled_from(['"./mod"', '"./missing"', '"hashicorp/x/aws"', "var.a"]), META).map(
        lambda t: f'module "m" {{\n  source = {t[0]}\n{t[1]}  input = var.a\n}}\n'),
    st.just('data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["*"]\n  }\n}\n'),
)

MUTATIONS = st.lists(st.tuples(st.sampled_from(["truncate", "insert", "delete-line", "duplicate-line", "brace"]),
                               st.integers(min_value=0, max_value=10 ** 6),
                               st.sampled_from(["{", "}", "\"", "<<EOF\n", "${", "\n", "#", "ü", "\r\n", "\x00"])),
                     max_size=2)


def mutate(text: str, mutations) -> str:
    for kind, position, piece in mutations:
        if not text:
            break
        at = position % len(text)
        lines = text.split("\n")
        line = position % len(lines)
        if kind == "truncate":
            text = text[:at]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete-line":
            text = "\n".join(lines[:line] + lines[line + 1:])
        elif kind == "duplicate-line":
            text = "\n".join(lines[:line + 1] + lines[line:])
        else:
            text = text.replace("}", "", 1) if "}" in text else text + "{"
    return text


MODULE = 'variable "input" {}\nresource "aws_s3_bucket" "inner" {\n  bucket = var.input\n}\noutput "id" {\n  value = aws_s3_bucket.inner.id\n}\n'


def _scan_text(files: dict, **options):
    with tempfile.TemporaryDirectory() as root:
        for name, content in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
        report = scan([root], ScanOptions(environ={}, **options), BUNDLED)
    return report


def _assert_verdict(report):
    internal = [p for p in report.problems if p.kind == "internal-error"]
    assert not internal, "\n".join(f"{p.message}\n{p.detail}" for p in internal)
    assert report.results or report.problems or report.resource_count == 0 or report.not_checked


@settings(PROFILE)
@given(st.lists(BLOCKS, min_size=1, max_size=6), MUTATIONS)
def test_generated_terraform_always_ends_in_a_verdict(blocks, mutations):
    text = mutate("\n".join(blocks), mutations)
    _assert_verdict(_scan_text({"main.tf": text, "mod/main.tf": MODULE}))


# --- plan JSON ---------------------------------------------------------------------------

def _plan_skeleton() -> dict:
    resource = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"bucket": "b", "tags": {"a": "1"}}}
    return {
        "format_version": "1.2", "terraform_version": "1.9.0",
        "variables": {"a": {"value": "x"}},
        "planned_values": {"root_module": {"resources": [resource], "child_modules": [
            {"address": "module.m", "resources": [dict(resource, address="module.m.aws_s3_bucket.b")]}]}},
        "resource_changes": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                              "change": {"actions": ["create"], "before": None, "after": {"bucket": "b"},
                                         "after_unknown": {"arn": True}}}],
        "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed",
                                                          "type": "aws_s3_bucket", "name": "b",
                                                          "expressions": {"bucket": {"constant_value": "b"}}}],
                                          "module_calls": {"m": {"source": "./m", "module": {}}}}},
    }


ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 400), max_value=10 ** 400),
                       st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.none(), max_size=2),
                       st.sampled_from(["1.2", "0.1", "9.0", "create", "delete", ["create", "delete"], [None]]))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _replace(document, path, value, delete: bool):
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@settings(PROFILE)
@given(st.lists(st.tuples(st.integers(min_value=0), ODD_VALUES, st.booleans()), min_size=1, max_size=4))
def test_mutated_plan_json_always_ends_in_a_verdict(edits):
    document = _plan_skeleton()
    for choice, value, delete in edits:
        if not isinstance(document, (dict, list)):
            break
        paths = list(_paths(document))
        document = _replace(document, paths[choice % len(paths)], copy.deepcopy(value), delete)
    with tempfile.TemporaryDirectory() as root:
        plan = os.path.join(root, "plan.json")
        with open(plan, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        report = scan([root], ScanOptions(environ={}, plans=(plan,)), BUNDLED)
    _assert_verdict(report)
