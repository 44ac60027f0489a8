"""Bounded oscillators over high/low/close/volume (cci, willr, mfi, ultosc, bop)."""

from __future__ import annotations

__all__: list[str] = []
