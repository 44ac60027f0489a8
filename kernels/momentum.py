"""Momentum oscillators (rsi, macd, stoch, adx, cci, mfi, aroon ...)."""

from __future__ import annotations

__all__: list[str] = []
