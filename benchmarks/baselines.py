"""What a user would write with pandas or NumPy instead of a kernel, for comparison.

Each entry builds, from the kernel's input arrays and params, a zero-argument call
(inputs are converted to ``pandas.Series`` *before* timing, as a pandas user holds them)
and says how it differs from TA-Lib where it does (seeding, smoothing). Only kernels
that users commonly write this way are listed; a kernel missing here simply has no
pandas column in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["BASELINES", "Baseline"]

F64 = npt.NDArray[np.float64]
Arrays = Mapping[str, F64]
Params = Mapping[str, Any]


@dataclass(frozen=True)
class Baseline:
    """A pandas/NumPy equivalent: a label, its caveat, and a factory of the timed call."""

    label: str
    caveat: str
    build: Callable[[Arrays, Params], Callable[[], Any]]


def _series(arrays: Arrays, name: str) -> Any:
    import pandas as pd

    return pd.Series(arrays[name])


def _sma(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: s.rolling(p["timeperiod"]).mean().to_numpy()


def _ema(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: s.ewm(span=p["timeperiod"], adjust=False).mean().to_numpy()


def _rolling(method: str) -> Callable[[Arrays, Params], Callable[[], Any]]:
    def build(a: Arrays, p: Params) -> Callable[[], Any]:
        s = _series(a, "real")
        return lambda: getattr(s.rolling(p["timeperiod"]), method)().to_numpy()

    return build


def _stddev(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: (s.rolling(p["timeperiod"]).std(ddof=0) * p["nbdev"]).to_numpy()


def _var(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: s.rolling(p["timeperiod"]).var(ddof=0).to_numpy()


def _bbands(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")

    def call() -> Any:
        window = s.rolling(p["timeperiod"])
        mid, std = window.mean(), window.std(ddof=0)
        return (
            (mid + p["nbdevup"] * std).to_numpy(),
            mid.to_numpy(),
            (mid - p["nbdevdn"] * std).to_numpy(),
        )

    return call


def _mom(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: s.diff(p["timeperiod"]).to_numpy()


def _roc(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    return lambda: (s.pct_change(p["timeperiod"]) * 100.0).to_numpy()


def _rsi(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")
    alpha = 1.0 / p["timeperiod"]

    def call() -> Any:
        change = s.diff()
        gain = change.clip(lower=0.0).ewm(alpha=alpha, adjust=False).mean()
        loss = (-change.clip(upper=0.0)).ewm(alpha=alpha, adjust=False).mean()
        return (100.0 * gain / (gain + loss)).to_numpy()

    return call


def _macd(a: Arrays, p: Params) -> Callable[[], Any]:
    s = _series(a, "real")

    def call() -> Any:
        line = (
            s.ewm(span=p["fastperiod"], adjust=False).mean()
            - s.ewm(span=p["slowperiod"], adjust=False).mean()
        )
        signal = line.ewm(span=p["signalperiod"], adjust=False).mean()
        return line.to_numpy(), signal.to_numpy(), (line - signal).to_numpy()

    return call


def _true_range(a: Arrays) -> F64:
    previous = np.concatenate(([np.nan], a["close"][:-1]))
    return np.fmax(a["high"], previous) - np.fmin(a["low"], previous)


def _trange(a: Arrays, p: Params) -> Callable[[], Any]:
    return lambda: _true_range(a)


def _atr(a: Arrays, p: Params) -> Callable[[], Any]:
    import pandas as pd

    alpha = 1.0 / p["timeperiod"]
    return lambda: pd.Series(_true_range(a)).ewm(alpha=alpha, adjust=False).mean().to_numpy()


def _obv(a: Arrays, p: Params) -> Callable[[], Any]:
    # The first bar has no change: sign 0, so the sum starts at 0 (TA-Lib: volume[0]).
    return lambda: np.cumsum(np.sign(np.diff(a["real"], prepend=a["real"][:1])) * a["volume"])


def _price(weights: Mapping[str, float]) -> Callable[[Arrays, Params], Callable[[], Any]]:
    def build(a: Arrays, p: Params) -> Callable[[], Any]:
        return lambda: sum(w * a[name] for name, w in weights.items())

    return build


#: Kernel name -> its pandas/NumPy equivalent.
BASELINES: dict[str, Baseline] = {
    "sma": Baseline("pandas rolling().mean()", "same values", _sma),
    "ema": Baseline(
        "pandas ewm(span, adjust=False)", "seeded with the first value, not an SMA", _ema
    ),
    "sum": Baseline("pandas rolling().sum()", "same values", _rolling("sum")),
    "max": Baseline("pandas rolling().max()", "same values", _rolling("max")),
    "min": Baseline("pandas rolling().min()", "same values", _rolling("min")),
    "stddev": Baseline("pandas rolling().std(ddof=0)", "same values", _stddev),
    "var": Baseline("pandas rolling().var(ddof=0)", "same values", _var),
    "bbands": Baseline("pandas rolling mean +- k*std", "same values", _bbands),
    "mom": Baseline("pandas diff(n)", "same values", _mom),
    "roc": Baseline("pandas pct_change(n)*100", "same values", _roc),
    "rsi": Baseline(
        "pandas ewm(alpha=1/n) of gains/losses", "seeded with the first change, not a mean", _rsi
    ),
    "macd": Baseline(
        "pandas ewm fast - slow, ewm signal", "EMAs seeded with the first value", _macd
    ),
    "trange": Baseline("NumPy fmax/fmin", "same values", _trange),
    "atr": Baseline("pandas ewm(alpha=1/n) of NumPy TR", "seeded with the first TR", _atr),
    "obv": Baseline("NumPy cumsum(sign(diff) * volume)", "starts from 0, not volume[0]", _obv),
    "medprice": Baseline(
        "NumPy (high + low) / 2", "same values", _price({"high": 0.5, "low": 0.5})
    ),
    "typprice": Baseline(
        "NumPy (high + low + close) / 3",
        "same values",
        _price({"high": 1 / 3, "low": 1 / 3, "close": 1 / 3}),
    ),
}
