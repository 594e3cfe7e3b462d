# tfattest model of terraform-aws-modules/security-group/aws v4/v5 (kb.yaml). Not the module's
# code: its security group and the ingress/egress rules its inputs create.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create" { default = true }
variable "create_sg" { default = true }
variable "security_group_id" { default = null }
variable "use_name_prefix" { default = true }
variable "name" { default = null }
variable "description" { default = "Security Group managed by Terraform" }
variable "vpc_id" { default = null }
variable "tags" { default = {} }
variable "ingress_rules" { default = [] }
variable "ingress_cidr_blocks" { default = [] }
variable "ingress_ipv6_cidr_blocks" { default = [] }
variable "ingress_with_cidr_blocks" { default = [] }
variable "ingress_with_ipv6_cidr_blocks" { default = [] }
variable "ingress_with_source_security_group_id" { default = [] }
variable "ingress_with_self" { default = [] }
variable "computed_ingress_rules" { default = [] }
variable "number_of_computed_ingress_rules" { default = 0 }
variable "computed_ingress_with_cidr_blocks" { default = [] }
variable "number_of_computed_ingress_with_cidr_blocks" { default = 0 }
variable "egress_rules" { default = [] }
variable "egress_cidr_blocks" { default = ["0.0.0.0/0"] }
variable "egress_ipv6_cidr_blocks" { default = ["::/0"] }
variable "egress_with_cidr_blocks" { default = [] }

locals {
  # named rules of the module's rules.tf used most: [from_port, to_port, protocol]; any other
  # name gives unknown ports
  rules = {
    "all-all"                = [-1, -1, "-1"]
    "all-tcp"                = [0, 65535, "tcp"]
    "all-udp"                = [0, 65535, "udp"]
    "all-icmp"               = [-1, -1, "icmp"]
    "ssh-tcp"                = [22, 22, "tcp"]
    "rdp-tcp"                = [3389, 3389, "tcp"]
    "rdp-udp"                = [3389, 3389, "udp"]
    "http-80-tcp"            = [80, 80, "tcp"]
    "http-8080-tcp"          = [8080, 8080, "tcp"]
    "https-443-tcp"          = [443, 443, "tcp"]
    "https-8443-tcp"         = [8443, 8443, "tcp"]
    "mysql-tcp"              = [3306, 3306, "tcp"]
    "postgresql-tcp"         = [5432, 5432, "tcp"]
    "mssql-tcp"              = [1433, 1433, "tcp"]
    "oracle-db-tcp"          = [1521, 1521, "tcp"]
    "redis-tcp"              = [6379, 6379, "tcp"]
    "memcached-tcp"          = [11211, 11211, "tcp"]
    "mongodb-27017-tcp"      = [27017, 27017, "tcp"]
    "elasticsearch-rest-tcp" = [9200, 9200, "tcp"]
    "elasticsearch-java-tcp" = [9300, 9300, "tcp"]
    "kibana-tcp"             = [5601, 5601, "tcp"]
    "nfs-tcp"                = [2049, 2049, "tcp"]
    "smtp-tcp"               = [25, 25, "tcp"]
    "dns-udp"                = [53, 53, "udp"]
    "dns-tcp"                = [53, 53, "tcp"]
    "ntp-udp"                = [123, 123, "udp"]
  }
  sg_id = var.create_sg ? (var.use_name_prefix ? aws_security_group.this_name_prefix[0].id : aws_security_group.this[0].id) : var.security_group_id
}

resource "aws_security_group" "this" {
  count = var.create && var.create_sg && !var.use_name_prefix ? 1 : 0

  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "this_name_prefix" {
  count = var.create && var.create_sg && var.use_name_prefix ? 1 : 0

  name_prefix = "${var.name}-"
  description = var.description
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group_rule" "ingress_rules" {
  count = var.create ? length(var.ingress_rules) : 0

  security_group_id = local.sg_id
  type              = "ingress"
  cidr_blocks       = var.ingress_cidr_blocks
  ipv6_cidr_blocks  = var.ingress_ipv6_cidr_blocks
  from_port         = try(local.rules[var.ingress_rules[count.index]][0], var.tfattest_not_modeled)
  to_port           = try(local.rules[var.ingress_rules[count.index]][1], var.tfattest_not_modeled)
  protocol          = try(local.rules[var.ingress_rules[count.index]][2], var.tfattest_not_modeled)
}

resource "aws_security_group_rule" "computed_ingress_rules" {
  count = var.create ? var.number_of_computed_ingress_rules : 0

  security_group_id = local.sg_id
  type              = "ingress"
  cidr_blocks       = var.ingress_cidr_blocks
  ipv6_cidr_blocks  = var.ingress_ipv6_cidr_blocks
  from_port         = try(local.rules[var.computed_ingress_rules[count.index]][0], var.tfattest_not_modeled)
  to_port           = try(local.rules[var.computed_ingress_rules[count.index]][1], var.tfattest_not_modeled)
  protocol          = try(local.rules[var.computed_ingress_rules[count.index]][2], var.tfattest_not_modeled)
}

resource "aws_security_group_rule" "ingress_with_cidr_blocks" {
  count = var.create ? length(var.ingress_with_cidr_blocks) : 0

  security_group_id = local.sg_id
  type              = "ingress"
  # a comma-separated string in the map, else the module-wide ingress_cidr_blocks
  cidr_blocks = split(",", lookup(var.ingress_with_cidr_blocks[count.index], "cidr_blocks", join(",", var.ingress_cidr_blocks)))
  from_port   = lookup(var.ingress_with_cidr_blocks[count.index], "from_port", try(local.rules[var.ingress_with_cidr_blocks[count.index]["rule"]][0], var.tfattest_not_modeled))
  to_port     = lookup(var.ingress_with_cidr_blocks[count.index], "to_port", try(local.rules[var.ingress_with_cidr_blocks[count.index]["rule"]][1], var.tfattest_not_modeled))
  protocol    = lookup(var.ingress_with_cidr_blocks[count.index], "protocol", try(local.rules[var.ingress_with_cidr_blocks[count.index]["rule"]][2], var.tfattest_not_modeled))
}

resource "aws_security_group_rule" "computed_ingress_with_cidr_blocks" {
  count = var.create ? var.number_of_computed_ingress_with_cidr_blocks : 0

  security_group_id = local.sg_id
  type              = "ingress"
  cidr_blocks       = split(",", lookup(var.computed_ingress_with_cidr_blocks[count.index], "cidr_blocks", join(",", var.ingress_cidr_blocks)))
  from_port         = lookup(var.computed_ingress_with_cidr_blocks[count.index], "from_port", try(local.rules[var.computed_ingress_with_cidr_blocks[count.index]["rule"]][0], var.tfattest_not_modeled))
  to_port           = lookup(var.computed_ingress_with_cidr_blocks[count.index], "to_port", try(local.rules[var.computed_ingress_with_cidr_blocks[count.index]["rule"]][1], var.tfattest_not_modeled))
  protocol          = lookup(var.computed_ingress_with_cidr_blocks[count.index], "protocol", try(local.rules[var.computed_ingress_with_cidr_blocks[count.index]["rule"]][2], var.tfattest_not_modeled))
}

resource "aws_security_group_rule" "ingress_with_ipv6_cidr_blocks" {
  count = var.create ? length(var.ingress_with_ipv6_cidr_blocks) : 0

  security_group_id = local.sg_id
  type              = "ingress"
  ipv6_cidr_blocks  = split(",", lookup(var.ingress_with_ipv6_cidr_blocks[count.index], "ipv6_cidr_blocks", join(",", var.ingress_ipv6_cidr_blocks)))
  from_port         = lookup(var.ingress_with_ipv6_cidr_blocks[count.index], "from_port", try(local.rules[var.ingress_with_ipv6_cidr_blocks[count.index]["rule"]][0], var.tfattest_not_modeled))
  to_port           = lookup(var.ingress_with_ipv6_cidr_blocks[count.index], "to_port", try(local.rules[var.ingress_with_ipv6_cidr_blocks[count.index]["rule"]][1], var.tfattest_not_modeled))
  protocol          = lookup(var.ingress_with_ipv6_cidr_blocks[count.index], "protocol", try(local.rules[var.ingress_with_ipv6_cidr_blocks[count.index]["rule"]][2], var.tfattest_not_modeled))
}

resource "aws_security_group_rule" "ingress_with_source_security_group_id" {
  count = var.create ? length(var.ingress_with_source_security_group_id) : 0

  security_group_id        = local.sg_id
  type                     = "ingress"
  source_security_group_id = var.ingress_with_source_security_group_id[count.index]["source_security_group_id"]
  from_port                = lookup(var.ingress_with_source_security_group_id[count.index], "from_port", try(local.rules[var.ingress_with_source_security_group_id[count.index]["rule"]][0], var.tfattest_not_modeled))
  to_port                  = lookup(var.ingress_with_source_security_group_id[count.index], "to_port", try(local.rules[var.ingress_with_source_security_group_id[count.index]["rule"]][1], var.tfattest_not_modeled))
  protocol                 = lookup(var.ingress_with_source_security_group_id[count.index], "protocol", try(local.rules[var.ingress_with_source_security_group_id[count.index]["rule"]][2], var.tfattest_not_modeled))
}

resource "aws_security_group_rule" "egress_rules" {
  count = var.create ? length(var.egress_rules) : 0

  security_group_id = local.sg_id
  type              = "egress"
  cidr_blocks       = var.egress_cidr_blocks
  ipv6_cidr_blocks  = var.egress_ipv6_cidr_blocks
  from_port         = try(local.rules[var.egress_rules[count.index]][0], var.tfattest_not_modeled)
  to_port           = try(local.rules[var.egress_rules[count.index]][1], var.tfattest_not_modeled)
  protocol          = try(local.rules[var.egress_rules[count.index]][2], var.tfattest_not_modeled)
}

output "security_group_id" { value = local.sg_id }
