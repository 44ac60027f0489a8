"""The element-wise operations of a program, shared by the per-symbol evaluator and the
cross-sectional panel stage: one NumPy function per step name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["BINARY", "UNARY"]


def not_equal(a: Any, b: Any) -> Any:
    # NaN compares false, so NaN != x is False too (NumPy says True).
    return np.not_equal(a, b) & ~(np.isnan(a) | np.isnan(b))


UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": np.negative,
    "abs": np.abs,
    "not": np.logical_not,
}

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "gt": np.greater,
    "ge": np.greater_equal,
    "lt": np.less,
    "le": np.less_equal,
    "eq": np.equal,
    "ne": not_equal,
    "and": np.logical_and,
    "or": np.logical_or,
}
