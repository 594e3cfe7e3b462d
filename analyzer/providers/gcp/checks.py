"""GCP checks that need code beyond IAM and firewalls."""
from __future__ import annotations

PREDICATES: dict = {}
