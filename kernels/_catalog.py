"""The registry of kernel families: tests, benchmarks and the indicator plugin iterate it."""

from __future__ import annotations

import importlib

from candlescan.kernels._meta import Kernel

__all__ = ["FAMILIES", "all_kernels"]

#: Family modules, in documentation order.
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
    """Every public kernel by name, family by family."""
    kernels: dict[str, Kernel] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"candlescan.kernels.{family}")
        for name in module.__all__:
            kernel = getattr(module, name)
            if hasattr(kernel, "info"):
                kernels[name] = kernel
    return kernels
