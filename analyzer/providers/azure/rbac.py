"""Azure role definitions and assignments."""
from __future__ import annotations

PREDICATES: dict = {}
