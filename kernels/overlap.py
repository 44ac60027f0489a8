"""Overlap studies: moving averages and bands (sma, ema, wma, dema, tema, kama, bbands ...)."""

from __future__ import annotations

__all__: list[str] = []
