"""Cases found by scanning real-world modules (terraform-aws-modules, cloudposse, terragoat)."""
from __future__ import annotations

from analyzer.scan import ScanOptions, scan


def statuses(tmp_path, text, rule, name="main.tf", raw=None):
    path = tmp_path / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text)
    report = scan([str(tmp_path)], ScanOptions(only=(rule,), environ={}))
    return {r.address: r.status for r in report.results}, report


def test_crlf_files_parse(tmp_path):
    found, report = statuses(tmp_path, None, "AWS-EBS-001",
                             raw=b'resource "aws_ebs_volume" "v" {\r\n  availability_zone = "a"\r\n  size = 1\r\n}\r\n')
    assert not report.problems and found == {"aws_ebs_volume.v": "fail"}


def test_empty_string_is_unset_like_terraform_0_11(tmp_path):
    found, _ = statuses(tmp_path, 'resource "aws_db_instance" "d" {\n  replicate_source_db = ""\n'
                                  '  storage_encrypted = false\n}\n', "AWS-RDS-001")
    assert found == {"aws_db_instance.d": "fail"}


def test_related_resource_that_may_not_exist_does_not_pass(tmp_path):
    found, _ = statuses(tmp_path, '''
variable "block" { type = bool }
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_public_access_block" "p" {
  count                   = var.block ? 1 : 0
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
''', "AWS-S3-002")
    assert found == {"aws_s3_bucket.b": "unknown"}


def test_control_named_by_the_same_generated_value_is_linked(tmp_path):
    found, _ = statuses(tmp_path, '''
resource "random_pet" "name" {}
resource "aws_s3_bucket" "b" { bucket = random_pet.name.id }
resource "aws_s3_bucket_public_access_block" "p" {
  bucket                  = random_pet.name.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
''', "AWS-S3-002")
    assert found == {"aws_s3_bucket.b": "pass"}


def test_control_named_by_another_generated_value_is_unknown_not_fail(tmp_path):
    found, _ = statuses(tmp_path, '''
resource "random_pet" "name" {}
resource "aws_s3_bucket" "b" { bucket = "fixed-name" }
resource "aws_s3_bucket_public_access_block" "p" {
  bucket                  = random_pet.name.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
''', "AWS-S3-002")
    assert found == {"aws_s3_bucket.b": "unknown"}


def test_empty_policy_string_means_no_policy(tmp_path):
    found, _ = statuses(tmp_path, 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  policy = ""\n}\n', "AWS-S3-101")
    assert found == {"aws_s3_bucket.b": "pass"}


def test_module_calling_itself_is_reported_not_followed(tmp_path):
    _, report = statuses(tmp_path, 'module "self" {\n  source = "./"\n}\nresource "aws_ebs_volume" "v" {\n'
                                   '  availability_zone = "a"\n  size = 1\n  encrypted = true\n}\n', "AWS-EBS-001")
    assert [r.address for r in report.results] == ["aws_ebs_volume.v"]
    assert any("cycle" in p.message for p in report.problems)


def test_reference_to_one_element_is_not_credited_to_every_instance(tmp_path):
    found, _ = statuses(tmp_path, '''
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = "acme-${each.key}"
}
locals {
  ids = { for k, b in aws_s3_bucket.b : k => b.id }
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = local.ids["logs"]
  versioning_configuration {
    status = "Enabled"
  }
}
''', "AWS-S3-003")
    assert found == {'aws_s3_bucket.b["logs"]': "pass", 'aws_s3_bucket.b["data"]': "fail"}


def test_partition_templated_managed_policy_arn_is_judged_by_its_name(tmp_path):
    found, _ = statuses(tmp_path, '''
data "aws_partition" "current" {}
resource "aws_iam_role" "node" {
  name               = "node"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_role_policy_attachment" "worker" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy"
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}
''', "AWS-IAM-011")
    assert found["aws_iam_role_policy_attachment.worker"] == "pass"
    assert found["aws_iam_role_policy_attachment.admin"] == "fail"


def test_companion_keyed_by_unset_variable_does_not_hide_failures(tmp_path):
    found, _ = statuses(tmp_path, '''
variable "bucket_name" {}
resource "aws_s3_bucket_versioning" "external" {
  bucket = var.bucket_name
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket" "named" {
  bucket = "example"
}
resource "aws_s3_bucket" "same_variable" {
  bucket = var.bucket_name
}
''', "AWS-S3-003")
    assert found == {"aws_s3_bucket.named": "fail", "aws_s3_bucket.same_variable": "pass"}


def test_same_generated_name_links_bucket_and_companion(tmp_path):
    found, _ = statuses(tmp_path, '''
resource "random_pet" "name" {}
resource "aws_s3_bucket" "b" {
  bucket = random_pet.name.id
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = random_pet.name.id
  versioning_configuration {
    status = "Enabled"
  }
}
''', "AWS-S3-003")
    assert found == {"aws_s3_bucket.b": "pass"}


def test_secret_from_a_literal_for_each_map_is_hard_coded(tmp_path):
    found, _ = statuses(tmp_path, '''
resource "aws_db_instance" "db" {
  for_each          = { a = "Passw0rd!", b = "An0ther!" }
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  password          = each.value
}
''', "AWS-SM-004")
    assert found == {'aws_db_instance.db["a"]': "fail", 'aws_db_instance.db["b"]': "fail"}
