"""Volume indicators (obv, ad, adosc, vwap, vwma, rvol)."""

from __future__ import annotations

__all__: list[str] = []
