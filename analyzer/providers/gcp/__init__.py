"""GCP: predicates that only this cloud needs (merged as ``gcp.<name>``)."""
from __future__ import annotations

PREDICATES: dict = {}
