"""The signal study's numbers equal a pandas computation of forward returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import candlescan
from candlescan import Candles, DateRange
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.registry import PluginRegistry
from candlescan.screener.study import study_panel
from tests.screener.oracle import sample_sectors

FORMULAS = [
    "rsi(close, 14) < 30 and close > sma(close, 200)",
    "rank(roc(close, 63)) <= 10",
    "close crosses above sma(close, 50)",
]
HORIZONS = (1, 5, 20)
RANGE = DateRange("2015-01-01", "2017-12-31")


def _pandas_study(formula: str) -> pd.DataFrame:
    """Forward returns with pandas shifts on each symbol's own bars, then groupby."""
    repo = SampleRepository()
    panel = study_panel(
        formula,
        repo,
        None,
        RANGE.start,
        RANGE.end,
        None,
        None,
        2,
        "thread",
        PluginRegistry.default(),
    )
    sectors = sample_sectors()
    records = []
    for row, symbol in enumerate(panel.symbols):
        c = repo.get_candles(symbol, "1d", DateRange("2013-01-01", "2018-12-31"))
        frame = pd.DataFrame(
            {"open": c.open, "close": c.close},
            index=pd.DatetimeIndex(c.timestamps.astype("datetime64[ns]")),
        )
        days = pd.DatetimeIndex(panel.stamps)
        frame["signal"] = pd.Series(panel.matched[row], index=days).reindex(frame.index)
        frame["inside"] = pd.Series(panel.in_range[row], index=days).reindex(frame.index)
        frame = frame.fillna({"signal": False, "inside": False})
        for h in HORIZONS:
            ret = frame["close"].shift(-h) / frame["open"].shift(-1) - 1.0
            part = pd.DataFrame({"ret": ret, "signal": frame["signal"], "inside": frame["inside"]})[
                lambda d: d["inside"].astype(bool) & d["ret"].notna()
            ]
            part = part.assign(horizon=h, year=part.index.year.astype(str), sector=sectors[symbol])
            records.append(part)
    data = pd.concat(records)
    rows = []
    for h, by_h in data.groupby("horizon"):
        for by, key in (("all", None), ("year", "year"), ("sector", "sector")):
            groups = [("all", by_h)] if key is None else list(by_h.groupby(key))
            for group, g in groups:
                s = g.loc[g["signal"].astype(bool), "ret"]
                b = g["ret"]
                rows.append(
                    {
                        "by": by,
                        "group": group,
                        "horizon": h,
                        "count": len(s),
                        "mean": s.mean(),
                        "median": s.median(),
                        "hit_rate": (s > 0).mean() if len(s) else np.nan,
                        "base_count": len(b),
                        "base_mean": b.mean(),
                        "base_median": b.median(),
                        "base_hit_rate": (b > 0).mean(),
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("formula", FORMULAS)
def test_study_equals_pandas(formula: str) -> None:
    got = candlescan.study(
        formula, horizons=HORIZONS, start=RANGE.start, end=RANGE.end, backend="thread"
    )
    want = _pandas_study(formula)
    key = ["by", "group", "horizon"]
    merged = got.merge(want, on=key, how="outer", suffixes=("", "_pd"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][key]
    assert merged["count"].sum() > 0
    for column in ("count", "base_count"):
        assert (merged[column] == merged[column + "_pd"]).all(), column
    for column in ("mean", "median", "hit_rate", "base_mean", "base_median", "base_hit_rate"):
        np.testing.assert_allclose(
            merged[column], merged[column + "_pd"], rtol=1e-9, err_msg=column
        )


def _tiny() -> MemoryRepository:
    days = np.arange(np.datetime64("2021-03-01"), np.datetime64("2021-03-09"))
    opens = np.array([10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0])
    closes = opens + 0.5
    return MemoryRepository(
        {"A": Candles("A", days, opens, closes, opens, closes, np.ones(8))},
        metadata={"A": {"sector": "Energy"}},
    )


def test_a_match_trades_from_the_next_open_and_overlaps_can_be_skipped() -> None:
    # close > 11 holds on days 2..8 (index 1..7); by hand, horizon 2 from bar t:
    # close[t+2] / open[t+1] - 1, defined for t = 0..5, so signals t = 1..5.
    frame = candlescan.study(
        "close > 11", horizons=(2,), source=_tiny(), backend="serial", workers=1
    )
    row = frame[frame["by"] == "all"].iloc[0]
    by_hand = [(o + 1.0 + 0.5) / o - 1.0 for o in (12.0, 13.0, 14.0, 15.0, 16.0)]
    assert row["count"] == 5 and row["base_count"] == 6
    assert row["mean"] == pytest.approx(np.mean(by_hand), rel=1e-12)
    skipped = candlescan.study(
        "close > 11", horizons=(2,), source=_tiny(), backend="serial", workers=1, overlap="skip"
    )
    row = skipped[skipped["by"] == "all"].iloc[0]
    assert row["count"] == 3  # t = 1, 3, 5: each waits for the previous exit
    assert row["mean"] == pytest.approx(np.mean(by_hand[::2]), rel=1e-12)
    assert set(skipped["by"]) == {"all", "year", "sector"}


def test_bars_before_the_formula_is_warm_are_not_in_the_baseline() -> None:
    # sma(close, 3) is warm from the third bar (index 2); horizon 2 needs t + 2 <= 7,
    # so t = 2..5 are counted, and the rising prices match on each of them.
    frame = candlescan.study(
        "close > sma(close, 3)", horizons=(2,), source=_tiny(), backend="serial", workers=1
    )
    row = frame[frame["by"] == "all"].iloc[0]
    assert row["base_count"] == 4 and row["count"] == 4
