"""Naive twins of ``candlescan.kernels.ma_oscillators``: same names and signatures.

Textbook definitions (the project's NaN rule: the moving-average twins of
:func:`tests.reference.momentum.ma` re-seed on each clean run).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tests.reference.momentum import ma, roc

F64 = npt.NDArray[np.float64]


def trix(real: F64, timeperiod: int = 30) -> F64:
    """1-bar ROC of EMA(EMA(EMA(real)))."""
    triple = ma(ma(ma(real, timeperiod, 1), timeperiod, 1), timeperiod, 1)
    return roc(triple, 1)


def apo(real: F64, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64:
    """MA_fast - MA_slow, both from the first bar."""
    fast, slow = min(fastperiod, slowperiod), max(fastperiod, slowperiod)
    return ma(real, fast, matype) - ma(real, slow, matype)


def ppo(real: F64, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64:
    """(MA_fast - MA_slow) / MA_slow * 100; 0 for |MA_slow| < 1e-14."""
    fast, slow = min(fastperiod, slowperiod), max(fastperiod, slowperiod)
    f = ma(real, fast, matype)
    s = ma(real, slow, matype)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (f - s) / s * 100.0
    return np.where(np.abs(s) < 1e-14, 0.0, value)
