#!/usr/bin/env python3
"""Synthetic Terraform estates for bench/run.py (not a test).

    python bench/generate.py estate DIR --files 1000     # N/2 root modules, each with a local module
    python bench/generate.py module DIR --resources 8000 # one module, N resources in one file

An estate root module has ~12 resources of the kinds the rules look at: S3 with split
resources, a security group with a dynamic block, RDS with count, CloudTrail, IAM policies
built with jsonencode, and a local module called with for_each. The single-module shape is
N/4 S3 buckets, each with split versioning, public-access-block and encryption resources,
which is what makes `related` rules quadratic when they are not indexed.
"""
from __future__ import annotations

import argparse
import os
import shutil

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



BUCKET = '''
resource "aws_s3_bucket" "b{i}" {{ bucket = "bucket-{i}" }}
resource "aws_s3_bucket_versioning" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  versioning_configuration {{ status = "{status}" }}
}}
resource "aws_s3_bucket_public_access_block" "b{i}" {{
  bucket                  = aws_s3_bucket.b{i}.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = {flag}
}}
resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  rule {{
    apply_server_side_encryption_by_default {{ sse_algorithm = "aws:kms" }}
  }}
}}
'''


def estate(target: str, files: int) -> None:
    """``files`` .tf files: files/2 root modules, each main.tf plus storage/main.tf."""
    for index in range(max(1, files // 2)):
        root = os.path.join(target, f"svc{index:05d}")
        os.makedirs(os.path.join(root, "storage"))
        flag = "true" if index % 3 else "false"
        with open(os.path.join(root, "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(ROOT.format(index=index, flag=flag, count=1 + index % 3))
        with open(os.path.join(root, "storage", "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(MODULE.format(flag=flag))


def single_module(target: str, resources: int) -> None:
    """One root module with ``resources`` resources (resources/4 buckets x 4) in one file."""
    os.makedirs(target)
    with open(os.path.join(target, "main.tf"), "w", encoding="utf-8") as handle:
        for i in range(max(1, resources // 4)):
            handle.write(BUCKET.format(i=i, status="Enabled" if i % 2 else "Suspended",
                                       flag="true" if i % 3 else "false"))


def fresh(target: str) -> None:
    if os.path.exists(target):
        shutil.rmtree(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shape", choices=["estate", "module"])
    parser.add_argument("target")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=8000)
    args = parser.parse_args()
    fresh(args.target)
    if args.shape == "estate":
        estate(args.target, args.files)
    else:
        single_module(args.target, args.resources)


if __name__ == "__main__":
    main()
