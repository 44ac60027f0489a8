"""The registry of kernel families: tests, benchmarks and the indicator plugin iterate it."""

from __future__ import annotations

import functools
import importlib

from candlescan.kernels._meta import Kernel

__all__ = ["FAMILIES", "all_kernels"]

#: Family modules, in documentation order: the one list of them (the package builds its
#: exports from it).
FAMILIES: tuple[str, ...] = (
    "overlap",
    "bands",
    "momentum",
    "stochastic",
    "macd_variants",
    "ma_oscillators",
    "trend",
    "oscillators",
    "volatility",
    "channels",
    "volume",
    "volume_averages",
    "price",
    "rolling",
    "statistics",
    "signals",
)


def all_kernels() -> dict[str, Kernel]:
    """Every public kernel by name, family by family (by name within a family)."""
    return dict(_all_kernels())


@functools.cache
def _all_kernels() -> tuple[tuple[str, Kernel], ...]:
    found: list[tuple[str, Kernel]] = []
    for family in FAMILIES:
        module = importlib.import_module(f"candlescan.kernels.{family}")
        # By metadata, not ``__all__``: ``max``, ``min`` and ``sum`` stay out of it.
        found += sorted(
            (name, value)
            for name, value in vars(module).items()
            if not name.startswith("_")
            and hasattr(value, "info")
            and getattr(value, "__module__", None) == module.__name__
        )
    return tuple(found)
