"""Statistics (linearreg, linearreg_slope, beta, correl)."""

from __future__ import annotations

__all__: list[str] = []
