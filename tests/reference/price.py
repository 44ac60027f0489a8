"""Naive NumPy twins of ``candlescan.kernels.price`` (same names and signatures)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _f(a: F64) -> F64:
    return np.asarray(a, dtype=float)


def avgprice(open: F64, high: F64, low: F64, close: F64) -> F64:
    """(open + high + low + close) / 4."""
    return (_f(open) + _f(high) + _f(low) + _f(close)) / 4


def medprice(high: F64, low: F64) -> F64:
    """(high + low) / 2."""
    return (_f(high) + _f(low)) / 2


def typprice(high: F64, low: F64, close: F64) -> F64:
    """(high + low + close) / 3."""
    return (_f(high) + _f(low) + _f(close)) / 3


def wclprice(high: F64, low: F64, close: F64) -> F64:
    """(high + low + 2*close) / 4."""
    return (_f(high) + _f(low) + 2 * _f(close)) / 4
