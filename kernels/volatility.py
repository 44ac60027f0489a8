"""Volatility measures (atr, natr, trange, stddev, var, keltner, donchian, supertrend)."""

from __future__ import annotations

__all__: list[str] = []
