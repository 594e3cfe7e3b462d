"""GCP IAM as a model: bindings from every spelling (member, binding, policy) at every level."""
from __future__ import annotations

PREDICATES: dict = {}
