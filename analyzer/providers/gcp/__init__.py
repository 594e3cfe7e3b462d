"""GCP: IAM bindings, firewall exposure and other checks only Google Cloud needs
(merged as ``gcp.<name>``)."""
from __future__ import annotations

from analyzer.providers.gcp import checks, iam, identity, network

PREDICATES: dict = {**iam.PREDICATES, **network.PREDICATES, **checks.PREDICATES, **identity.PREDICATES}
