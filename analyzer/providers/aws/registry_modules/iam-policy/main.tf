# tfattest model of terraform-aws-modules/iam/aws//modules/iam-policy v5 (kb.yaml).

variable "create_policy" { default = true }
variable "name" { default = null }
variable "name_prefix" { default = null }
variable "path" { default = "/" }
variable "description" { default = "IAM Policy" }
variable "policy" { default = "" }
variable "tags" { default = {} }

resource "aws_iam_policy" "policy" {
  count = var.create_policy ? 1 : 0

  name        = var.name
  name_prefix = var.name_prefix
  path        = var.path
  description = var.description
  policy      = var.policy
  tags        = var.tags
}

output "arn" { value = try(aws_iam_policy.policy[0].arn, "") }
output "id" { value = try(aws_iam_policy.policy[0].id, "") }
output "name" { value = try(aws_iam_policy.policy[0].name, "") }
