"""Incremental scans (analyzer/rootcache.py): cached, uncached, parallel and serial scans give
byte-identical JSON reports (timestamps masked), also after a change and with a corrupt cache."""
from __future__ import annotations

import json
import os
import re

import pytest
from click.testing import CliRunner

from analyzer import rootcache
from analyzer.cli import main

MODULE = '''
variable "name" { type = string }
resource "aws_s3_bucket" "this" { bucket = var.name }
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = "Enabled" }
}
output "arn" { value = aws_s3_bucket.this.arn }
'''

ROOT = '''
variable "env" {}
variable "encrypt" { default = %(flag)s }
module "store" {
  source   = "../modules/store"
  for_each = toset(["a", "b"])
  name     = "%(name)s-${each.key}-${var.env}"
}
resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = [22, 443]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = templatefile("${path.module}/policy.json.tpl", { action = "s3:*" })
}
# tfattest:ignore AWS-EBS-001 reason="test volume" expires=2999-01-01
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  size              = 1
  encrypted         = var.encrypt
}
'''

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "${action}", "Resource": "*"}]}'


def _estate(base):
    os.makedirs(base / "modules" / "store")
    (base / "modules" / "store" / "main.tf").write_text(MODULE)
    for index in range(4):
        root = base / f"svc{index}"
        os.makedirs(root)
        (root / "main.tf").write_text(ROOT % {"name": f"svc{index}", "flag": "true" if index % 2 else "false"})
        (root / "policy.json.tpl").write_text(POLICY)
        (root / "terraform.tfvars").write_text('env = "prod"\n')
    (base / "svc3" / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n')


def _scan(base, *options):
    result = CliRunner().invoke(main, ["scan", str(base), "-f", "json", *options])
    assert result.exit_code in (0, 1, 3), result.output
    output = re.sub(r'"(started_at|finished_at)":"[^"]*"', r'"\1":"T"', result.stdout)
    assert json.loads(output)["results"]
    return output


@pytest.fixture
def estate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TFATTEST_NO_CACHE", raising=False)
    monkeypatch.delenv("TFATTEST_JOBS", raising=False)
    monkeypatch.setattr(rootcache, "PARALLEL_MIN_ROOTS", 2)  # four roots: still parallel with --jobs 2
    _estate(tmp_path / "src")
    return tmp_path / "src", str(tmp_path / "cache")


def test_cached_uncached_parallel_serial_are_identical(estate):
    base, cache = estate
    reference = _scan(base, "--no-cache", "--jobs", "1")
    assert _scan(base, "--no-cache", "--jobs", "2") == reference
    assert _scan(base, "--cache-dir", cache, "--jobs", "2") == reference  # cold, writes the cache
    assert os.path.isdir(os.path.join(cache, "scans"))
    assert _scan(base, "--cache-dir", cache, "--jobs", "1") == reference  # warm
    assert _scan(base, "--cache-dir", cache, "--jobs", "2") == reference  # warm


@pytest.mark.parametrize("change", ["root", "module", "template", "tfvars", "new-file"])
def test_a_change_is_seen(estate, change):
    base, cache = estate
    before = _scan(base, "--cache-dir", cache)
    target = {"root": base / "svc0" / "main.tf", "module": base / "modules" / "store" / "main.tf",
              "template": base / "svc1" / "policy.json.tpl", "tfvars": base / "svc2" / "terraform.tfvars",
              "new-file": base / "svc0" / "extra.tf"}[change]
    text = target.read_text() if target.exists() else ""
    target.write_text({"root": text.replace("false", "true"),
                       "module": text.replace('"Enabled"', '"Suspended"'),
                       "template": text.replace('"${action}"', '"*"'),
                       "tfvars": 'env = "dev"\nencrypt = true\n',
                       "new-file": 'resource "aws_ebs_volume" "w" {\n  availability_zone = "a"\n  size = 1\n}\n'}[change])
    after = _scan(base, "--cache-dir", cache)
    assert after == _scan(base, "--no-cache")
    assert after != before


def test_corrupt_cache_is_a_miss(estate):
    base, cache = estate
    reference = _scan(base, "--no-cache")
    _scan(base, "--cache-dir", cache)
    for current, _, files in os.walk(cache):
        for name in files:
            with open(os.path.join(current, name), "wb") as handle:
                handle.write(b"\x80\x04not a pickle")
    assert _scan(base, "--cache-dir", cache) == reference
    assert _scan(base, "--cache-dir", cache) == reference
