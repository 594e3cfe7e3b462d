"""AWS: the IAM policy model, IAM, security-group, network ACL, KMS, credential, CloudWatch and
container predicates."""
from __future__ import annotations

from analyzer.providers.aws import cloudwatch, containers, credentials, kms
from analyzer.providers.aws.iam import IAM_PREDICATES
from analyzer.providers.aws.network import ingress_open_to_world, nacl_ingress_open_to_world

PREDICATES: dict = {
    "ingress_open_to_world": ingress_open_to_world,
    "nacl_ingress_open_to_world": nacl_ingress_open_to_world,
    **IAM_PREDICATES,
    **cloudwatch.PREDICATES,
    **containers.PREDICATES,
    **kms.PREDICATES,
    **credentials.PREDICATES,
}
