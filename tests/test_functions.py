"""Tests for analyzer.evaluate.functions: Terraform's documented examples, errors, Unknowns."""
from __future__ import annotations

import ipaddress
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.evaluate.functions import FUNCTIONS, FunctionError
from analyzer.evaluate.values import Unknown

U = Unknown("test")
ERROR = object()  # expected marker: the call raises FunctionError
UNKNOWN = object()  # expected marker: the call returns some Unknown

CASES = [
    # --- format
    ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    ("format", ["There are %d lights", 4], "There are 4 lights"),
    ("format", ["%d", "12"], "12"),
    ("format", ["%.2f", 3.14159], "3.14"),
    ("format", ["%f", 1], "1.000000"),
    ("format", ["%5d|%-5d|%05d", 42, 42, 42], "   42|42   |00042"),
    ("format", ["%-5s|%5s|%.2s", "a", "b", "xyz"], "a    |    b|xy"),
    ("format", ["%x %X %o %b %#x", 255, 255, 8, 5, 255], "ff FF 10 101 0xff"),
    ("format", ["%e", 1234.5678], "1.234568e+03"),
    ("format", ["%g %g %g", 0.00001, 123456, 1000000], "1e-05 123456 1e+06"),
    ("format", ["%q", "hi \"there\""], '"hi \\"there\\""'),
    ("format", ["%t %t", True, "false"], "true false"),
    ("format", ["%v %v %v %v", "s", 1.5, True, None], "s 1.5 true null"),
    ("format", ["%v", [1, {"b": "<", "a": None}]], '[1,{"a":null,"b":"\\u003c"}]'),
    ("format", ["%#v", "s"], '"s"'),
    ("format", ["100%%"], "100%"),
    ("format", ["%[2]s %[1]s %s", "a", "b"], "b a b"),
    ("format", ["%3s|", "☃"], "  ☃|"),
    ("format", ["%d", 3.5], ERROR),
    ("format", ["%s"], ERROR),
    ("format", ["%s", None], ERROR),
    ("format", ["%s", [1]], ERROR),
    ("format", ["%y", 1], ERROR),
    ("format", ["abc %"], ERROR),
    ("format", ["%s", U], UNKNOWN),
    ("format", ["%v", [1, U]], UNKNOWN),
    ("format", [], ERROR),
    # --- formatlist
    ("formatlist", ["Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]],
     ["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]),
    ("formatlist", ["%s, %s!", "Salutations", ["Valentina", "Ander"]],
     ["Salutations, Valentina!", "Salutations, Ander!"]),
    ("formatlist", ["%s=%s", ["a", "b"], ["1", "2"]], ["a=1", "b=2"]),
    ("formatlist", ["%s", []], []),
    ("formatlist", ["x"], ["x"]),
    ("formatlist", ["%s%s", ["a"], ["b", "c"]], ERROR),
    ("formatlist", ["%s", ["a", U]], ["a", U]),
    ("formatlist", ["%s", U], UNKNOWN),
    # --- join / split
    ("join", [", ", ["foo", "bar", "baz"]], "foo, bar, baz"),
    ("join", [", ", ["foo"]], "foo"),
    ("join", ["-", ["a"], ["b", 1, True]], "a-b-1-true"),
    ("join", [",", ["a", None]], ERROR),
    ("join", [","], ERROR),
    ("join", [",", ["a", U]], UNKNOWN),
    ("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]),
    ("split", [",", "foo"], ["foo"]),
    ("split", [",", ""], [""]),
    ("split", ["", "abc"], ["a", "b", "c"]),
    ("split", [",", U], UNKNOWN),
    # --- replace
    ("replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"),
    ("replace", ["hello world", "/w.*d/", "everybody"], "hello everybody"),
    ("replace", ["hello world", "/(h)(e)/", "$2$1 ${1}$$"], "eh h$llo world"),
    ("replace", ["abxd", "/x*/", "-"], "-a-b-d-"),
    ("replace", ["a\n", "/a$/", "b"], "a\n"),
    ("replace", ["x", "/(/", "y"], ERROR),
    ("replace", ["x", "/(?=x)/", "y"], ERROR),
    # --- case and trimming
    ("lower", ["HELLO"], "hello"),
    ("lower", ["АЛЛО!"], "алло!"),
    ("upper", ["hello"], "HELLO"),
    ("upper", ["алло!"], "АЛЛО!"),
    ("upper", ["ß"], "ß"),
    ("upper", [None], ERROR),
    ("title", ["hello world"], "Hello World"),
    ("title", ["hello-world_x"], "Hello-World_x"),
    ("trimprefix", ["helloworld", "hello"], "world"),
    ("trimprefix", ["helloworld", "cat"], "helloworld"),
    ("trimsuffix", ["helloworld", "world"], "hello"),
    ("trim", ["?!hello?!", "!?"], "hello"),
    ("trim", ["foobar", "far"], "oob"),
    ("trim", ["   hello! world.!  ", "! "], "hello! world."),
    ("trimspace", ["  hello\n\n"], "hello"),
    ("chomp", ["hello\n"], "hello"),
    ("chomp", ["hello\r\n"], "hello"),
    ("chomp", ["hello\n\n"], "hello"),
    # --- substr, strrev, indent
    ("substr", ["hello world", 1, 4], "ello"),
    ("substr", ["🤔🤷", 0, 1], "🤔"),
    ("substr", ["hello world", -5, -1], "world"),
    ("substr", ["hello world", 6, 10], "world"),
    ("substr", ["hello", 10, 2], ""),
    ("substr", ["hello", 1.5, 2], ERROR),
    ("strrev", ["hello"], "olleh"),
    ("strrev", ["a ☃"], "☃ a"),
    ("indent", [2, "[\n  foo,\n  bar,\n]\n"], "[\n    foo,\n    bar,\n  ]\n  "),
    # --- regex
    ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
    ("regex", ["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"], ["2019", "02", "01"]),
    ("regex", ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"],
     {"authority": "terraform.io", "scheme": "https"}),
    ("regex", ["(a)|(b)", "b"], [None, "b"]),
    ("regex", ["[[:digit:]]+", "ab12"], "12"),
    ("regex", ["[a-z]+", "53453453.34534523454"], ERROR),
    ("regex", ["(?P<x>a)(b)", "ab"], ERROR),
    ("regex", ["\\d", "\u0663"], ERROR),  # RE2's \d is ASCII-only
    ("regex", ["\\pL", "a"], UNKNOWN),  # valid RE2 that Python cannot run
    ("regex", ["\\101+", "zAA"], "AA"),  # octal escape, not a backreference
    ("regex", ["(a)\\1", "aa"], ERROR),  # RE2 has no backreferences
    ("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
    ("regexall", ["[a-z]+", "123456789"], []),
    ("regexall", ["a*|b", "ab"], ["a", ""]),
    ("startswith", ["hello world", "hello"], True),
    ("startswith", ["hello world", "world"], False),
    ("endswith", ["hello world", "world"], True),
    ("endswith", ["hello world", "hello"], False),
    ("strcontains", ["hello world", "wor"], True),
    ("strcontains", ["hello world", "wod"], False),
    # --- concat, merge, lookup
    ("concat", [["a", ""], ["b", "c"]], ["a", "", "b", "c"]),
    ("concat", [[U], [1]], [U, 1]),
    ("concat", [["a"], U], UNKNOWN),
    ("concat", [["a"], "b"], ERROR),
    ("concat", [], ERROR),
    ("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}], {"a": "b", "c": "z", "e": "f"}),
    ("merge", [{"a": "b"}, {"a": [1, 2], "c": "z"}, {"d": 3}], {"a": [1, 2], "c": "z", "d": 3}),
    ("merge", [{"a": 1}, None], {"a": 1}),
    ("merge", [None], {}),
    ("merge", [], {}),
    ("merge", [{"a": U}], {"a": U}),
    ("merge", [{"a": 1}, U], UNKNOWN),
    ("merge", [{"a": 1}, ["b"]], ERROR),
    ("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"], "ay"),
    ("lookup", [{"a": "ay", "b": "bee"}, "c", "what?"], "what?"),
    ("lookup", [{"a": 1, "b": U}, "a", 0], 1),
    ("lookup", [{"a": 1}, "c"], ERROR),
    ("lookup", [{"a": 1}], ERROR),
    ("lookup", [["a"], "a", 1], ERROR),
    ("lookup", [U, "a", 1], UNKNOWN),
    # --- element, flatten, distinct, keys, values, length
    ("element", [["a", "b", "c"], 1], "b"),
    ("element", [["a", "b", "c"], 3], "a"),
    ("element", [["a", "b", "c"], 2], "c"),
    ("element", [["a", "b", "c"], -1], ERROR),
    ("element", [[], 0], ERROR),
    ("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[[["a", "b"], []], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[{"a": [1]}, [2]]], [{"a": [1]}, 2]),
    ("flatten", [[["a"], U]], UNKNOWN),
    ("flatten", ["a"], ERROR),
    ("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
    ("distinct", [[1, 1.0, True, "1"]], ["1", "true"]),
    ("keys", [{"a": 1, "c": 2, "d": 3}], ["a", "c", "d"]),
    ("keys", [{"a": U}], ["a"]),
    ("keys", [["a"]], ERROR),
    ("values", [{"a": 3, "c": 2, "d": 1}], [3, 2, 1]),
    ("length", [[]], 0),
    ("length", [["a", "b"]], 2),
    ("length", [{"a": "b"}], 1),
    ("length", ["hello"], 5),
    ("length", ["👾🕹️"], 2),
    ("length", ["e\u0301"], 1),
    ("length", [[U, 1]], 2),
    ("length", [5], ERROR),
    ("length", [None], ERROR),
    ("length", [U], UNKNOWN),
    # --- contains, coalesce, compact, index
    ("contains", [["a", "b", "c"], "a"], True),
    ("contains", [["a", "b", "c"], "d"], False),
    ("contains", [[1, 2], "1"], False),
    ("contains", [[U], "a"], UNKNOWN),
    ("contains", [[U, "a"], "a"], True),
    ("contains", ["abc", "a"], ERROR),
    ("coalesce", ["a", "b"], "a"),
    ("coalesce", ["", "b"], "b"),
    ("coalesce", [1, 2], 1),
    ("coalesce", [None, "", "c"], "c"),
    ("coalesce", [None, "a", U], "a"),
    ("coalesce", [U, "a"], UNKNOWN),
    ("coalesce", ["", 1], "1"),
    ("coalesce", [None, ""], ERROR),
    ("coalesce", [[1], "a"], ERROR),
    ("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
    ("coalescelist", [[], ["c", "d"]], ["c", "d"]),
    ("coalescelist", [[], []], ERROR),
    ("coalescelist", [[], U], UNKNOWN),
    ("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
    ("index", [["a", "b", "c"], "b"], 1),
    ("index", [["a", "b", "c"], "z"], ERROR),
    ("index", [[], "z"], ERROR),
    # --- reverse, slice, sort, range
    ("reverse", [[1, 2, 3]], [3, 2, 1]),
    ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    ("slice", [["a", "b"], 1, 3], ERROR),
    ("slice", [["a", "b"], 2, 1], ERROR),
    ("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]),
    ("sort", [[3, 10, 1]], ["1", "10", "3"]),
    ("sort", [["a", U]], UNKNOWN),
    ("range", [3], [0, 1, 2]),
    ("range", [1, 4], [1, 2, 3]),
    ("range", [1, 8, 2], [1, 3, 5, 7]),
    ("range", [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]),
    ("range", [4, 1], [4, 3, 2]),
    ("range", [10, 5, -2], [10, 8, 6]),
    ("range", [0, 0.3, 0.1], [0, 0.1, 0.2]),
    ("range", [-3], [0, -1, -2]),
    ("range", [0, 1, 0], ERROR),
    ("range", [5, 1, 1], ERROR),
    ("range", [0, 2000], ERROR),
    ("range", [], ERROR),
    # --- zipmap and sets
    ("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
    ("zipmap", [["a", "b"], [1]], ERROR),
    ("setunion", [["a", "b"], ["b", "c"], ["d"]], ["a", "b", "c", "d"]),
    ("setintersection", [["a", "b"], ["b", "c"], ["b", "d"]], ["b"]),
    ("setsubtract", [["a", "b", "c"], ["a", "c"]], ["b"]),
    ("setunion", [["a"], [1]], ["1", "a"]),
    ("setunion", [["a"], [U]], UNKNOWN),
    ("setproduct", [["development", "staging", "production"], ["app1", "app2"]],
     [["development", "app1"], ["development", "app2"], ["staging", "app1"],
      ["staging", "app2"], ["production", "app1"], ["production", "app2"]]),
    ("setproduct", [["a"], []], []),
    ("setproduct", [["a"]], ERROR),
    # --- type conversion
    ("toset", [["a", "b", "c"]], ["a", "b", "c"]),
    ("toset", [["c", "b", "b"]], ["b", "c"]),
    ("toset", [["a", "b", 3]], ["3", "a", "b"]),
    ("toset", [[3, 1, 2, 1]], [1, 2, 3]),
    ("tolist", [["a", "b", "c"]], ["a", "b", "c"]),
    ("tolist", [["a", "b", 3]], ["a", "b", "3"]),
    ("tolist", [{"a": 1}], ERROR),
    ("tomap", [{"a": 1, "b": 2}], {"a": 1, "b": 2}),
    ("tomap", [{"a": "foo", "b": True}], {"a": "foo", "b": "true"}),
    ("tobool", [True], True),
    ("tobool", ["true"], True),
    ("tobool", ["false"], False),
    ("tobool", [None], None),
    ("tobool", ["no"], ERROR),
    ("tobool", [1], ERROR),
    ("tonumber", [1], 1),
    ("tonumber", ["1"], 1),
    ("tonumber", ["12"], 12),
    ("tonumber", ["1.5"], 1.5),
    ("tonumber", [None], None),
    ("tonumber", ["no"], ERROR),
    ("tonumber", [True], ERROR),
    ("tostring", ["hello"], "hello"),
    ("tostring", [1], "1"),
    ("tostring", [1.5], "1.5"),
    ("tostring", [True], "true"),
    ("tostring", [None], None),
    ("tostring", [[]], ERROR),
    ("tostring", [U], UNKNOWN),
    # --- one, alltrue, anytrue, sum, chunklist, transpose, matchkeys
    ("one", [[]], None),
    ("one", [["hello"]], "hello"),
    ("one", [["hello", "goodbye"]], ERROR),
    ("alltrue", [["true", True]], True),
    ("alltrue", [[True, False]], False),
    ("alltrue", [[]], True),
    ("alltrue", [[True, U]], UNKNOWN),
    ("anytrue", [["true"]], True),
    ("anytrue", [[True, False]], True),
    ("anytrue", [[]], False),
    ("anytrue", [[U, True]], True),
    ("sum", [[10, 13, 6, 4.5]], 33.5),
    ("sum", [[0.1, 0.2]], 0.3),
    ("sum", [[]], ERROR),
    ("sum", [["a"]], ERROR),
    ("chunklist", [["a", "b", "c", "d", "e"], 2], [["a", "b"], ["c", "d"], ["e"]]),
    ("chunklist", [["a", "b", "c", "d", "e"], 1], [["a"], ["b"], ["c"], ["d"], ["e"]]),
    ("chunklist", [["a", "b"], 0], [["a", "b"]]),
    ("chunklist", [["a"], -1], ERROR),
    ("transpose", [{"a": ["1", "2"], "b": ["2", "3"]}], {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("transpose", [{"a": "1"}], ERROR),
    ("matchkeys", [["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]],
     ["i-abc", "i-def"]),
    ("matchkeys", [["a"], ["x", "y"], ["x"]], ERROR),
    # --- encoding
    ("jsonencode", [{"hello": "world"}], '{"hello":"world"}'),
    ("jsonencode", [{"b": [1, 2.5, True, None], "a": "<&>"}],
     '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,true,null]}'),
    ("jsonencode", [{"a": U}], UNKNOWN),
    ("jsondecode", ['{"hello": "world"}'], {"hello": "world"}),
    ("jsondecode", ["true"], True),
    ("jsondecode", ["[1, 2.0, 2.5]"], [1, 2, 2.5]),
    ("jsondecode", ["{"], ERROR),
    ("jsondecode", ["NaN"], ERROR),
    ("yamldecode", ["hello: world"], {"hello": "world"}),
    ("yamldecode", ["true"], True),
    ("yamldecode", ["{a: &foo [1, 2, 3], b: *foo}"], {"a": [1, 2, 3], "b": [1, 2, 3]}),
    ("yamldecode", ["{a: &foo [1, {c: d}], b: *foo}"], {"a": [1, {"c": "d"}], "b": [1, {"c": "d"}]}),
    ("yamldecode", ["a: [1"], ERROR),
    ("yamlencode", [{"a": "b", "c": "d"}], '"a": "b"\n"c": "d"\n'),
    ("yamlencode", [{"foo": [1, 2, 3], "bar": "baz"}], '"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n'),
    ("yamlencode", [{"foo": [1, {"a": "b", "c": "d"}, 3], "bar": "baz"}],
     '"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n'),
    ("base64encode", ["Hello World"], "SGVsbG8gV29ybGQ="),
    ("base64decode", ["SGVsbG8gV29ybGQ="], "Hello World"),
    ("base64decode", ["SGVsbG8gV29ybGQ"], ERROR),
    ("base64decode", ["/w=="], ERROR),  # not UTF-8
    ("urlencode", ["Hello World!"], "Hello+World%21"),
    ("urlencode", ["☃"], "%E2%98%83"),
    ("urlencode", ["foo:bar@localhost?foo=bar&bar=baz"], "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz"),
    ("csvdecode", ["a,b,c\n1,2,3\n4,5,6"], [{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}]),
    ("csvdecode", ["a,b\n1"], ERROR),
    ("csvdecode", [""], ERROR),
    # --- numeric
    ("min", [12, 54, 3], 3),
    ("max", [12, 54, 3], 54),
    ("max", [1, 2.0], 2),
    ("max", [], ERROR),
    ("max", [[1, 2]], ERROR),
    ("max", [1, U], UNKNOWN),
    ("abs", [23], 23),
    ("abs", [0], 0),
    ("abs", [-12.4], 12.4),
    ("ceil", [5], 5),
    ("ceil", [5.1], 6),
    ("floor", [5], 5),
    ("floor", [4.9], 4),
    ("pow", [3, 2], 9),
    ("pow", [4, 0], 1),
    ("signum", [-13], -1),
    ("signum", [0], 0),
    ("signum", [344], 1),
    ("log", [50, 10], 1.6989700043360185),
    ("log", [16, 2], 4),
    ("log", [1, 10], 0),
    ("log", [-1, 10], ERROR),
    ("parseint", ["100", 10], 100),
    ("parseint", ["FF", 16], 255),
    ("parseint", ["-10", 16], -16),
    ("parseint", ["1011111011101111", 2], 48879),
    ("parseint", ["aA", 62], 656),
    ("parseint", ["12", 2], ERROR),
    ("parseint", ["", 10], ERROR),
    ("parseint", ["10", 1], ERROR),
    ("parseint", [10, 10], ERROR),
    # --- hashes
    ("md5", ["hello world"], "5eb63bbbe01eeed093cb22bb8f5acdc3"),
    ("sha1", ["hello world"], "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
    ("sha256", ["hello world"], "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
    ("sha512", ["hello world"],
     "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f"
     "989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"),
    ("base64sha256", ["hello world"], "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
    ("sha256", [U], UNKNOWN),
    # --- IP networks
    ("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
    ("cidrhost", ["10.12.112.0/20", 268], "10.12.113.12"),
    ("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34], "fd00:fd12:3456:7890::22"),
    ("cidrhost", ["10.12.112.0/20", -1], "10.12.127.255"),
    ("cidrhost", ["10.0.0.0/30", 4], ERROR),
    ("cidrhost", ["10.0.0.0/30", -5], ERROR),
    ("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
    ("cidrnetmask", ["fd00::/8"], ERROR),
    ("cidrsubnet", ["172.16.0.0/12", 4, 2], "172.18.0.0/16"),
    ("cidrsubnet", ["10.1.2.0/24", 4, 15], "10.1.2.240/28"),
    ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ["10.0.0.0/30", 3, 0], ERROR),
    ("cidrsubnet", ["10.0.0.0/24", 2, 4], ERROR),
    ("cidrsubnet", ["10.0.0.0", 2, 1], ERROR),
    ("cidrsubnet", ["not a cidr", 2, 1], ERROR),
    ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4], ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    ("cidrsubnets", ["10.0.0.0/24", 1, 1, 1], ERROR),
    ("cidrsubnets", ["10.0.0.0/24", 0], ERROR),
    ("cidrsubnets", ["0.0.0.0/1", 1, 1], ERROR),  # Terraform fails on an all-zero base too
    # --- arity
    ("upper", [], ERROR),
    ("upper", ["a", "b"], ERROR),
    ("substr", ["a", 1], ERROR),
]


def _case_id(case: tuple) -> str:
    return f"{case[0]}({', '.join(map(repr, case[1]))})"[:80]


@pytest.mark.parametrize("name, args, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_function(name: str, args: list, expected: object) -> None:
    function = FUNCTIONS[name]
    if expected is ERROR:
        with pytest.raises(FunctionError):
            function(*args)
    elif expected is UNKNOWN:
        assert isinstance(function(*args), Unknown)
    else:
        result = function(*args)
        assert result == expected
        assert type(result) is type(expected) or isinstance(expected, (int, float)) and result == expected


def test_unknown_results_keep_the_reason_but_not_the_origin() -> None:
    arn = Unknown("aws_kms_key.k.arn", origin="aws_kms_key.k.arn")
    for result in (FUNCTIONS["upper"](arn), FUNCTIONS["jsonencode"]({"a": [arn]}),
                   FUNCTIONS["element"](["*"], arn), FUNCTIONS["format"]("%s*", arn)):
        assert isinstance(result, Unknown)
        assert result.reason == "aws_kms_key.k.arn"
        assert result.origin is None  # the result is not that ARN
    # An element handed back as it is keeps its identity.
    assert FUNCTIONS["element"]([arn], 0) is arn
    assert FUNCTIONS["lookup"]({"k": arn}, "k") is arn


def test_left_out_functions_are_absent() -> None:
    for name in ("try", "can", "file", "templatefile", "timestamp", "uuid", "bcrypt", "abspath"):
        assert name not in FUNCTIONS


# --------------------------------------------------------------------------
# Properties

FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))

short_text = st.text(alphabet="ab<&\"\\\n é☃", max_size=5)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), short_text)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(short_text, children, max_size=3),
    ),
    max_leaves=8,
)


@FAST
@given(st.lists(st.dictionaries(short_text, scalars, max_size=4), min_size=1, max_size=4))
def test_merge_later_maps_win_and_keys_are_the_union(maps: list[dict]) -> None:
    merged = FUNCTIONS["merge"](*maps)
    assert set(merged) == set().union(*maps)
    for key, value in merged.items():
        assert value == next(m[key] for m in reversed(maps) if key in m)


nested_lists = st.recursive(scalars, lambda children: st.lists(children, max_size=3), max_leaves=10)


@FAST
@given(st.lists(nested_lists, max_size=4))
def test_flatten_is_idempotent_and_leaves_no_lists(value: list) -> None:
    flat = FUNCTIONS["flatten"](value)
    assert not any(isinstance(item, list) for item in flat)
    assert FUNCTIONS["flatten"](flat) == flat


prefixes = st.one_of(
    st.builds(lambda a, n: f"{ipaddress.IPv4Address(a)}/{n}", st.integers(0, 2**32 - 1), st.integers(0, 30)),
    st.builds(lambda a, n: f"{ipaddress.IPv6Address(a)}/{n}", st.integers(0, 2**128 - 1), st.integers(0, 124)),
)


@FAST
@given(prefixes, st.integers(1, 8), st.data())
def test_cidrsubnet_stays_inside_parent_and_is_distinct(prefix: str, newbits: int, data) -> None:
    parent = ipaddress.ip_network(prefix, strict=False)
    newbits = min(newbits, parent.max_prefixlen - parent.prefixlen)
    numbers = data.draw(st.lists(st.integers(0, 2**newbits - 1), min_size=1, max_size=4, unique=True))
    subnets = [ipaddress.ip_network(FUNCTIONS["cidrsubnet"](prefix, newbits, n)) for n in numbers]
    for subnet in subnets:
        assert subnet.subnet_of(parent)
        assert subnet.prefixlen == parent.prefixlen + newbits
    assert len(set(subnets)) == len(subnets)


json_values = st.recursive(
    st.one_of(scalars, st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=4)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(short_text, children, max_size=3)),
    max_leaves=8,
)


@FAST
@given(json_values)
def test_jsondecode_inverts_jsonencode(value: object) -> None:
    assert FUNCTIONS["jsondecode"](FUNCTIONS["jsonencode"](value)) == value


@FAST
@given(json_values)
def test_yamlencode_output_reads_back(value: object) -> None:
    assert _same(FUNCTIONS["yamldecode"](FUNCTIONS["yamlencode"](value)), value)


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(b, float):  # PyYAML reads floats through float()
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    return a == b and type(a) is type(b)


anything = st.one_of(values, st.floats(), st.just(U), st.lists(st.just(U), max_size=2))


@settings(FAST, max_examples=200)
@given(st.sampled_from(sorted(FUNCTIONS)), st.lists(anything, max_size=3))
def test_functions_raise_only_function_error(name: str, args: list) -> None:
    try:
        FUNCTIONS[name](*args)
    except FunctionError:
        pass


@pytest.mark.parametrize("name, args, expected", [
    ("basename", ("foo/bar/baz.txt",), "baz.txt"),
    ("dirname", ("foo/bar/baz.txt",), "foo/bar"),
    ("dirname", ("baz.txt",), "."),
    ("sensitive", ({"a": 1},), {"a": 1}),
    ("nonsensitive", ("x",), "x"),
])
def test_path_and_sensitivity_functions(name, args, expected):
    assert FUNCTIONS[name](*args) == expected
