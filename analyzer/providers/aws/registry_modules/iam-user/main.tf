# tfattest model of terraform-aws-modules/iam/aws//modules/iam-user v5 (kb.yaml).

variable "create_user" { default = true }
variable "name" { default = "" }
variable "path" { default = "/" }
variable "force_destroy" { default = false }
variable "permissions_boundary" { default = "" }
variable "create_iam_user_login_profile" { default = true }
variable "create_iam_access_key" { default = true }
variable "pgp_key" { default = "" }
variable "password_reset_required" { default = true }
variable "password_length" { default = 20 }
variable "iam_access_key_status" { default = null }
variable "policy_arns" { default = [] }
variable "tags" { default = {} }

resource "aws_iam_user" "this" {
  count = var.create_user ? 1 : 0

  name                 = var.name
  path                 = var.path
  force_destroy        = var.force_destroy
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_user_login_profile" "this" {
  count = var.create_user && var.create_iam_user_login_profile ? 1 : 0

  user                    = aws_iam_user.this[0].name
  pgp_key                 = var.pgp_key
  password_length         = var.password_length
  password_reset_required = var.password_reset_required
}

resource "aws_iam_access_key" "this" {
  count = var.create_user && var.create_iam_access_key && var.pgp_key != "" ? 1 : 0

  user    = aws_iam_user.this[0].name
  pgp_key = var.pgp_key
  status  = var.iam_access_key_status
}

resource "aws_iam_access_key" "this_no_pgp" {
  count = var.create_user && var.create_iam_access_key && var.pgp_key == "" ? 1 : 0

  user   = aws_iam_user.this[0].name
  status = var.iam_access_key_status
}

resource "aws_iam_user_policy_attachment" "this" {
  for_each = { for k, v in toset(var.policy_arns) : k => v if var.create_user }

  user       = aws_iam_user.this[0].name
  policy_arn = each.value
}

output "iam_user_name" { value = try(aws_iam_user.this[0].name, "") }
output "iam_user_arn" { value = try(aws_iam_user.this[0].arn, "") }
