"""AWS CloudWatch metric filters and alarms (the CIS monitoring set)."""
from __future__ import annotations

PREDICATES: dict = {}
