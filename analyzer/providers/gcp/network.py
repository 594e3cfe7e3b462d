"""GCP network exposure: firewall rules and what they admit."""
from __future__ import annotations

PREDICATES: dict = {}
