"""Terraform resource addresses: module.a["x"].aws_s3_bucket.b[0], in one place."""
from __future__ import annotations

import re

_INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def instance_key_suffix(key) -> str:
    """How Terraform writes an instance key in an address: [0] or ["name"]."""
    if key is None:
        return ""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return '["' + str(key).replace('"', '\\"') + '"]'


def split_instance(address: str) -> tuple[str, str]:
    """aws_s3_bucket.b["k"] -> ("aws_s3_bucket.b", '["k"]'); no key -> (address, "")."""
    if not address.endswith("]"):
        return address, ""
    match = None
    for match in _INDEX.finditer(address):
        pass
    if match is None or match.end() != len(address):
        return address, ""
    return address[: match.start()], address[match.start():]


def config_address(address: str) -> str:
    """module.a["x"].aws_s3_bucket.b[0] -> module.a.aws_s3_bucket.b (the configuration block)."""
    return _INDEX.sub("", address)
