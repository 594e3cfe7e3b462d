"""Azure network exposure: NSG rules (inline and split) and what they admit."""
from __future__ import annotations

PREDICATES: dict = {}
