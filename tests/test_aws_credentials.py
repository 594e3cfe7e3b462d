"""The AWS credential detector (analyzer/providers/aws/credentials.py): high precision, one row
per shape."""
from __future__ import annotations

import base64

import pytest

from analyzer.providers.aws import credentials as C

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

TEXT = [
    (f"export AWS_ACCESS_KEY_ID={KEY_ID}", True),
    ("ASIAY34FZKBOKMUTVV7A", True),  # temporary (STS) key id
    (f"X{KEY_ID}", False),  # preceded by an upper-case letter: part of a longer token
    (f"key={KEY_ID}\n", True),
    (f"ZZ{KEY_ID}9", False),  # inside a longer run of upper-case letters and digits
    ("AKIA1234", False),  # too short
    (f"aws_secret_access_key = {SECRET}", True),
    (f"export AWS_SECRET_ACCESS_KEY='{SECRET}'", True),
    (f"secret_key: {SECRET}", True),
    (f"commit {SECRET}", False),  # a 40-character shape without a secret-like name
    ("aws_secret_access_key = ${SECRET_FROM_SSM}", False),
    ("0123456789abcdef0123456789abcdef01234567", False),  # a git sha
]


@pytest.mark.parametrize("text, found", TEXT, ids=[t[0][:40] for t in TEXT])
def test_find_in_text(text, found):
    assert (C.find_in_text(text) is not None) is found


MAPS = [
    ({"AWS_SECRET_ACCESS_KEY": SECRET}, True),
    ({"secret": SECRET}, True),
    ({"KEY": KEY_ID}, True),
    ({"BUILD_SHA": "0123456789abcdef0123456789abcdef01234567"}, False),
    ({"SECRET_ID": "app/api"}, False),
    ({"TOKEN": SECRET}, False),  # a secret shape, but the name does not say secret
]


@pytest.mark.parametrize("mapping, found", MAPS, ids=[next(iter(m)) for m, _ in MAPS])
def test_find_in_map(mapping, found):
    assert (C.find_in_map(mapping) is not None) is found


def test_base64_user_data_is_decoded():
    encoded = base64.b64encode(f"#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\n".encode()).decode()
    assert C.decoded_base64(encoded).endswith(f"{KEY_ID}\n")
    assert C.decoded_base64("not base64 at all!") is None
