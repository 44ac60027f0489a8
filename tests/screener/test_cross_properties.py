"""Ties, NaN and gaps against pandas; symbol order and later bars never matter (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import candlescan
from candlescan import Candles, DateRange
from candlescan.plugins.sources.memory import MemoryRepository
from tests.screener import oracle as o

DAYS = np.arange(np.datetime64("2020-01-01"), np.datetime64("2020-01-21"))
RANGE = DateRange("2020-01-01", "2020-01-20")
SECTORS = ("Energy", "Utilities")

# formula -> the term compared panel-wide and its pandas oracle on the close panel
TERMS = {
    "rank(close) <= 2": ("rank(close)", o.rank),
    "percentile(close) >= 50": ("percentile(close)", o.percentile),
    "zscore(close) > 0.5": ("zscore(close)", o.zscore),
    "demean(close) < 0": ("demean(close)", o.demean),
    "rank(close, by=sector) == 1": (
        "rank(close, by=sector)",
        lambda x: o.by_group(x, _sectors(list(x.columns)), "rank"),
    ),
    "close >= median(close, by=sector)": (
        "median(close, by=sector)",
        lambda x: o.by_group(x, _sectors(list(x.columns)), "median"),
    ),
}
FORMULAS = [*TERMS, "top(close, 2)", "bottom(close, 2) within 2 bars", "rank(close)[1] == 1"]


def _sectors(symbols: list[str]) -> pd.Series:
    return pd.Series({s: SECTORS[int(s[1:]) % 2] for s in symbols})


@st.composite
def panels(draw: st.DrawFn) -> dict[str, Candles]:
    """2-7 symbols, 20 days, few distinct prices (many ties), some missing days (gaps)."""
    n = draw(st.integers(2, 7))
    out = {}
    for i in range(n):
        keep = draw(st.lists(st.booleans(), min_size=len(DAYS), max_size=len(DAYS)))
        days = DAYS[np.array(keep, dtype=bool)]
        if len(days) == 0:
            continue
        prices = np.array(
            draw(st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=len(days), max_size=len(days)))
        )
        symbol = f"S{i}"
        out[symbol] = Candles(symbol, days, prices, prices, prices, prices, np.ones(len(days)))
    assume(len(out) >= 2)
    return out


def _scan(data: dict[str, Candles], formula: str, symbols: list[str]) -> candlescan.ScanResults:
    metadata = {s: {"sector": SECTORS[int(s[1:]) % 2]} for s in data}
    repo = MemoryRepository(data, metadata=metadata)
    return candlescan.scan(
        formula,
        source=repo,
        symbols=symbols,
        columns=["close"],
        start=RANGE.start,
        end=RANGE.end,
        backend="serial",
        workers=1,
    )


def _by_symbol(results: candlescan.ScanResults) -> dict[str, tuple[object, ...]]:
    return {
        r.symbol: (
            tuple(r.matches),
            tuple((k, None if np.isnan(v) else v) for k, v in sorted(r.values.items())),
            r.error,
        )
        for r in results
    }


@settings(max_examples=40)
@given(panels(), st.sampled_from(list(TERMS)))
def test_ties_nan_and_gaps_equal_pandas(data: dict[str, Candles], formula: str) -> None:
    term, oracle = TERMS[formula]
    results = _scan(data, formula, sorted(data))
    panel = results.panel
    assert panel is not None
    index = pd.DatetimeIndex(panel.stamps)
    x = pd.DataFrame(panel.columns["close"].T, index=index, columns=list(panel.symbols))
    x = x.where(pd.DataFrame(panel.present.T, index=index, columns=list(panel.symbols)))
    expected = oracle(x).to_numpy()
    got = panel.terms[term].T
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=30)
@given(panels(), st.sampled_from(FORMULAS), st.randoms(use_true_random=False))
def test_permuting_the_symbols_changes_nothing(
    data: dict[str, Candles], formula: str, rng: object
) -> None:
    symbols = sorted(data)
    shuffled = list(symbols)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    first = _scan(data, formula, symbols)
    second = _scan(data, formula, shuffled)
    assert _by_symbol(first) == _by_symbol(second)
    assert first.symbols == second.symbols  # the rows' order is the symbols', not the job's


@settings(max_examples=30)
@given(panels(), st.sampled_from(FORMULAS), st.integers(3, 15), st.data())
def test_a_later_bar_never_changes_an_earlier_result(
    data: dict[str, Candles], formula: str, cut: int, draw: st.DataObject
) -> None:
    """Rewriting every bar after day ``cut`` leaves every result on days <= ``cut`` alone."""
    boundary = DAYS[cut]
    changed = {}
    for symbol, c in data.items():
        later = c.timestamps > boundary
        prices = c.close.copy()
        prices[later] = draw.draw(
            st.lists(
                st.sampled_from([1.0, 5.0]), min_size=int(later.sum()), max_size=int(later.sum())
            )
        )
        changed[symbol] = Candles(symbol, c.timestamps, prices, prices, prices, prices, c.volume)
    before, after = (_scan(d, formula, sorted(data)) for d in (data, changed))
    for a, b in zip(before, after, strict=True):
        assert [m for m in a.matches if m <= boundary] == [m for m in b.matches if m <= boundary]
    pa, pb = before.panel, after.panel
    assert pa is not None and pb is not None
    early = pa.stamps <= boundary
    for text, values in pa.terms.items():
        np.testing.assert_array_equal(values[:, early], pb.terms[text][:, early[: len(pb.stamps)]])
