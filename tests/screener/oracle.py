"""A pandas oracle for the cross-sectional operators: the same panel, pandas' groupby/rank.

Per-symbol inputs are computed with plain pandas (``shift``, ``rolling``), not with
candlescan's kernels, and the cross-sections with ``DataFrame.rank`` / ``groupby``.
Frames are dates x symbols, symbols in alphabetical order.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from candlescan import DateRange, ICandleRepository

WARMUP = 80  # more bars than any oracle input needs
RANGE_2017 = DateRange("2017-01-01", "2017-12-31")


def load_frames(
    repo: ICandleRepository, symbols: list[str], date_range: DateRange
) -> dict[str, pd.DataFrame]:
    """close/volume of every symbol (with warm-up bars) as dates x symbols frames."""
    close, volume = {}, {}
    for symbol in sorted(symbols):
        c = repo.get_candles(symbol, "1d", date_range, warmup_bars=WARMUP)
        index = pd.DatetimeIndex(c.timestamps.astype("datetime64[ns]"))
        close[symbol] = pd.Series(c.close, index=index)
        volume[symbol] = pd.Series(c.volume, index=index)
    return {"close": pd.DataFrame(close), "volume": pd.DataFrame(volume)}


def sample_sectors() -> pd.Series:
    path = resources.files("candlescan.plugins.sources").joinpath("data/sectors.csv")
    with path.open("r") as handle:
        return pd.read_csv(handle).set_index("symbol")["sector"]


def roc(close: pd.DataFrame, n: int) -> pd.DataFrame:
    # candlescan's roc is evaluated on each symbol's own bars: shift within the symbol
    return close.apply(lambda s: (s.dropna() / s.dropna().shift(n) - 1.0) * 100.0)


def sma(close: pd.DataFrame, n: int) -> pd.DataFrame:
    return close.apply(lambda s: s.dropna().rolling(n).mean())


def rank(x: pd.DataFrame) -> pd.DataFrame:
    return x.rank(axis=1, ascending=False, method="min")


def percentile(x: pd.DataFrame) -> pd.DataFrame:
    return x.rank(axis=1, pct=True, method="average") * 100.0


def zscore(x: pd.DataFrame) -> pd.DataFrame:
    std = x.std(axis=1, ddof=0)
    z = x.sub(x.mean(axis=1), axis=0).div(std, axis=0)
    bad = (x.count(axis=1) < 2) | ~(std > 0)
    z[bad] = np.nan
    return z


def demean(x: pd.DataFrame) -> pd.DataFrame:
    return x.sub(x.mean(axis=1), axis=0)


def top(x: pd.DataFrame, n: int) -> pd.DataFrame:
    # "first": ties in column order, i.e. alphabetical symbols
    return x.rank(axis=1, ascending=False, method="first") <= n


def bottom(x: pd.DataFrame, n: int) -> pd.DataFrame:
    return x.rank(axis=1, ascending=True, method="first") <= n


def by_group(x: pd.DataFrame, groups: pd.Series, how: str) -> pd.DataFrame:
    """``how`` ("rank", "percentile" or "median") within each group, on each date."""
    keys = groups.reindex(x.columns)
    grouped = x.T.groupby(keys)
    if how == "rank":
        out = grouped.rank(ascending=False, method="min")
    elif how == "percentile":
        out = grouped.rank(pct=True, method="average") * 100.0
    else:
        out = grouped.transform("median")
    return out.T.reindex(columns=x.columns)
