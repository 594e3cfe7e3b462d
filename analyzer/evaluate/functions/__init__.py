"""Terraform's built-in functions over plain Python values.

Each ``tf_*`` function receives already-evaluated arguments positionally and
returns a value as described in values.py.  They follow Terraform's own
implementation (go-cty's stdlib and Terraform's lang/funcs), not Python's
habits: strings, numbers and bools convert into each other where a parameter
asks for one of them, string lengths count characters rather than code units,
regular expressions are RE2, numbers print the way Go prints them.

An Unknown argument makes the result Unknown unless Terraform can still give a
known answer (the length of a known list with unknown elements, the keys of an
object with unknown values...).  A call Terraform would reject raises
FunctionError; no other exception escapes.

Left out on purpose: try/can (evaluated lazily by the evaluator), the
filesystem functions (the evaluator owns file access) and the functions whose
result changes from run to run (timestamp, uuid, bcrypt...), which the
evaluator reports as Unknown.

The functions live in one module per family (strings, collection, conversion, encoding,
filesystem, numeric, hashing, network; format and regex hold the printf and RE2 machinery,
_common what all share); FUNCTIONS below is the one registry, assembled here and nowhere else.
"""
from __future__ import annotations

from typing import Callable

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions.collection import (
    tf_alltrue,
    tf_anytrue,
    tf_chunklist,
    tf_coalesce,
    tf_coalescelist,
    tf_compact,
    tf_concat,
    tf_contains,
    tf_distinct,
    tf_element,
    tf_flatten,
    tf_index,
    tf_keys,
    tf_length,
    tf_lookup,
    tf_matchkeys,
    tf_merge,
    tf_one,
    tf_range,
    tf_reverse,
    tf_setintersection,
    tf_setproduct,
    tf_setsubtract,
    tf_setunion,
    tf_slice,
    tf_sort,
    tf_sum,
    tf_transpose,
    tf_values,
    tf_zipmap,
)
from analyzer.evaluate.functions.conversion import (
    tf_tobool,
    tf_tolist,
    tf_tomap,
    tf_tonumber,
    tf_toset,
    tf_tostring,
)
from analyzer.evaluate.functions.encoding import (
    tf_base64decode,
    tf_base64encode,
    tf_csvdecode,
    tf_jsondecode,
    tf_jsonencode,
    tf_sensitive,
    tf_urlencode,
    tf_yamldecode,
    tf_yamlencode,
)
from analyzer.evaluate.functions.filesystem import tf_basename, tf_dirname
from analyzer.evaluate.functions.hashing import (
    tf_base64sha256,
    tf_base64sha512,
    tf_md5,
    tf_sha1,
    tf_sha256,
    tf_sha512,
)
from analyzer.evaluate.functions.network import tf_cidrhost, tf_cidrnetmask, tf_cidrsubnet, tf_cidrsubnets
from analyzer.evaluate.functions.numeric import (
    tf_abs,
    tf_ceil,
    tf_floor,
    tf_log,
    tf_max,
    tf_min,
    tf_parseint,
    tf_pow,
    tf_signum,
)
from analyzer.evaluate.functions.strings import (
    tf_chomp,
    tf_endswith,
    tf_format,
    tf_formatlist,
    tf_indent,
    tf_join,
    tf_lower,
    tf_regex,
    tf_regexall,
    tf_replace,
    tf_split,
    tf_startswith,
    tf_strcontains,
    tf_strrev,
    tf_substr,
    tf_title,
    tf_trim,
    tf_trimprefix,
    tf_trimspace,
    tf_trimsuffix,
    tf_upper,
)

FUNCTIONS: dict[str, Callable[..., object]] = {
    # string
    "chomp": tf_chomp,
    "endswith": tf_endswith,
    "format": tf_format,
    "formatlist": tf_formatlist,
    "indent": tf_indent,
    "join": tf_join,
    "lower": tf_lower,
    "regex": tf_regex,
    "regexall": tf_regexall,
    "replace": tf_replace,
    "split": tf_split,
    "startswith": tf_startswith,
    "strcontains": tf_strcontains,
    "strrev": tf_strrev,
    "substr": tf_substr,
    "title": tf_title,
    "trim": tf_trim,
    "trimprefix": tf_trimprefix,
    "trimspace": tf_trimspace,
    "trimsuffix": tf_trimsuffix,
    "upper": tf_upper,
    # collection
    "alltrue": tf_alltrue,
    "anytrue": tf_anytrue,
    "chunklist": tf_chunklist,
    "coalesce": tf_coalesce,
    "coalescelist": tf_coalescelist,
    "compact": tf_compact,
    "concat": tf_concat,
    "contains": tf_contains,
    "distinct": tf_distinct,
    "element": tf_element,
    "flatten": tf_flatten,
    "index": tf_index,
    "keys": tf_keys,
    "length": tf_length,
    "lookup": tf_lookup,
    "matchkeys": tf_matchkeys,
    "merge": tf_merge,
    "one": tf_one,
    "range": tf_range,
    "reverse": tf_reverse,
    "setintersection": tf_setintersection,
    "setproduct": tf_setproduct,
    "setsubtract": tf_setsubtract,
    "setunion": tf_setunion,
    "slice": tf_slice,
    "sort": tf_sort,
    "sum": tf_sum,
    "transpose": tf_transpose,
    "values": tf_values,
    "zipmap": tf_zipmap,
    # type conversion
    "tobool": tf_tobool,
    "tolist": tf_tolist,
    "tomap": tf_tomap,
    "tonumber": tf_tonumber,
    "toset": tf_toset,
    "tostring": tf_tostring,
    # encoding
    "base64decode": tf_base64decode,
    "base64encode": tf_base64encode,
    "sensitive": tf_sensitive,
    "nonsensitive": tf_sensitive,
    "basename": tf_basename,
    "dirname": tf_dirname,
    "csvdecode": tf_csvdecode,
    "jsondecode": tf_jsondecode,
    "jsonencode": tf_jsonencode,
    "urlencode": tf_urlencode,
    "yamldecode": tf_yamldecode,
    "yamlencode": tf_yamlencode,
    # numeric
    "abs": tf_abs,
    "ceil": tf_ceil,
    "floor": tf_floor,
    "log": tf_log,
    "max": tf_max,
    "min": tf_min,
    "parseint": tf_parseint,
    "pow": tf_pow,
    "signum": tf_signum,
    # hash
    "base64sha256": tf_base64sha256,
    "base64sha512": tf_base64sha512,
    "md5": tf_md5,
    "sha1": tf_sha1,
    "sha256": tf_sha256,
    "sha512": tf_sha512,
    # ip network
    "cidrhost": tf_cidrhost,
    "cidrnetmask": tf_cidrnetmask,
    "cidrsubnet": tf_cidrsubnet,
    "cidrsubnets": tf_cidrsubnets,
}

__all__ = ["FUNCTIONS", "FunctionError"]
