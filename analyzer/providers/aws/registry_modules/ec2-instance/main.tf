# tfattest model of terraform-aws-modules/ec2-instance/aws v5/v6 (kb.yaml): aws_instance.this.

variable "tfattest_not_modeled" {
  description = "Stands for what the model does not know: no value, so Unknown."
}

variable "create" { default = true }
variable "name" { default = "" }
variable "ignore_ami_changes" { default = false }
variable "create_spot_instance" { default = false }
variable "ami" { default = null }
variable "instance_type" { default = "t3.micro" }
variable "subnet_id" { default = null }
variable "vpc_security_group_ids" { default = null }
variable "key_name" { default = null }
variable "iam_instance_profile" { default = null }
variable "associate_public_ip_address" { default = null }
variable "monitoring" { default = null }
variable "ebs_optimized" { default = null }
variable "user_data" { default = null }
variable "user_data_base64" { default = null }
variable "launch_template" { default = null }
variable "metadata_options" {
  default = {
    http_endpoint               = "enabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
}
variable "root_block_device" { default = null }
variable "ebs_block_device" { default = null }
variable "tags" { default = {} }

locals {
  # v5 takes lists of maps, v6 one object (root) or a map of objects (ebs)
  root_block_devices = var.root_block_device == null ? [] : try(tolist(var.root_block_device), [var.root_block_device])
  ebs_block_devices  = var.ebs_block_device == null ? [] : try(tolist(var.ebs_block_device), values(var.ebs_block_device))
}

resource "aws_instance" "this" {
  count = var.create && !var.ignore_ami_changes && !var.create_spot_instance ? 1 : 0

  ami                         = var.ami
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = var.vpc_security_group_ids
  key_name                    = var.key_name
  iam_instance_profile        = var.iam_instance_profile
  associate_public_ip_address = var.associate_public_ip_address
  monitoring                  = var.monitoring
  ebs_optimized               = var.ebs_optimized
  user_data                   = var.user_data
  user_data_base64            = var.user_data_base64
  tags                        = merge({ Name = var.name }, var.tags)

  dynamic "launch_template" {
    for_each = var.launch_template == null || try(length(var.launch_template), 0) == 0 ? [] : [var.launch_template]
    content {
      id      = try(launch_template.value.id, null)
      name    = try(launch_template.value.name, null)
      version = try(launch_template.value.version, null)
    }
  }

  dynamic "metadata_options" {
    for_each = var.metadata_options == null || try(length(var.metadata_options), 0) == 0 ? [] : [var.metadata_options]
    content {
      http_endpoint               = try(metadata_options.value.http_endpoint, "enabled")
      http_tokens                 = try(metadata_options.value.http_tokens, var.tfattest_not_modeled)
      http_put_response_hop_limit = try(metadata_options.value.http_put_response_hop_limit, 1)
    }
  }

  dynamic "root_block_device" {
    for_each = local.root_block_devices
    content {
      encrypted   = try(root_block_device.value.encrypted, null)
      kms_key_id  = try(root_block_device.value.kms_key_id, null)
      volume_size = try(root_block_device.value.volume_size, root_block_device.value.size, null)
      volume_type = try(root_block_device.value.volume_type, root_block_device.value.type, null)
    }
  }

  dynamic "ebs_block_device" {
    for_each = local.ebs_block_devices
    content {
      device_name = try(ebs_block_device.value.device_name, var.tfattest_not_modeled)
      encrypted   = try(ebs_block_device.value.encrypted, null)
      kms_key_id  = try(ebs_block_device.value.kms_key_id, null)
      snapshot_id = try(ebs_block_device.value.snapshot_id, null)
    }
  }
}

output "id" { value = try(aws_instance.this[0].id, null) }
output "arn" { value = try(aws_instance.this[0].arn, null) }
