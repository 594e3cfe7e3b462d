"""Azure checks that need code beyond NSGs and RBAC."""
from __future__ import annotations

PREDICATES: dict = {}
