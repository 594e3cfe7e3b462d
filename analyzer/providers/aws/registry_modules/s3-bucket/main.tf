# tfattest model of terraform-aws-modules/s3-bucket/aws v4/v5 (kb.yaml). Not the module's code:
# the resources and attributes its inputs drive, as far as tfattest's rules read them.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create_bucket" { default = true }
variable "is_directory_bucket" { default = false }
variable "bucket" { default = null }
variable "bucket_prefix" { default = null }
variable "force_destroy" { default = false }
variable "object_lock_enabled" { default = false }
variable "tags" { default = {} }
variable "acl" { default = null }
variable "grant" { default = [] }
variable "versioning" { default = {} }
variable "logging" { default = {} }
variable "server_side_encryption_configuration" { default = {} }
variable "attach_public_policy" { default = true }
variable "block_public_acls" { default = true }
variable "block_public_policy" { default = true }
variable "ignore_public_acls" { default = true }
variable "restrict_public_buckets" { default = true }
variable "attach_policy" { default = false }
variable "policy" { default = null }
variable "attach_deny_insecure_transport_policy" { default = false }
variable "attach_require_latest_tls_policy" { default = false }
variable "attach_elb_log_delivery_policy" { default = false }
variable "attach_lb_log_delivery_policy" { default = false }
variable "attach_access_log_delivery_policy" { default = false }
variable "attach_cloudtrail_log_delivery_policy" { default = false }
variable "attach_waf_log_delivery_policy" { default = false }
variable "lifecycle_rule" { default = [] }
variable "control_object_ownership" { default = false }
variable "object_ownership" { default = "BucketOwnerEnforced" }

locals {
  create = var.create_bucket && !var.is_directory_bucket
  acl    = var.acl == "null" ? null : var.acl
  # the module combines the statements of every attach_* flag into one bucket policy
  deny_insecure_transport = var.attach_deny_insecure_transport_policy ? [{
    Sid       = "denyInsecureTransport"
    Effect    = "Deny"
    Principal = "*"
    Action    = "s3:*"
    Resource  = ["arn:aws:s3:::${var.bucket}", "arn:aws:s3:::${var.bucket}/*"]
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }] : []
  # service log-delivery statements and the caller's own policy are not modeled
  other_statements = (var.attach_policy || var.attach_require_latest_tls_policy || var.attach_elb_log_delivery_policy
    || var.attach_lb_log_delivery_policy || var.attach_access_log_delivery_policy
  || var.attach_cloudtrail_log_delivery_policy || var.attach_waf_log_delivery_policy) ? [var.tfattest_not_modeled] : []
  statements = concat(local.deny_insecure_transport, local.other_statements)
}

resource "aws_s3_bucket" "this" {
  count = local.create ? 1 : 0

  bucket              = var.bucket
  bucket_prefix       = var.bucket_prefix
  force_destroy       = var.force_destroy
  object_lock_enabled = var.object_lock_enabled
  tags                = var.tags
}

resource "aws_s3_bucket_acl" "this" {
  count = local.create && (local.acl != null || length(var.grant) > 0) ? 1 : 0

  bucket                = aws_s3_bucket.this[0].id
  acl                   = local.acl
  access_control_policy = length(var.grant) > 0 ? var.tfattest_not_modeled : null
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create && length(keys(var.versioning)) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = try(tobool(var.versioning["enabled"]) ? "Enabled" : "Suspended",
    tobool(var.versioning["status"]) ? "Enabled" : "Suspended", title(lower(var.versioning["status"])), "Enabled")
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = local.create && length(keys(var.logging)) > 0 ? 1 : 0

  bucket        = aws_s3_bucket.this[0].id
  target_bucket = try(var.logging["target_bucket"], var.tfattest_not_modeled)
  target_prefix = try(var.logging["target_prefix"], null)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create && length(keys(var.server_side_encryption_configuration)) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    bucket_key_enabled = try(var.server_side_encryption_configuration.rule.bucket_key_enabled, null)

    apply_server_side_encryption_by_default {
      sse_algorithm     = try(var.server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm, var.tfattest_not_modeled)
      kms_master_key_id = try(var.server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.kms_master_key_id, null)
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create && var.attach_public_policy ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = var.block_public_acls
  block_public_policy     = var.block_public_policy
  ignore_public_acls      = var.ignore_public_acls
  restrict_public_buckets = var.restrict_public_buckets
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create && length(local.statements) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = local.create && length(var.lifecycle_rule) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  dynamic "rule" {
    for_each = var.lifecycle_rule
    content {
      id     = try(rule.value.id, null)
      status = try(tobool(rule.value.enabled) ? "Enabled" : "Disabled", title(lower(rule.value.status)), var.tfattest_not_modeled)
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create && var.control_object_ownership ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = var.object_ownership
  }
}

output "s3_bucket_id" { value = try(aws_s3_bucket.this[0].id, "") }
output "s3_bucket_arn" { value = try(aws_s3_bucket.this[0].arn, "") }
output "s3_bucket_bucket_domain_name" { value = try(aws_s3_bucket.this[0].bucket_domain_name, "") }
