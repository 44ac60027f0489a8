"""rsi, cmo, mom, roc, rocp, rocr (``momentum``): fixtures and hand-derived cases; and, for
every kernel of the momentum families (``momentum``, ``stochastic``, ``macd_variants``,
``ma_oscillators``), the NaN rule, flat prices, parameter bounds and TA-Lib parity on a
real symbol."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from candlescan import InvalidParameterError
from candlescan.kernels import ma_oscillators, macd_variants, momentum, stochastic
from candlescan.kernels._meta import Kernel
from tests.reference import momentum as reference

F64 = npt.NDArray[np.float64]

KERNELS: dict[str, Kernel] = {
    name: getattr(module, name)
    for module in (momentum, stochastic, macd_variants, ma_oscillators)
    for name in module.__all__
}
HLC = {"stoch", "stochf"}

#: Non-default parameters per kernel for the TA-Lib parity check (besides the defaults).
VARIANTS: dict[str, list[dict[str, int]]] = {
    "rsi": [{"timeperiod": 2}, {"timeperiod": 30}],
    "cmo": [{"timeperiod": 5}],
    "mom": [{"timeperiod": 1}, {"timeperiod": 25}],
    "roc": [{"timeperiod": 1}, {"timeperiod": 25}],
    "rocp": [{"timeperiod": 3}],
    "rocr": [{"timeperiod": 3}],
    "trix": [{"timeperiod": 1}, {"timeperiod": 9}],
    "macd": [{"fastperiod": 26, "slowperiod": 12, "signalperiod": 1}, {"fastperiod": 5}],
    "macdfix": [{"signalperiod": 1}, {"signalperiod": 20}],
    "macdext": [
        {"fastmatype": 1, "slowmatype": 1, "signalmatype": 1},
        {"fastperiod": 5, "fastmatype": 2, "slowmatype": 5, "signalmatype": 3},
        {"fastmatype": 4, "slowmatype": 8, "signalperiod": 1},
        {"fastmatype": 7, "slowperiod": 30, "slowmatype": 6},
    ],
    "apo": [{"matype": 0}, {"matype": 3}, {"fastperiod": 30, "matype": 5}],
    "ppo": [{"matype": 0}, {"matype": 4}, {"matype": 8}],
    "stoch": [
        {"fastk_period": 14, "slowk_matype": 1, "slowd_matype": 2},
        {"fastk_period": 1, "slowk_period": 1, "slowd_period": 5, "slowd_matype": 6},
    ],
    "stochf": [{"fastk_period": 14, "fastd_matype": 1}, {"fastd_period": 1}],
    "stochrsi": [{"fastk_period": 14, "fastd_period": 3, "fastd_matype": 1}],
}


def _ohlcv(shared_data: Path, symbol: str = "AAPL") -> pd.DataFrame:
    return pd.read_csv(shared_data / "ohlcv" / f"{symbol}.csv")


def _walk(n: int, seed: int = 0) -> F64:
    rng = np.random.default_rng(seed)
    return 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))


def _bars(n: int, seed: int = 0) -> tuple[F64, F64, F64]:
    rng = np.random.default_rng(seed + 1)
    close = _walk(n, seed)
    return close + rng.uniform(0.1, 2.0, n), close - rng.uniform(0.1, 2.0, n), close


def _outputs(value: Any) -> tuple[F64, ...]:
    return value if isinstance(value, tuple) else (value,)


def _assert_close(actual: Any, expected: Any, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    for a, e in zip(_outputs(actual), _outputs(expected), strict=True):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True)


def _call(name: str, close: F64, high: F64, low: F64, **params: int) -> Any:
    if name in HLC:
        return KERNELS[name](high, low, close, **params)
    return KERNELS[name](close, **params)


def test_every_kernel_is_listed() -> None:
    assert set(KERNELS) == set(VARIANTS)


# --- rsi: hand-derived, fixture, flat, NaN ---------------------------------------------------


def test_rsi_hand_derived() -> None:
    # changes +1 +1 -1 +1; n=2: seed gain (1+1)/2=1, loss 0 -> 100;
    # then gain (1*1+0)/2=0.5, loss (0+1)/2=0.5 -> 50; gain (0.5+1)/2=0.75, loss 0.25 -> 75.
    out = momentum.rsi(np.array([1.0, 2.0, 3.0, 2.0, 3.0]), timeperiod=2)
    _assert_close(out, np.array([np.nan, np.nan, 100.0, 50.0, 75.0]))


def test_rsi_stockcharts_values(shared_data: Path) -> None:
    # cs-rsi.csv's own RSI column seeds the averages at 0 (pandas ewm), a different
    # convention; its README lists the StockCharts/Wilder values for rows 14..19.
    close = pd.read_csv(shared_data / "reference" / "cs-rsi.csv")["Close"].to_numpy(float)
    out = momentum.rsi(close, 14)
    assert np.isnan(out[:14]).all()
    expected = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97]
    np.testing.assert_allclose(out[14:20], expected, atol=0.005)


def test_rsi_rising_is_100_and_cmo_100() -> None:
    up = np.arange(1.0, 40.0)
    assert (momentum.rsi(up, 14)[14:] == 100.0).all()
    assert (momentum.cmo(up, 14)[14:] == 100.0).all()


def test_cmo_hand_derived() -> None:
    # Same averages as test_rsi_hand_derived: 100*(g-l)/(g+l) = 100, 0, 50.
    out = momentum.cmo(np.array([1.0, 2.0, 3.0, 2.0, 3.0]), timeperiod=2)
    _assert_close(out, np.array([np.nan, np.nan, 100.0, 0.0, 50.0]))


def test_rsi_twin_on_random_walk_with_gaps() -> None:
    x = _walk(300, seed=3)
    x[[0, 1, 50, 51, 52, 120, 299]] = np.nan
    for period in (2, 3, 14):
        _assert_close(momentum.rsi(x, period), reference.rsi(x, period))
        _assert_close(momentum.cmo(x, period), reference.cmo(x, period))


# --- mom, roc, rocp, rocr --------------------------------------------------------------------


def test_changes_hand_derived() -> None:
    x = np.array([2.0, 4.0, 3.0, 6.0])
    _assert_close(momentum.mom(x, 2), np.array([np.nan, np.nan, 1.0, 2.0]))
    _assert_close(momentum.roc(x, 2), np.array([np.nan, np.nan, 50.0, 50.0]))
    _assert_close(momentum.rocp(x, 2), np.array([np.nan, np.nan, 0.5, 0.5]))
    _assert_close(momentum.rocr(x, 2), np.array([np.nan, np.nan, 1.5, 1.5]))


def test_zero_base_price() -> None:
    # An undefined ratio reads as "no change": ROC/ROCP 0 (as TA-Lib), ROCR 1 (TA-Lib: 0).
    x = np.array([0.0, 1.0, 2.0])
    _assert_close(momentum.roc(x, 1), np.array([np.nan, 0.0, 100.0]))
    _assert_close(momentum.rocp(x, 1), np.array([np.nan, 0.0, 1.0]))
    _assert_close(momentum.rocr(x, 1), np.array([np.nan, 1.0, 2.0]))


def test_roc_stockcharts_fixture(shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "reference" / "cs-roc.csv")
    out = momentum.roc(frame["Close"].to_numpy(float), 12)
    expected = frame["ROC"].to_numpy(float)
    _assert_close(out, expected, rtol=0.0, atol=5e-8)


@pytest.mark.parametrize("period", [1, 2, 3, 14])
def test_change_twins_with_gaps(period: int) -> None:
    x = _walk(300, seed=6)
    x[[0, 50, 51, 200]] = np.nan
    for name in ("mom", "roc", "rocp", "rocr"):
        _assert_close(getattr(momentum, name)(x, period), getattr(reference, name)(x, period))


def test_change_nan_seen_on_a_short_series() -> None:
    # n < 2 * timeperiod: bar 5 is neither a "now" nor a "then" of the vectorized pass, yet
    # its NaN must blank bars 5..12 (here every bar after the warm-up).
    x = np.arange(1.0, 11.0)
    x[5] = np.nan
    for name in ("mom", "roc", "rocp", "rocr"):
        out = getattr(momentum, name)(x, 7)
        assert np.isnan(out).all(), name
        _assert_close(out, getattr(reference, name)(x, 7))


# --- flat prices -----------------------------------------------------------------------------

#: What each kernel reads on flat prices (after its warm-up): neutral values, never a
#: false "oversold" 0 (TA-Lib returns 0 for RSI and the stochastics here).
FLAT: dict[str, tuple[float, ...]] = {
    "rsi": (50.0,),
    "cmo": (0.0,),
    "stoch": (50.0, 50.0),
    "stochf": (50.0, 50.0),
    "stochrsi": (50.0, 50.0),
    "mom": (0.0,),
    "roc": (0.0,),
    "rocp": (0.0,),
    "rocr": (1.0,),
    "trix": (0.0,),
    "macd": (0.0, 0.0, 0.0),
    "macdfix": (0.0, 0.0, 0.0),
    "macdext": (0.0, 0.0, 0.0),
    "apo": (0.0,),
    "ppo": (0.0,),
}


@pytest.mark.parametrize("name", sorted(FLAT))
def test_flat_prices_are_neutral(name: str) -> None:
    flat = np.full(200, 42.0)
    lookback = KERNELS[name].lookback()
    for out, value in zip(_outputs(_call(name, flat, flat, flat)), FLAT[name], strict=True):
        assert np.isnan(out[:lookback]).all()
        np.testing.assert_allclose(out[lookback:], value, atol=1e-12)


# --- the NaN rule ----------------------------------------------------------------------------


def _segments_equal(whole: Any, left: Any, right: Any, k: int) -> None:
    """Output == the kernel on the bars before the NaN, NaN at it, then on the bars after."""
    for w, a, b in zip(_outputs(whole), _outputs(left), _outputs(right), strict=True):
        np.testing.assert_array_equal(w[:k], a)
        assert np.isnan(w[k])
        np.testing.assert_array_equal(w[k + 1 :], b)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_nan_reseeds(name: str) -> None:
    high, low, close = _bars(260, seed=11)
    k = 120
    params = {"timeperiod": 5} if name == "trix" else {}
    lookback = KERNELS[name].lookback(**params)
    for hole in ("close", "high") if name in HLC else ("close",):
        h, c = high.copy(), close.copy()
        (h if hole == "high" else c)[k] = np.nan
        whole = _call(name, c, h, low, **params)
        left = _call(name, c[:k], h[:k], low[:k], **params)
        right = _call(name, c[k + 1 :], h[k + 1 :], low[k + 1 :], **params)
        _segments_equal(whole, left, right, k)
        for out in _outputs(whole):  # a fresh warm-up of `lookback` bars, then values
            assert np.isnan(out[k : k + 1 + lookback]).all()
            assert np.isfinite(out[k + 1 + lookback :]).all()


def test_leading_nan_matches_talib() -> None:
    talib = pytest.importorskip("talib")
    x = _walk(120)
    x[:7] = np.nan
    _assert_close(momentum.rsi(x, 9), talib.RSI(x, 9))
    _assert_close(macd_variants.macd(x), talib.MACD(x))


# --- bounds ----------------------------------------------------------------------------------


def _bad_values() -> list[tuple[str, str, float]]:
    cases = []
    for name, kernel in sorted(KERNELS.items()):
        for spec in kernel.info.params:
            cases += [(name, spec.name, spec.low - 1), (name, spec.name, spec.high + 1)]
            cases.append((name, spec.name, spec.low + 0.5))
    return cases


@pytest.mark.parametrize(("name", "param", "value"), _bad_values())
def test_parameter_bounds(name: str, param: str, value: float) -> None:
    high, low, close = _bars(50)
    with pytest.raises(InvalidParameterError, match=param):
        _call(name, close, high, low, **{param: value})  # type: ignore[arg-type]


def test_matype_bounds_are_talib_s() -> None:
    for name, kernel in KERNELS.items():
        for spec in kernel.info.params:
            if spec.name.endswith("matype"):
                assert (spec.low, spec.high) == (0, 8), name


# --- TA-Lib parity on a real symbol ----------------------------------------------------------


def _parity_cases() -> list[tuple[str, dict[str, int]]]:
    return [(n, {}) for n in sorted(KERNELS)] + [
        (n, p) for n in sorted(VARIANTS) for p in VARIANTS[n]
    ]


@pytest.mark.parametrize(("name", "params"), _parity_cases())
def test_talib_parity_real_symbol(shared_data: Path, name: str, params: dict[str, int]) -> None:
    talib = pytest.importorskip("talib")
    abstract = pytest.importorskip("talib.abstract")
    frame = _ohlcv(shared_data, "MSFT")
    high, low, close = (frame[c].to_numpy(float) for c in ("high", "low", "close"))
    ours = _call(name, close, high, low, **params)
    function: Callable[..., Any] = getattr(talib, name.upper())
    theirs = function(high, low, close, **params) if name in HLC else function(close, **params)
    # A spread of two averages near 0 inherits the averages' rounding (1e-13 of the price
    # for WMA/MAMA), so differences also get an absolute tolerance of 1e-9 of the price.
    _assert_close(ours, theirs, atol=1e-9 * float(np.max(close)))
    assert KERNELS[name].lookback(**params) == abstract.Function(name.upper(), **params).lookback
    assert KERNELS[name].info.outputs == tuple(abstract.Function(name.upper()).output_names)


def test_aapl_values_from_data_readme(shared_data: Path) -> None:
    close = _ohlcv(shared_data)["close"].to_numpy(float)
    assert momentum.rsi(close, 14)[-1] == pytest.approx(33.6822, abs=5e-5)
    line, signal, _ = macd_variants.macd(close)
    assert line[-1] == pytest.approx(-3.4127, abs=5e-5)
    assert signal[-1] == pytest.approx(-1.7643, abs=5e-5)
