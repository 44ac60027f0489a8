"""Signal helpers (cross_above, cross_below, shift).

Not TA-Lib functions: candlescan's building blocks for screening formulas such as
``cross_above(sma(close, 50), sma(close, 200))``. Outputs are float64 (1.0 / 0.0 for the
crosses) so they compose with every other kernel; NaN means "unknown", never "false".
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__: list[str] = ["cross_above", "cross_below", "shift"]


@njit
def _cross(real0: F64Array, real1: F64Array, above: bool) -> F64Array:
    out = np.full(len(real0), np.nan)
    for t in range(1, len(real0)):
        a0 = real0[t - 1]
        b0 = real1[t - 1]
        a1 = real0[t]
        b1 = real1[t]
        if np.isnan(a0) or np.isnan(b0) or np.isnan(a1) or np.isnan(b1):
            continue
        if above:
            out[t] = 1.0 if (a1 > b1 and a0 <= b0) else 0.0
        else:
            out[t] = 1.0 if (a1 < b1 and a0 >= b0) else 0.0
    return out


@njit
def _shift(real: F64Array, periods: int) -> F64Array:
    out = np.full(len(real), np.nan)
    for t in range(periods, len(real)):
        out[t] = real[t - periods]
    return out


def _cross_lookback() -> int:
    return 1


@indicator(
    inputs=("real0", "real1"),
    about_inputs="The two series, same length (e.g. a fast and a slow moving average).",
    lookback=_cross_lookback,
)
def cross_above(real0: F64Array, real1: F64Array) -> F64Array:
    """1.0 on the bar where ``real0`` crosses above ``real1``, else 0.0.

    Returns
    -------
    numpy.ndarray
        float64 of 1.0/0.0, same length as the inputs; the first value is NaN
        (lookback 1).

    Notes
    -----
    ``cross_above[t] = real0[t] > real1[t] and real0[t-1] <= real1[t-1]``: a touch
    followed by a break counts, a touch alone does not. NaN rule: NaN when any of
    ``real0[t]``, ``real1[t]``, ``real0[t-1]``, ``real1[t-1]`` is NaN (so a warm-up never
    reads as "no cross"), valid again from the second clean bar. No TA-Lib equivalent.
    """
    return _cross(real0, real1, True)


@indicator(inputs=("real0", "real1"), lookback=_cross_lookback)
def cross_below(real0: F64Array, real1: F64Array) -> F64Array:
    """1.0 on the bar where ``real0`` crosses below ``real1``, else 0.0.

    Returns
    -------
    numpy.ndarray
        float64 of 1.0/0.0, same length as the inputs; the first value is NaN
        (lookback 1).

    Notes
    -----
    ``cross_below[t] = real0[t] < real1[t] and real0[t-1] >= real1[t-1]`` (the mirror of
    :func:`cross_above`; ``cross_below(a, b) == cross_above(b, a)``). NaN rule: NaN when
    any of the four values is NaN. No TA-Lib equivalent.
    """
    return _cross(real0, real1, False)


def _shift_lookback(periods: int) -> int:
    return periods


@indicator(
    inputs=("real",),
    lookback=_shift_lookback,
    periods=Param(
        1,
        0,
        100_000,
        doc="Bars back. Negative values (the future) are refused: a screen must never look ahead.",
    ),
)
def shift(real: F64Array, periods: int = 1) -> F64Array:
    """The value ``periods`` bars ago: ``shift[t] = real[t - periods]``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``periods`` values are NaN.

    Notes
    -----
    What the formula syntax ``x[1]`` means. NaN rule: a NaN input moves along with the
    data (NaN ``periods`` bars later); nothing else is affected. No TA-Lib equivalent.
    """
    return _shift(real, periods)
