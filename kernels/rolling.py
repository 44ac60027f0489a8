"""Rolling-window reductions (max, min, sum, maxindex, minindex, highest, lowest)."""

from __future__ import annotations

__all__: list[str] = []
