"""AWS KMS: is a key reference a customer managed key?

AWS managed keys are named ``alias/aws/<service>`` (``alias/aws/secretsmanager``,
``alias/aws/lambda``...): they encrypt, but their policy cannot be changed, they cannot be
disabled and their use cannot be separated from the service's, which is what a
"customer managed key" rule asks for. A key id, key ARN or alias ARN naming such an alias
is not a customer managed key.
"""
from __future__ import annotations

import re

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.providers.scope_index import scope_index
from analyzer.rules.verdict import Verdict

AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/", re.IGNORECASE)


_DATA_KEYS = (("data.aws_kms_alias", "name"), ("data.aws_kms_key", "key_id"))


def _data_keys_by_address(ctx) -> dict:
    """Address -> (rank, data.aws_kms_alias / data.aws_kms_key, attribute naming it); rank keeps
    the order of a scan (aliases first, then keys, each in by_type order). Built once per scope
    and cached on the graph (like the engine's companion index), not scanned for every key reference."""
    return scope_index(ctx, "aws_kms_data_keys", lambda: _build_data_keys(ctx))


def _build_data_keys(ctx) -> dict:
    index: dict = {}
    rank = 0
    for type_name, attr in _DATA_KEYS:
        for other in (getattr(ctx, "by_type", None) or {}).get(type_name, ()):
            index.setdefault(other.address, (rank, other, attr))
            rank += 1
    return index


def _data_alias_name(ctx, value: Unknown):
    """The ``name`` of the data.aws_kms_alias (or data.aws_kms_key ``key_id``) an unknown comes from."""
    origin = value.origin or ""
    index = _data_keys_by_address(ctx)
    # Every address the origin starts with (followed by "."): cut it at each dot.
    found = [index[origin[:at]] for at, char in enumerate(origin) if char == "." and origin[:at] in index]
    if not found:
        return None
    _, other, attr = min(found, key=lambda entry: entry[0])
    return other.values.get(attr)


def kms_key_customer_managed(ctx, args: dict) -> Verdict:
    """True when ``args.attr`` names a customer managed key: set, and not an AWS managed key
    (``alias/aws/*``, literally, in a template's literal text, or through a data.aws_kms_alias /
    data.aws_kms_key looked up by such an alias). A computed attribute of a managed resource
    (``aws_kms_key.k.arn``) is a customer managed key; a value supplied at plan time (a variable
    without a value) could be either, so it is unknown."""
    attr = args["attr"]
    value = ctx.values.get(attr)
    if value is None or value == "":
        return Verdict(False, attr, f"{attr} is not set (the AWS managed key is used)")
    if isinstance(value, str):
        if AWS_MANAGED_ALIAS.search(value):
            return Verdict(False, attr, f'{attr} is "{value}", an AWS managed key')
        return Verdict(True, attr, f'{attr} is "{value}"')
    if isinstance(value, Unknown):
        parts = value.partial.parts if isinstance(value.partial, TemplateParts) else ()
        if any(isinstance(p, str) and AWS_MANAGED_ALIAS.search(p) for p in parts):
            return Verdict(False, attr, f"{attr} names an AWS managed key alias (alias/aws/...)")
        looked_up = _data_alias_name(ctx, value)
        if isinstance(looked_up, str) and AWS_MANAGED_ALIAS.search(looked_up):
            return Verdict(False, attr, f'{attr} is the AWS managed key "{looked_up}"')
        if value.origin or (parts and any(isinstance(p, str) and p for p in parts)):
            return Verdict(True, attr, f"{attr} is set ({value.reason})")
        return Verdict(None, attr, f"{attr} is unknown ({value.reason}): it may name an AWS managed key")
    return Verdict(True, attr, f"{attr} is set")


PREDICATES = {
    "kms_key_customer_managed": kms_key_customer_managed,
}
