# tfattest model of terraform-aws-modules/eks/aws v20/v21 (kb.yaml): aws_eks_cluster.this.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create" { default = true }
variable "tags" { default = {} }
variable "subnet_ids" { default = [] }
variable "control_plane_subnet_ids" { default = [] }
variable "create_kms_key" { default = true }
# v20 spellings
variable "cluster_name" { default = "" }
variable "cluster_version" { default = null }
variable "cluster_endpoint_public_access" { default = null }
variable "cluster_endpoint_private_access" { default = null }
variable "cluster_endpoint_public_access_cidrs" { default = null }
variable "cluster_enabled_log_types" { default = null }
variable "cluster_encryption_config" { default = null }
# v21 spellings
variable "name" { default = "" }
variable "kubernetes_version" { default = null }
variable "endpoint_public_access" { default = null }
variable "endpoint_private_access" { default = null }
variable "endpoint_public_access_cidrs" { default = null }
variable "enabled_log_types" { default = null }
variable "encryption_config" { default = null }

locals {
  public_access     = var.endpoint_public_access != null ? var.endpoint_public_access : (var.cluster_endpoint_public_access != null ? var.cluster_endpoint_public_access : false)
  private_access    = var.endpoint_private_access != null ? var.endpoint_private_access : (var.cluster_endpoint_private_access != null ? var.cluster_endpoint_private_access : true)
  public_cidrs      = var.endpoint_public_access_cidrs != null ? var.endpoint_public_access_cidrs : (var.cluster_endpoint_public_access_cidrs != null ? var.cluster_endpoint_public_access_cidrs : ["0.0.0.0/0"])
  log_types         = var.enabled_log_types != null ? var.enabled_log_types : (var.cluster_enabled_log_types != null ? var.cluster_enabled_log_types : ["audit", "api", "authenticator"])
  encryption_config = var.encryption_config != null ? var.encryption_config : (var.cluster_encryption_config != null ? var.cluster_encryption_config : { resources = ["secrets"] })
  # v19 took a list of objects, v20+ one object; an empty one turns encryption off
  encryption_configs = [for c in try(tolist(local.encryption_config), [local.encryption_config]) : c if try(length(c.resources), 0) > 0]
}

resource "aws_eks_cluster" "this" {
  count = var.create ? 1 : 0

  name                      = var.name != "" ? var.name : var.cluster_name
  version                   = var.kubernetes_version != null ? var.kubernetes_version : var.cluster_version
  enabled_cluster_log_types = local.log_types
  tags                      = var.tags

  vpc_config {
    endpoint_private_access = local.private_access
    endpoint_public_access  = local.public_access
    public_access_cidrs     = local.public_cidrs
    subnet_ids              = length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.subnet_ids
  }

  dynamic "encryption_config" {
    for_each = local.encryption_configs
    content {
      resources = encryption_config.value.resources
      provider {
        key_arn = try(encryption_config.value.provider_key_arn, var.tfattest_not_modeled)
      }
    }
  }
}

output "cluster_name" { value = try(aws_eks_cluster.this[0].name, "") }
output "cluster_arn" { value = try(aws_eks_cluster.this[0].arn, null) }
output "cluster_endpoint" { value = try(aws_eks_cluster.this[0].endpoint, null) }
