"""Volatility kernels: fixtures, hand cases, TA-Lib parity, the NaN rule, flat prices, bounds."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import candlescan
from candlescan.kernels import channels as ch
from candlescan.kernels import volatility as k

F64 = npt.NDArray[np.float64]


# --- helpers ----------------------------------------------------------------------------


def _ohlcv(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    rows = np.genfromtxt(
        shared_data / "ohlcv" / f"{symbol}.csv",
        delimiter=",",
        skip_header=1,
        usecols=(1, 2, 3, 4, 5),
    )
    names = ("open", "high", "low", "close", "volume")
    return {name: rows[:, i].copy() for i, name in enumerate(names)}


def _fixture(shared_data: Path, name: str) -> dict[str, F64]:
    """Numeric columns of ``reference/<name>.csv`` (blank cells are NaN)."""
    with (shared_data / "reference" / f"{name}.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns: dict[str, F64] = {}
    for key in rows[0]:
        try:
            columns[key] = np.array([float(r[key]) if r[key] != "" else np.nan for r in rows])
        except ValueError:
            continue  # dates
    return columns


def assert_same(actual: F64, expected: F64, rtol: float = 1e-9) -> None:
    """Same NaN positions; values within ``rtol`` relative plus 1e-11 of the series' scale."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    finite = ~np.isnan(expected)
    scale = float(np.max(np.abs(expected[finite]), initial=0.0))
    np.testing.assert_allclose(
        actual[finite], expected[finite], rtol=rtol, atol=1e-11 * max(scale, 1e-300)
    )


def _walk(n: int, seed: int = 0) -> tuple[F64, F64, F64]:
    rng = np.random.default_rng(seed)
    close = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), 2)
    high = close + np.round(np.abs(rng.normal(0, 0.5, n)), 2) + 0.01
    low = close - np.round(np.abs(rng.normal(0, 0.5, n)), 2) - 0.01
    return high, low, close


# --- hand-derived cases -----------------------------------------------------------------


def test_trange_hand_case() -> None:
    high = np.array([10.0, 12.0, 11.0, 15.0])
    low = np.array([9.0, 10.5, 8.0, 14.0])
    close = np.array([9.5, 11.0, 10.0, 14.5])
    # bar 1: max(1.5, |12-9.5|, |10.5-9.5|) = 2.5; bar 2: max(3, 0, 3) = 3; bar 3: max(1, 5, 4)
    assert_same(k.trange(high, low, close), np.array([np.nan, 2.5, 3.0, 5.0]))


def test_atr_hand_case() -> None:
    high = np.array([10.0, 12.0, 11.0, 15.0, 15.0])
    low = np.array([9.0, 10.5, 8.0, 14.0, 13.0])
    close = np.array([9.5, 11.0, 10.0, 14.5, 14.0])
    # TR = [-, 2.5, 3, 5, 2]; ATR(2)[2] = (2.5+3)/2 = 2.75; then (2.75+5)/2, (3.875+2)/2
    assert_same(k.atr(high, low, close, 2), np.array([np.nan, np.nan, 2.75, 3.875, 2.9375]))
    assert_same(
        k.natr(high, low, close, 2)[2:], np.array([2.75 / 10, 3.875 / 14.5, 2.9375 / 14]) * 100
    )


def test_stddev_and_var_hand_case() -> None:
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])  # population mean 5, sd 2
    assert k.var(x, 8)[-1] == pytest.approx(4.0, rel=1e-15)
    assert k.stddev(x, 8)[-1] == pytest.approx(2.0, rel=1e-15)
    assert k.stddev(x, 8, 2.5)[-1] == pytest.approx(5.0, rel=1e-15)
    assert k.var(x, 8, 2.5)[-1] == pytest.approx(4.0, rel=1e-15)  # nbdev ignored, as TA-Lib


# --- TA-Lib parity on a real symbol -----------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "NI"])
def test_match_talib(shared_data: Path, symbol: str) -> None:
    talib = pytest.importorskip("talib")
    bars = _ohlcv(shared_data, symbol)
    h, lo, c = bars["high"], bars["low"], bars["close"]
    assert_same(k.trange(h, lo, c), talib.TRANGE(h, lo, c))
    for period in (1, 2, 14, 50):
        assert_same(k.atr(h, lo, c, period), talib.ATR(h, lo, c, period))
        assert_same(k.natr(h, lo, c, period), talib.NATR(h, lo, c, period))
    for period, nbdev in ((2, 1.0), (5, 1.0), (20, 2.5), (100, -1.0)):
        assert_same(k.stddev(c, period, nbdev), talib.STDDEV(c, period, nbdev))
        assert_same(k.var(c, period), talib.VAR(c, period))
    for period in (2, 20, 55):
        for ours, theirs in zip(
            ch.donchian(h, lo, period), talib.DONCHIAN(h, lo, period), strict=True
        ):
            assert_same(ours, theirs)
    for period, multiplier in ((10, 3.0), (7, 1.5), (2, 0.0), (30, 4.0)):
        line, trend = ch.supertrend(h, lo, c, period, multiplier)
        t_line, t_trend = talib.SUPERTREND(h, lo, c, period, multiplier)
        assert_same(line, t_line)
        # TA-Lib's trend is int32 with 0 over the warm-up; ours is float64 with NaN
        assert np.isnan(trend[:period]).all()
        np.testing.assert_array_equal(trend[period:], t_trend[period:].astype(np.float64))


# --- StockCharts fixtures ---------------------------------------------------------------


def test_trange_and_atr_against_cs_atr(shared_data: Path) -> None:
    fx = _fixture(shared_data, "cs-atr")
    h, lo, c = fx["High"], fx["Low"], fx["Close"]
    tr = k.trange(h, lo, c)
    np.testing.assert_allclose(tr[1:], fx["TR"][1:], atol=1e-9)
    # The file seeds ATR at row 13 with mean(TR[0..13]) (bar 0's high-low included); TA-Lib
    # and we seed at row 14 with mean(TR[1..14]). Both then follow Wilder's recursion, so
    # the gap must shrink by exactly 13/14 per bar.
    gap = k.atr(h, lo, c, 14)[14:] - fx["ATR"][14:]
    np.testing.assert_allclose(gap[1:], gap[:-1] * 13 / 14, atol=2e-9)
    assert abs(gap[0]) > 1e-3  # the seeds really differ


def test_stddev_matches_cs_bbands(shared_data: Path) -> None:
    fx = _fixture(shared_data, "cs-bbands")
    ours = k.stddev(fx["Close"], 20)
    want = fx["20-day Standard Deviation"]
    np.testing.assert_allclose(ours[19:], want[19:], atol=5e-6)  # 6 dp in file


# --- the NaN rule -----------------------------------------------------------------------

_CASES = {
    "trange": lambda h, lo, c: (k.trange(h, lo, c),),
    "atr": lambda h, lo, c: (k.atr(h, lo, c, 5),),
    "natr": lambda h, lo, c: (k.natr(h, lo, c, 5),),
    "stddev": lambda h, lo, c: (k.stddev(c, 5),),
    "var": lambda h, lo, c: (k.var(c, 5),),
    "keltner": lambda h, lo, c: ch.keltner(h, lo, c, 6, 2.0, 4),
    "donchian": lambda h, lo, c: ch.donchian(h, lo, 5),
    "supertrend": lambda h, lo, c: ch.supertrend(h, lo, c, 5, 2.0),
}


@pytest.mark.parametrize("name", list(_CASES))
@pytest.mark.parametrize("column", [0, 1, 2])
def test_interior_nan_reseeds(name: str, column: int) -> None:
    h, lo, c = _walk(80, seed=3)
    holed = [h.copy(), lo.copy(), c.copy()]
    holed[column][30] = np.nan
    outputs = _CASES[name](*holed)
    uses_column = name not in ("stddev", "var") or column == 2
    uses_column = uses_column and not (name == "donchian" and column == 2)
    if not uses_column:  # the kernel does not read this input: nothing changes
        for got, want in zip(outputs, _CASES[name](h, lo, c), strict=True):
            assert_same(got, want)
        return
    tail = _CASES[name](h[31:], lo[31:], c[31:])
    head = _CASES[name](h[:30], lo[:30], c[:30])
    for output, fresh, before in zip(outputs, tail, head, strict=True):
        assert np.isnan(output[30])
        assert_same(output[31:], fresh)  # re-seeded exactly as a new series
        assert_same(output[:30], before)  # nothing before the NaN changes


@pytest.mark.parametrize(("column", "bar"), [(0, 0), (1, 0), (2, 0), (2, -1), (0, -1), (2, -2)])
def test_nan_at_the_edges(column: int, bar: int) -> None:
    # The one-pass fast paths never read bar 0's high/low or the last close: a NaN there
    # must still follow the rule (and a NaN close before the last bar must not hide).
    h, lo, c = _walk(50, seed=7)
    holed = [h.copy(), lo.copy(), c.copy()]
    holed[column][bar] = np.nan
    at = bar % 50
    for name in ("trange", "atr", "natr", "supertrend", "keltner"):
        outputs = _CASES[name](*holed)
        before = _CASES[name](h[:at], lo[:at], c[:at])
        after = _CASES[name](h[at + 1 :], lo[at + 1 :], c[at + 1 :])
        for output, head, tail in zip(outputs, before, after, strict=True):
            assert np.isnan(output[at]), name
            assert_same(output[:at], head)
            assert_same(output[at + 1 :], tail)


def test_natr_zero_last_close_does_not_hide_a_nan() -> None:
    # A zero close makes NATR write 0 (as TA-Lib); that 0 must not mask an earlier NaN
    # from the one-pass fast path (found by fuzzing).
    h, lo, c = (x.copy() for x in _walk(30, seed=1))
    c[-1] = 0.0
    lo[-1] = 0.0
    h[5] = np.nan
    out = k.natr(h, lo, c, 3)
    assert np.isnan(out[5])
    assert_same(out[6:], k.natr(h[6:], lo[6:], c[6:], 3))
    assert out[-1] == 0.0


def test_atr_fresh_warmup_after_gap() -> None:
    h, lo, c = _walk(60)
    c = c.copy()
    c[20] = np.nan
    out = k.atr(h, lo, c, 14)
    assert np.isfinite(out[19])
    assert np.isnan(out[20 : 20 + 15]).all()  # the NaN bar, then 14 bars of warm-up
    assert np.isfinite(out[35])


def test_leading_nans_shift_warmup_like_talib() -> None:
    talib = pytest.importorskip("talib")
    h, lo, c = _walk(60)
    h, lo, c = (np.r_[np.full(5, np.nan), x] for x in (h, lo, c))
    assert_same(k.atr(h, lo, c, 14), talib.ATR(h, lo, c, 14))
    assert_same(k.stddev(c, 10), talib.STDDEV(c, 10))
    assert_same(k.trange(h, lo, c), talib.TRANGE(h, lo, c))


# --- flat prices ------------------------------------------------------------------------


def test_flat_prices() -> None:
    flat = np.full(40, 25.5)
    assert (k.trange(flat, flat, flat)[1:] == 0.0).all()
    assert (k.atr(flat, flat, flat, 14)[14:] == 0.0).all()
    assert (k.natr(flat, flat, flat, 14)[14:] == 0.0).all()
    # exactly 0, not rounding noise of mean(x^2) - mean(x)^2
    assert (k.var(flat, 5)[4:] == 0.0).all()
    assert (k.stddev(flat, 5)[4:] == 0.0).all()
    upper, middle, lower = ch.donchian(flat, flat, 5)
    assert (upper[4:] == 25.5).all() and (lower[4:] == 25.5).all() and (middle[4:] == 25.5).all()
    upper, middle, lower = ch.keltner(flat, flat, flat)
    assert (upper[19:] == 25.5).all() and (lower[19:] == 25.5).all()
    line, trend = ch.supertrend(flat, flat, flat)
    assert (line[10:] == 25.5).all() and (trend[10:] == 1.0).all()


def test_flat_stretch_inside_moving_series_is_exactly_zero() -> None:
    x = np.r_[np.linspace(90, 110, 30), np.full(10, 101.37), np.linspace(101, 95, 10)]
    sd = k.stddev(x, 5)
    assert (sd[34:40] == 0.0).all()
    assert (sd[40:] > 0).all()


# --- parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda x: k.atr(x, x, x, 0), "timeperiod"),
        (lambda x: k.natr(x, x, x, 100_001), "timeperiod"),
        (lambda x: k.stddev(x, 1), "timeperiod"),
        (lambda x: k.var(x, 0), "timeperiod"),
        (lambda x: k.stddev(x, 5, float("nan")), "nbdev"),
        (lambda x: ch.donchian(x, x, 1), "timeperiod"),
        (lambda x: ch.supertrend(x, x, x, 1), "timeperiod"),
        (lambda x: ch.supertrend(x, x, x, 10, -1.0), "multiplier"),
        (lambda x: ch.keltner(x, x, x, 1), "timeperiod"),
        (lambda x: ch.keltner(x, x, x, 20, -0.5), "multiplier"),
        (lambda x: ch.keltner(x, x, x, 20, 2.0, 0), "atr_period"),
        (lambda x: k.atr(x, x, x, 2.5), "timeperiod"),
    ],
)
def test_bounds(call: object, param: str) -> None:
    with pytest.raises(candlescan.InvalidParameterError, match=param):
        call(np.ones(30))  # type: ignore[operator]


def test_lookbacks_match_talib() -> None:
    abstract = pytest.importorskip("talib.abstract")
    assert k.atr.lookback(timeperiod=14) == abstract.Function("ATR", timeperiod=14).lookback
    assert k.trange.lookback() == 1
    assert k.stddev.lookback(timeperiod=7) == 6
    assert ch.supertrend.lookback(timeperiod=9) == abstract.Function("SUPERTREND", 9).lookback
    assert ch.donchian.lookback(timeperiod=20) == abstract.Function("DONCHIAN", 20).lookback
    assert ch.keltner.lookback(timeperiod=5, atr_period=14) == 14


def test_short_and_empty_inputs() -> None:
    x = np.ones(3)
    assert np.isnan(k.atr(x, x, x, 5)).all()
    assert np.isnan(ch.supertrend(x, x, x, 5)[0]).all()
    assert len(k.stddev(np.array([]), 5)) == 0
    assert len(ch.keltner(np.array([]), np.array([]), np.array([]))[0]) == 0
