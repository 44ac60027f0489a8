"""Price transforms (avgprice, medprice, typprice, wclprice)."""

from __future__ import annotations

__all__: list[str] = []
