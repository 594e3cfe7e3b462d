"""Azure: NSG exposure, RBAC and other checks only Azure needs (merged as ``azure.<name>``)."""
from __future__ import annotations

from analyzer.providers.azure import checks, network, rbac

PREDICATES: dict = {**network.PREDICATES, **rbac.PREDICATES, **checks.PREDICATES}
