#!/usr/bin/env python3
"""Benchmark: generate a synthetic Terraform estate and time a full scan.

    python scripts/benchmark.py [--modules 200] [--keep DIR]

Each generated root module has ~12 resources of the kinds the rules look at (S3 with split
resources, security groups with dynamic blocks, RDS, CloudTrail, IAM, a local module called
with for_each), so the number exercises parsing, evaluation, graph building and every rule.
Prints files, bytes, resources, results and wall time per stage; record results in
docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MODULE = '''
variable "name" {{ type = string }}
resource "aws_s3_bucket" "this" {{ bucket = var.name }}
resource "aws_s3_bucket_public_access_block" "this" {{
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = {flag}
}}
resource "aws_s3_bucket_versioning" "this" {{
  bucket = aws_s3_bucket.this.id
  versioning_configuration {{ status = "Enabled" }}
}}
output "arn" {{ value = aws_s3_bucket.this.arn }}
'''

ROOT = '''
variable "env" {{ default = "prod" }}
variable "ports" {{ default = [22, 443, 8080] }}
locals {{
  prefix = "svc{index}-${{var.env}}"
  tags   = merge({{ Service = "svc{index}" }}, {{ Env = var.env }})
}}
module "buckets" {{
  source   = "./storage"
  for_each = toset(["logs", "data"])
  name     = "${{local.prefix}}-${{each.key}}"
}}
resource "aws_security_group" "app" {{
  name = "${{local.prefix}}-app"
  dynamic "ingress" {{
    for_each = var.ports
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [ingress.value == 443 ? "0.0.0.0/0" : "10.0.0.0/8"]
    }}
  }}
  tags = local.tags
}}
resource "aws_db_instance" "db" {{
  count               = {count}
  identifier          = "${{local.prefix}}-db-${{count.index}}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  storage_encrypted   = count.index == 0
  publicly_accessible = false
}}
resource "aws_cloudtrail" "trail" {{
  name                       = "${{local.prefix}}-trail"
  s3_bucket_name             = module.buckets["logs"].arn
  is_multi_region_trail      = true
  enable_log_file_validation = {flag}
}}
resource "aws_vpc" "main" {{ cidr_block = cidrsubnet("10.0.0.0/8", 8, {index} % 256) }}
resource "aws_flow_log" "main" {{
  vpc_id       = aws_vpc.main.id
  traffic_type = "ALL"
}}
resource "aws_ebs_volume" "data" {{
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = {flag}
}}
resource "aws_iam_policy" "p" {{
  name   = "${{local.prefix}}-policy"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["*"] }}]
  }})
}}
'''


def generate(target: str, modules: int) -> None:
    for index in range(modules):
        root = os.path.join(target, f"svc{index:04d}")
        os.makedirs(os.path.join(root, "storage"))
        flag = "true" if index % 3 else "false"
        with open(os.path.join(root, "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(ROOT.format(index=index, flag=flag, count=1 + index % 3))
        with open(os.path.join(root, "storage", "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(MODULE.format(flag=flag))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--keep", help="generate into this directory and keep it")
    args = parser.parse_args()
    target = args.keep or tempfile.mkdtemp(prefix="tfattest-bench-")
    if args.keep and os.path.exists(target):
        shutil.rmtree(target)
    generate(target, args.modules)
    files = [os.path.join(d, f) for d, _, fs in os.walk(target) for f in fs]
    size = sum(os.path.getsize(f) for f in files)

    start = time.perf_counter()
    from analyzer.scan import ScanOptions, scan  # import time is part of the user's wait
    imported = time.perf_counter()
    report = scan([target], ScanOptions(environ={}))
    scanned = time.perf_counter()
    from analyzer.report.sarif import render
    render(report)
    rendered = time.perf_counter()

    print(f"corpus: {args.modules} root modules, {len(files)} files, {size / 1024:.0f} KiB, "
          f"{report.resource_count} resources, {len(report.rules)} rules, {len(report.results)} results")
    print(f"import {imported - start:.2f}s  scan {scanned - imported:.2f}s  sarif {rendered - scanned:.2f}s  "
          f"total {rendered - start:.2f}s  ({size / 1024 / (scanned - imported):.0f} KiB/s)")
    if report.problems:
        print(f"problems: {len(report.problems)} (first: {report.problems[0]})")
    if not args.keep:
        shutil.rmtree(target)


if __name__ == "__main__":
    main()
