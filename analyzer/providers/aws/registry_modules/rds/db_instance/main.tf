# tfattest model of terraform-aws-modules/rds/aws//modules/db_instance (see ../kb.yaml).

variable "create" { default = true }
variable "identifier" { default = null }
variable "engine" { default = null }
variable "engine_version" { default = null }
variable "instance_class" { default = null }
variable "allocated_storage" { default = null }
variable "storage_type" { default = null }
variable "storage_encrypted" { default = true }
variable "kms_key_id" { default = null }
variable "db_name" { default = null }
variable "username" { default = null }
variable "password" { default = null }
variable "manage_master_user_password" { default = null }
variable "port" { default = null }
variable "vpc_security_group_ids" { default = null }
variable "db_subnet_group_name" { default = null }
variable "publicly_accessible" { default = false }
variable "multi_az" { default = false }
variable "iam_database_authentication_enabled" { default = false }
variable "deletion_protection" { default = false }
variable "backup_retention_period" { default = null }
variable "enabled_cloudwatch_logs_exports" { default = [] }
variable "replicate_source_db" { default = null }
variable "snapshot_identifier" { default = null }
variable "performance_insights_enabled" { default = false }
variable "performance_insights_kms_key_id" { default = null }
variable "auto_minor_version_upgrade" { default = true }
variable "skip_final_snapshot" { default = false }
variable "copy_tags_to_snapshot" { default = false }
variable "ca_cert_identifier" { default = null }
variable "tags" { default = {} }

resource "aws_db_instance" "this" {
  count = var.create ? 1 : 0

  identifier                          = var.identifier
  engine                              = var.engine
  engine_version                      = var.engine_version
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage
  storage_type                        = var.storage_type
  storage_encrypted                   = var.storage_encrypted
  kms_key_id                          = var.kms_key_id
  db_name                             = var.db_name
  username                            = var.username
  password                            = var.password
  manage_master_user_password         = var.manage_master_user_password
  port                                = var.port
  vpc_security_group_ids              = var.vpc_security_group_ids
  db_subnet_group_name                = var.db_subnet_group_name
  publicly_accessible                 = var.publicly_accessible
  multi_az                            = var.multi_az
  iam_database_authentication_enabled = var.iam_database_authentication_enabled
  deletion_protection                 = var.deletion_protection
  backup_retention_period             = var.backup_retention_period
  enabled_cloudwatch_logs_exports     = var.enabled_cloudwatch_logs_exports
  replicate_source_db                 = var.replicate_source_db
  snapshot_identifier                 = var.snapshot_identifier
  performance_insights_enabled        = var.performance_insights_enabled
  performance_insights_kms_key_id     = var.performance_insights_enabled ? var.performance_insights_kms_key_id : null
  auto_minor_version_upgrade          = var.auto_minor_version_upgrade
  skip_final_snapshot                 = var.skip_final_snapshot
  copy_tags_to_snapshot               = var.copy_tags_to_snapshot
  ca_cert_identifier                  = var.ca_cert_identifier
  tags                                = var.tags
}

output "db_instance_identifier" { value = try(aws_db_instance.this[0].identifier, null) }
output "db_instance_arn" { value = try(aws_db_instance.this[0].arn, null) }
