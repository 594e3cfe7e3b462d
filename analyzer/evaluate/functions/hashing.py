"""Hash functions (crypto hashes of strings)."""
from __future__ import annotations

import base64
import hashlib

from analyzer.evaluate.functions._common import _known, _string, _utf8




@_known
def tf_md5(text):
    return hashlib.md5(_utf8(_string(text))).hexdigest()


@_known
def tf_sha1(text):
    return hashlib.sha1(_utf8(_string(text))).hexdigest()


@_known
def tf_sha256(text):
    return hashlib.sha256(_utf8(_string(text))).hexdigest()


@_known
def tf_sha512(text):
    return hashlib.sha512(_utf8(_string(text))).hexdigest()


@_known
def tf_base64sha256(text):
    return base64.b64encode(hashlib.sha256(_utf8(_string(text))).digest()).decode("ascii")


@_known
def tf_base64sha512(text):
    return base64.b64encode(hashlib.sha512(_utf8(_string(text))).digest()).decode("ascii")
