"""``candlescan.data.resample``: hand-derived cases and pandas' ``resample`` as a reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from candlescan import Candles, InvalidCandlesError, Timeframe
from candlescan.data.resample import is_finer, resample, timeframe_rank

_COLUMNS = ("open", "high", "low", "close", "volume")


def _candles(days: list[str], rows: list[tuple[float, ...]], symbol: str = "X") -> Candles:
    o, h, lo, c, v = (list(col) for col in zip(*rows, strict=True))
    return Candles(symbol, np.array(days, dtype="datetime64[D]"), o, h, lo, c, v)


def _days(candles: Candles) -> list[str]:
    return [str(d) for d in candles.timestamps.astype("datetime64[D]")]


def test_weekly_by_hand_across_a_year_end() -> None:
    # Thu 2020-12-31, Fri 2021-01-01 and Sun 2021-01-03 are in the same ISO week (2020-W53,
    # Monday..Sunday); Mon 2021-01-04 starts the next one; Wed 2020-12-23 is the week before.
    c = _candles(
        ["2020-12-23", "2020-12-31", "2021-01-01", "2021-01-03", "2021-01-04", "2021-01-06"],
        [
            (10, 12, 9, 11, 100),
            (11, 15, 10, 14, 200),
            (14, 14.5, 8, 9, 300),
            (9, 9.5, 8.5, 9.25, 50),
            (9, 10, 7, 8, 400),
            (8, 11, 8, 10.5, 500),
        ],
    )
    w = resample(c, Timeframe.W1)
    assert _days(w) == ["2020-12-23", "2021-01-03", "2021-01-06"]  # stamped by LAST bar
    assert list(w.open) == [10, 11, 9]
    assert list(w.high) == [12, 15, 11]
    assert list(w.low) == [9, 8, 7]
    assert list(w.close) == [11, 9.25, 10.5]
    assert list(w.volume) == [100, 550, 900]


def test_monthly_by_hand() -> None:
    c = _candles(
        ["2021-01-29", "2021-02-01", "2021-02-26", "2021-03-01"],
        [(1, 2, 0.5, 1.5, 1), (1.5, 3, 1, 2, 2), (2, 2.5, 0.25, 0.5, 3), (5, 6, 4, 5.5, 4)],
    )
    m = resample(c, "1mo")
    assert _days(m) == ["2021-01-29", "2021-02-26", "2021-03-01"]
    assert list(m.open) == [1, 1.5, 5]
    assert list(m.high) == [2, 3, 6]
    assert list(m.low) == [0.5, 0.25, 4]
    assert list(m.close) == [1.5, 0.5, 5.5]
    assert list(m.volume) == [1, 5, 4]


def test_nan_values_are_skipped_and_all_nan_stays_nan() -> None:
    nan = float("nan")
    c = _candles(
        ["2021-03-01", "2021-03-02", "2021-03-03", "2021-03-08"],
        [(nan, 5, 1, 2, 10), (3, nan, nan, nan, nan), (4, 6, 2, nan, 5), (nan,) * 5],
    )
    w = resample(c, "1w")
    assert _days(w) == ["2021-03-03", "2021-03-08"]
    assert w.open[0] == 3 and w.high[0] == 6 and w.low[0] == 1
    assert w.close[0] == 2  # last known close of the week
    assert w.volume[0] == 15
    assert all(np.isnan(getattr(w, name)[1]) for name in _COLUMNS)


def test_intraday_buckets_align_to_midnight() -> None:
    stamps = np.array(
        [
            "2021-01-01T03:00",
            "2021-01-01T03:59",
            "2021-01-01T04:00",
            "2021-01-01T23:00",
            "2021-01-02T00:30",
        ],
        dtype="datetime64[m]",
    )
    ones = np.ones(5)
    c = Candles("X", stamps, np.arange(5.0), ones * 9, ones * 0, np.arange(5.0), ones)
    h4 = resample(c, "4h")
    assert [str(t)[:16] for t in h4.timestamps] == [
        "2021-01-01T03:59",
        "2021-01-01T04:00",
        "2021-01-01T23:00",
        "2021-01-02T00:30",
    ]
    assert list(h4.volume) == [2, 1, 1, 1]
    assert len(resample(c, "1d")) == 2


def test_same_timeframe_is_identity_and_empty_stays_empty() -> None:
    c = _candles(["2021-01-04", "2021-01-05"], [(1, 2, 0, 1, 1), (1, 2, 0, 1, 1)])
    assert resample(c, "1d") == c
    empty = c.slice(0, 0)
    assert len(resample(empty, "1w")) == 0


def test_output_is_kernel_ready() -> None:
    c = _candles(["2021-01-04", "2021-01-05", "2021-01-11"], [(1, 2, 0, 1, 1)] * 3)
    w = resample(c, "1w")
    for name in _COLUMNS:
        column = w.column(name)
        assert column.dtype == np.float64
        assert column.flags.c_contiguous and column.flags.writeable
    assert w.timestamps.dtype == np.dtype("datetime64[ns]")


def test_unsorted_input_is_refused() -> None:
    c = _candles(["2021-01-05", "2021-01-04"], [(1, 2, 0, 1, 1)] * 2, symbol="BAD")
    with pytest.raises(InvalidCandlesError) as info:
        resample(c, "1w")
    assert (info.value.symbol, info.value.row) == ("BAD", 1)


def test_timeframe_order() -> None:
    assert [timeframe_rank(t) for t in ("1m", "5m", "1h", "4h", "1d", "1w", "1mo")] == sorted(
        timeframe_rank(t) for t in ("1m", "5m", "1h", "4h", "1d", "1w", "1mo")
    )
    assert is_finer("1d", "1w") and is_finer("4h", "1d") and not is_finer("1mo", "1w")


# --- pandas as an independent reference --------------------------------------------------

_PANDAS_RULE = {
    Timeframe.W1: "W-SUN",  # ISO weeks end on Sunday
    Timeframe.MO1: "MS",
    Timeframe.D1: "D",
    Timeframe.H4: "4h",
    Timeframe.H1: "h",
}


def _pandas_resample(c: Candles, timeframe: Timeframe) -> pd.DataFrame:
    frame = pd.DataFrame({n: c.column(n) for n in _COLUMNS}, index=pd.DatetimeIndex(c.timestamps))
    frame["stamp"] = frame.index
    # intraday buckets from the epoch (midnight UTC); pandas refuses `origin` for W/MS
    intraday = timeframe in (Timeframe.H1, Timeframe.H4)
    grouped = frame.resample(_PANDAS_RULE[timeframe], **({"origin": "epoch"} if intraday else {}))
    out = pd.DataFrame(
        {
            "open": grouped["open"].first(),
            "high": grouped["high"].max(),
            "low": grouped["low"].min(),
            "close": grouped["close"].last(),
            "volume": grouped["volume"].sum(min_count=1),
            "stamp": grouped["stamp"].last(),
            "bars": grouped["open"].size(),
        }
    )
    return out[out["bars"] > 0]


_price = st.one_of(st.floats(1.0, 1000.0, allow_nan=False), st.just(float("nan")))
_volume = st.one_of(st.integers(0, 10**9).map(float), st.just(float("nan")))


@st.composite
def _series(draw: st.DrawFn) -> tuple[Candles, Timeframe]:
    timeframe = draw(st.sampled_from(list(_PANDAS_RULE)))
    step_unit = "m" if timeframe in (Timeframe.H1, Timeframe.H4) else "h"
    gaps = draw(st.lists(st.integers(1, 200), min_size=1, max_size=120))
    start = np.datetime64("2019-12-20T00:00") + np.timedelta64(draw(st.integers(0, 5000)), "m")
    stamps = start + np.cumsum(np.array(gaps)).astype(f"timedelta64[{step_unit}]")
    n = len(stamps)
    prices = [np.array(draw(st.lists(_price, min_size=n, max_size=n))) for _ in range(4)]
    # share counts are integers, so sums are exact whatever the summation order
    volume = np.array(draw(st.lists(_volume, min_size=n, max_size=n)))
    return Candles("H", stamps, *prices, volume), timeframe


@given(_series())
def test_matches_pandas_resample(case: tuple[Candles, Timeframe]) -> None:
    candles, timeframe = case
    ours = resample(candles, timeframe)
    ref = _pandas_resample(candles, timeframe)
    assert len(ours) == len(ref)
    np.testing.assert_array_equal(ours.timestamps, ref["stamp"].to_numpy("datetime64[ns]"))
    for name in _COLUMNS:
        np.testing.assert_array_equal(ours.column(name), ref[name].to_numpy(float), err_msg=name)
