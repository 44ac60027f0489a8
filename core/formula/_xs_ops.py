"""The cross-sectional operators on a panel (rows = symbols, columns = bars).

Each function works on every bar at once and compares only the values of one column,
so a bar's result never depends on a later bar. ``NaN`` marks a symbol that is not in the
universe on that bar (no bar, not warm, or the value is undefined); it takes no part
and gets ``NaN`` (``False`` for ``top``/``bottom``). Rows are in symbol order, which
is how ties are broken where a method needs it (``top``/``bottom``).

Semantics (written down in ``docs/screener.md``):

* ``rank``: 1 = the largest value; ties share the best rank of their group
  (``method="min"``: 10, 10, 9 rank 1, 1, 3).
* ``percentile``: 100 x the average ascending rank / count: the largest is 100, ties
  share the average (pandas ``rank(pct=True, method="average") * 100``).
* ``zscore``: ``(x - mean) / std`` with the population std (``ddof=0``); NaN when fewer
  than two values or all equal. ``demean``: ``x - mean``. ``median``: the median of the
  universe, given to every row of the group (even one whose own value is NaN).
* ``top(x, n)`` / ``bottom(x, n)``: exactly the ``n`` largest / smallest; ties are broken by
  symbol (alphabetical), so the set never exceeds ``n``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["CROSS_OPS", "grouped"]

F64 = npt.NDArray[np.float64]
Panel = npt.NDArray[Any]


def _runs(key: F64) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Sort each column (NaN last); return the order and each sorted row's tie-run bounds."""
    rows = key.shape[0]
    order = np.argsort(key, axis=0, kind="stable")
    ordered = np.take_along_axis(key, order, axis=0)
    index = np.broadcast_to(np.arange(rows)[:, None], key.shape)
    new = np.ones(key.shape, dtype=np.bool_)
    new[1:] = ordered[1:] != ordered[:-1]  # NaN != NaN: each NaN is its own run
    end = np.ones(key.shape, dtype=np.bool_)
    end[:-1] = new[1:]
    first = np.maximum.accumulate(np.where(new, index, 0), axis=0)
    last = np.minimum.accumulate(np.where(end, index, rows)[::-1], axis=0)[::-1]
    return order, first, last


def _scatter(order: npt.NDArray[np.intp], sorted_values: Panel, dtype: Any) -> Panel:
    out = np.empty(order.shape, dtype=dtype)
    np.put_along_axis(out, order, sorted_values, axis=0)
    return out


def rank(x: F64) -> F64:
    order, first, _ = _runs(-x)
    out = _scatter(order, first + 1.0, np.float64)
    out[np.isnan(x)] = np.nan
    return out


def percentile(x: F64) -> F64:
    valid = ~np.isnan(x)
    count = valid.sum(axis=0)
    order, first, last = _runs(-x)
    average_desc = _scatter(order, (first + last) / 2.0 + 1.0, np.float64)
    with np.errstate(all="ignore"):
        out: F64 = 100.0 * (count + 1.0 - average_desc) / count
    out[~valid] = np.nan
    return out


def _moments(x: F64) -> tuple[F64, F64, npt.NDArray[np.intp]]:
    valid = ~np.isnan(x)
    count = valid.sum(axis=0)
    with np.errstate(all="ignore"):
        mean = np.where(valid, x, 0.0).sum(axis=0) / count
        var = np.where(valid, (x - mean) ** 2, 0.0).sum(axis=0) / count
    return mean, np.sqrt(var), count


def demean(x: F64) -> F64:
    mean, _, _ = _moments(x)
    return x - mean


def zscore(x: F64) -> F64:
    mean, std, count = _moments(x)
    with np.errstate(all="ignore"):
        out = (x - mean) / std
    out[:, (count < 2) | ~(std > 0)] = np.nan
    out[np.isnan(x)] = np.nan
    return out


def median(x: F64) -> F64:
    count = (~np.isnan(x)).sum(axis=0)
    ordered = np.sort(x, axis=0)  # NaN last
    low = np.clip((count - 1) // 2, 0, None)
    high = np.clip(count // 2, 0, None)
    pick_low = np.take_along_axis(ordered, low[None, :], axis=0)[0]
    pick_high = np.take_along_axis(ordered, high[None, :], axis=0)[0]
    middle = np.where(count > 0, (pick_low + pick_high) / 2.0, np.nan)
    return np.broadcast_to(middle, x.shape).copy()


def _first_n(x: F64, n: int, descending: bool) -> Panel:
    key = -x if descending else x
    order = np.argsort(key, axis=0, kind="stable")  # NaN last; ties keep symbol order
    position = np.broadcast_to(np.arange(x.shape[0])[:, None], x.shape)
    chosen = _scatter(order, position < n, np.bool_)
    return chosen & ~np.isnan(x)


def top(x: F64, n: int) -> Panel:
    return _first_n(x, n, descending=True)


def bottom(x: F64, n: int) -> Panel:
    return _first_n(x, n, descending=False)


def grouped(
    function: Callable[[F64], Panel],
    x: F64,
    codes: npt.NDArray[np.intp] | None,
    *,
    boolean: bool,
) -> Panel:
    """``function`` applied within each group; rows without a group (code -1) get NaN/False."""
    out: Panel = np.full(x.shape, False) if boolean else np.full(x.shape, np.nan)
    if codes is None:
        return function(x) if x.shape[0] else out
    for code in np.unique(codes[codes >= 0]):
        rows = codes == code
        out[rows] = function(x[rows])
    return out


#: name -> (function, takes a count).
CROSS_OPS: dict[str, tuple[Callable[..., Panel], bool]] = {
    "rank": (rank, False),
    "percentile": (percentile, False),
    "zscore": (zscore, False),
    "demean": (demean, False),
    "median": (median, False),
    "top": (top, True),
    "bottom": (bottom, True),
}
