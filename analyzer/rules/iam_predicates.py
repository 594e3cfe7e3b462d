"""Predicates over IAM policy documents (filled in by the IAM policy work)."""
from __future__ import annotations

IAM_PREDICATES: dict = {}
