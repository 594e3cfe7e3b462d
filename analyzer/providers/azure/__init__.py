"""Azure: predicates that only this cloud needs (merged as ``azure.<name>``)."""
from __future__ import annotations

PREDICATES: dict = {}
