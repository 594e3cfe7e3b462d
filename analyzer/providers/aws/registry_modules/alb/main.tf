# tfattest model of terraform-aws-modules/alb/aws v9/v10 (kb.yaml): aws_lb.this and its listeners.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create" { default = true }
variable "name" { default = null }
variable "load_balancer_type" { default = "application" }
variable "internal" { default = null }
variable "subnets" { default = null }
variable "security_groups" { default = [] }
variable "enable_deletion_protection" { default = true }
variable "drop_invalid_header_fields" { default = true }
variable "access_logs" { default = {} }
variable "listeners" { default = {} }
variable "tags" { default = {} }
variable "associate_web_acl" { default = false }
variable "web_acl_arn" { default = null }

resource "aws_lb" "this" {
  count = var.create ? 1 : 0

  name                       = var.name
  load_balancer_type         = var.load_balancer_type
  internal                   = var.internal
  subnets                    = var.subnets
  security_groups            = var.security_groups
  enable_deletion_protection = var.enable_deletion_protection
  drop_invalid_header_fields = var.load_balancer_type == "application" ? var.drop_invalid_header_fields : null
  tags                       = var.tags

  dynamic "access_logs" {
    for_each = length(var.access_logs) > 0 ? [var.access_logs] : []
    content {
      bucket  = try(access_logs.value.bucket, var.tfattest_not_modeled)
      enabled = try(access_logs.value.enabled, true)
      prefix  = try(access_logs.value.prefix, null)
    }
  }
}

resource "aws_lb_listener" "this" {
  for_each = { for k, v in var.listeners : k => v if var.create }

  load_balancer_arn = aws_lb.this[0].arn
  port              = try(each.value.port, var.load_balancer_type == "network" ? 80 : 80)
  protocol          = try(each.value.protocol, var.load_balancer_type == "network" ? "TCP" : "HTTP")
  ssl_policy        = contains(["HTTPS", "TLS"], try(each.value.protocol, "HTTP")) ? try(each.value.ssl_policy, var.tfattest_not_modeled) : try(each.value.ssl_policy, null)
  certificate_arn   = try(each.value.certificate_arn, null)

  default_action {
    type = try(each.value.redirect, null) != null ? "redirect" : (try(each.value.fixed_response, null) != null ? "fixed-response" : (try(each.value.forward, null) != null ? "forward" : var.tfattest_not_modeled))

    dynamic "redirect" {
      for_each = try(each.value.redirect, null) != null ? [each.value.redirect] : []
      content {
        port        = try(redirect.value.port, null)
        protocol    = try(redirect.value.protocol, null)
        status_code = try(redirect.value.status_code, null)
      }
    }
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.create && (var.associate_web_acl || var.web_acl_arn != null) ? 1 : 0

  resource_arn = aws_lb.this[0].arn
  web_acl_arn  = var.web_acl_arn
}

output "arn" { value = try(aws_lb.this[0].arn, null) }
output "dns_name" { value = try(aws_lb.this[0].dns_name, null) }
