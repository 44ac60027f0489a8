"""Hypothesis strategies over a :class:`~tests.kernels.cases.Case`: valid params and data.

Series stay short (<= :data:`MAX_BARS`) and windows small, so that a whole property
run over every kernel fits a 2-core CI budget; the data are
:func:`~tests.kernels.cases.synthetic_ohlcv` bars drawn by length and seed.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.kernels.cases import Case, Ohlcv, Params, synthetic_ohlcv

__all__ = ["MAX_BARS", "MAX_LOOKBACK", "max_lookback", "nan_runs", "params", "scenario"]

#: Longest series a property test builds.
MAX_BARS = 300
#: Random params are kept to a lookback of at most this, leaving room for output bars.
MAX_LOOKBACK = 200


def params(case: Case, *, capped: bool = True, talib: bool = False) -> st.SearchStrategy[Params]:
    """Valid parameter dicts: the defaults first, then draws from each parameter's range.

    With ``capped=False`` integer parameters span their whole declared bounds (only for
    tests that never allocate a series, such as comparing lookbacks). With ``talib=True``
    the params TA-Lib's namesake lacks stay at their defaults.
    """
    fields: dict[str, st.SearchStrategy[int | float]] = {}
    for param_range, spec in zip(case.space, case.kernel.info.params, strict=True):
        if talib and param_range.name in case.extension_params:
            fields[param_range.name] = st.just(spec.default)
        elif param_range.kind == "int":
            high = int(param_range.high) if capped else int(spec.high)
            fields[param_range.name] = st.integers(int(param_range.low), high)
        elif param_range.low == param_range.high:
            fields[param_range.name] = st.just(float(param_range.low))
        else:
            fields[param_range.name] = st.floats(
                float(param_range.low), float(param_range.high), allow_nan=False
            )
    drawn = st.fixed_dictionaries(fields)
    strategy = st.one_of(st.just(dict(case.defaults)), drawn)
    if talib:
        strategy = strategy.filter(lambda p: case.talib_deviates(p) is None)
    if capped:
        limit = max_lookback(case)
        return strategy.filter(lambda p: case.lookback(p) <= limit)
    return strategy


def max_lookback(case: Case) -> int:
    """:data:`MAX_LOOKBACK`, or more for a kernel whose smallest params already need more."""
    smallest = {r.name: (r.low if r.kind == "int" else case.defaults[r.name]) for r in case.space}
    try:
        floor = case.lookback(smallest)
    except ValueError:  # a combination the kernel refuses: keep the default limit
        floor = 0
    return max(MAX_LOOKBACK, floor + 50)


@st.composite
def scenario(
    draw: st.DrawFn, case: Case, min_extra: int = 1, max_extra: int = 120, talib: bool = False
) -> tuple[Params, Ohlcv]:
    """``(params, data)`` with ``len(data) - lookback`` in ``[min_extra, max_extra]``.

    ``min_extra`` may be negative to produce series shorter than the warm-up. With
    ``talib=True`` no close repeats (see :func:`~tests.kernels.cases.synthetic_ohlcv`).
    """
    chosen = draw(params(case, talib=talib))
    lookback = case.lookback(chosen)
    low = max(0, lookback + min_extra)
    high = max(low, min(max(MAX_BARS, lookback + 50), lookback + max_extra))
    n = draw(st.integers(low, high))
    seed = draw(st.integers(0, 2**32 - 1))
    return chosen, synthetic_ohlcv(n, seed, moving_closes=talib)


@st.composite
def nan_runs(draw: st.DrawFn, n: int, max_runs: int = 3) -> list[int]:
    """Bars to blank: up to ``max_runs`` runs of 1-3 consecutive bars inside ``[0, n)``."""
    bars: set[int] = set()
    for _ in range(draw(st.integers(1, max_runs))):
        start = draw(st.integers(0, max(0, n - 1)))
        length = draw(st.integers(1, 3))
        bars.update(range(start, min(n, start + length)))
    return sorted(bars)
