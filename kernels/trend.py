"""Trend strength: directional movement (adx, adxr, dx, plus_di, minus_di) and aroon."""

from __future__ import annotations

__all__: list[str] = []
