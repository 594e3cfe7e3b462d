# tfattest model of terraform-aws-modules/vpc/aws v5/v6 (kb.yaml): the VPC, its public and private
# subnets, flow log, default network ACL and default security group.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create_vpc" { default = true }
variable "name" { default = "" }
variable "cidr" { default = "10.0.0.0/16" }
variable "azs" { default = [] }
variable "public_subnets" { default = [] }
variable "private_subnets" { default = [] }
variable "map_public_ip_on_launch" { default = false }
variable "enable_flow_log" { default = false }
variable "flow_log_traffic_type" { default = "ALL" }
variable "flow_log_destination_type" { default = "cloud-watch-logs" }
variable "flow_log_destination_arn" { default = "" }
variable "manage_default_network_acl" { default = true }
variable "default_network_acl_ingress" {
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
    { rule_no = 101, action = "allow", from_port = 0, to_port = 0, protocol = "-1", ipv6_cidr_block = "::/0" },
  ]
}
variable "default_network_acl_egress" {
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
    { rule_no = 101, action = "allow", from_port = 0, to_port = 0, protocol = "-1", ipv6_cidr_block = "::/0" },
  ]
}
variable "manage_default_security_group" { default = true }
variable "default_security_group_ingress" { default = [] }
variable "default_security_group_egress" { default = [] }
variable "tags" { default = {} }

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block = var.cidr
  tags       = merge({ Name = var.name }, var.tags)
}

resource "aws_subnet" "public" {
  count = var.create_vpc ? length(var.public_subnets) : 0

  vpc_id                  = aws_vpc.this[0].id
  cidr_block              = var.public_subnets[count.index]
  availability_zone       = try(var.azs[count.index], null)
  map_public_ip_on_launch = var.map_public_ip_on_launch
}

resource "aws_subnet" "private" {
  count = var.create_vpc ? length(var.private_subnets) : 0

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = var.private_subnets[count.index]
  availability_zone = try(var.azs[count.index], null)
}

resource "aws_flow_log" "this" {
  count = var.create_vpc && var.enable_flow_log ? 1 : 0

  vpc_id               = aws_vpc.this[0].id
  traffic_type         = var.flow_log_traffic_type
  log_destination_type = var.flow_log_destination_type
  log_destination      = var.flow_log_destination_arn != "" ? var.flow_log_destination_arn : var.tfattest_not_modeled
}

resource "aws_default_network_acl" "this" {
  count = var.create_vpc && var.manage_default_network_acl ? 1 : 0

  default_network_acl_id = aws_vpc.this[0].default_network_acl_id

  dynamic "ingress" {
    for_each = var.default_network_acl_ingress
    content {
      rule_no         = ingress.value.rule_no
      action          = ingress.value.action
      from_port       = ingress.value.from_port
      to_port         = ingress.value.to_port
      protocol        = ingress.value.protocol
      cidr_block      = try(ingress.value.cidr_block, null)
      ipv6_cidr_block = try(ingress.value.ipv6_cidr_block, null)
    }
  }

  dynamic "egress" {
    for_each = var.default_network_acl_egress
    content {
      rule_no         = egress.value.rule_no
      action          = egress.value.action
      from_port       = egress.value.from_port
      to_port         = egress.value.to_port
      protocol        = egress.value.protocol
      cidr_block      = try(egress.value.cidr_block, null)
      ipv6_cidr_block = try(egress.value.ipv6_cidr_block, null)
    }
  }
}

resource "aws_default_security_group" "this" {
  count = var.create_vpc && var.manage_default_security_group ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  dynamic "ingress" {
    for_each = var.default_security_group_ingress
    content {
      self             = try(tobool(ingress.value.self), null)
      cidr_blocks      = compact(split(",", try(ingress.value.cidr_blocks, "")))
      ipv6_cidr_blocks = compact(split(",", try(ingress.value.ipv6_cidr_blocks, "")))
      from_port        = try(ingress.value.from_port, 0)
      to_port          = try(ingress.value.to_port, 0)
      protocol         = try(ingress.value.protocol, "-1")
    }
  }

  dynamic "egress" {
    for_each = var.default_security_group_egress
    content {
      cidr_blocks = compact(split(",", try(egress.value.cidr_blocks, "")))
      from_port   = try(egress.value.from_port, 0)
      to_port     = try(egress.value.to_port, 0)
      protocol    = try(egress.value.protocol, "-1")
    }
  }
}

output "vpc_id" { value = try(aws_vpc.this[0].id, null) }
output "public_subnets" { value = aws_subnet.public[*].id }
output "private_subnets" { value = aws_subnet.private[*].id }
output "default_security_group_id" { value = try(aws_default_security_group.this[0].id, null) }
