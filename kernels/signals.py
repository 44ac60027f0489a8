"""Signal helpers (cross_above, cross_below, shift)."""

from __future__ import annotations

__all__: list[str] = []
