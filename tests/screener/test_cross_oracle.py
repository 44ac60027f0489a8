"""Cross-sectional results equal a pandas oracle on the 409-symbol sample."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import candlescan
from candlescan import DateRange
from candlescan.plugins.sources.sample import SampleRepository
from tests.screener import oracle as o

RANGE = DateRange("2017-01-01", "2017-12-31")

Frames = dict[str, pd.DataFrame]
Oracle = Callable[[pd.DataFrame], pd.DataFrame]
Match = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]

# formula -> (its input x, a pandas version of x, term compared panel-wide or None,
#             pandas oracle of the term from x, the match from (x, term))
CASES: dict[str, tuple[str, Callable[[Frames], pd.DataFrame], str | None, Oracle, Match]] = {
    "rank(roc(close, 63)) <= 20": (
        "roc(close, 63)",
        lambda f: o.roc(f["close"], 63),
        "rank(roc(close, 63))",
        o.rank,
        lambda x, t: t <= 20,
    ),
    "percentile(close / sma(close, 50)) >= 90": (
        "close / sma(close, 50)",
        lambda f: f["close"] / o.sma(f["close"], 50),
        "percentile(close / sma(close, 50))",
        o.percentile,
        lambda x, t: t >= 90,
    ),
    "zscore(roc(close, 20)) > 1.5": (
        "roc(close, 20)",
        lambda f: o.roc(f["close"], 20),
        "zscore(roc(close, 20))",
        o.zscore,
        lambda x, t: t > 1.5,
    ),
    "demean(roc(close, 20)) > 5": (
        "roc(close, 20)",
        lambda f: o.roc(f["close"], 20),
        "demean(roc(close, 20))",
        o.demean,
        lambda x, t: t > 5,
    ),
    "top(volume, 10)": (
        "volume",
        lambda f: f["volume"],
        None,
        lambda x: o.top(x, 10),
        lambda x, t: t,
    ),
    "bottom(roc(close, 5), 15)": (
        "roc(close, 5)",
        lambda f: o.roc(f["close"], 5),
        None,
        lambda x: o.bottom(x, 15),
        lambda x, t: t,
    ),
    "rank(roc(close, 63), by=sector) <= 2": (
        "roc(close, 63)",
        lambda f: o.roc(f["close"], 63),
        "rank(roc(close, 63), by=sector)",
        lambda x: o.by_group(x, o.sample_sectors(), "rank"),
        lambda x, t: t <= 2,
    ),
    "roc(close, 20) > median(roc(close, 20), by=sector)": (
        "roc(close, 20)",
        lambda f: o.roc(f["close"], 20),
        "median(roc(close, 20), by=sector)",
        lambda x: o.by_group(x, o.sample_sectors(), "median"),
        lambda x, t: x > t,
    ),
    "rank(roc(close, 20))[1] <= 5 and rank(roc(close, 20)) > 50": (
        "roc(close, 20)",
        lambda f: o.roc(f["close"], 20),
        "rank(roc(close, 20))",
        o.rank,
        lambda x, t: (t.shift(1) <= 5) & (t > 50),
    ),
    # Real prices are whole ten-thousandths, so one-day changes tie often (~100 a day).
    "rank(close - close[1]) <= 30": (
        "close - close[1]",
        lambda f: f["close"].apply(lambda s: s.dropna() - s.dropna().shift(1)),
        "rank(close - close[1])",
        o.rank,
        lambda x, t: t <= 30,
    ),
    "percentile(close - close[1], by=sector) >= 95": (
        "close - close[1]",
        lambda f: f["close"].apply(lambda s: s.dropna() - s.dropna().shift(1)),
        "percentile(close - close[1], by=sector)",
        lambda x: o.by_group(x, o.sample_sectors(), "percentile"),
        lambda x, t: t >= 95,
    ),
    "top(roc(close, 20), 10) for 3 bars": (
        "roc(close, 20)",
        lambda f: o.roc(f["close"], 20),
        None,
        lambda x: o.top(x, 10),
        lambda x, t: t & t.shift(1, fill_value=False) & t.shift(2, fill_value=False),
    ),
}


@pytest.fixture(scope="module")
def frames() -> Frames:
    repo = SampleRepository()
    return o.load_frames(repo, list(repo.symbols()), RANGE)


def _panel_frame(panel: candlescan.screener.panel.Panel, values: np.ndarray) -> pd.DataFrame:
    index = pd.DatetimeIndex(panel.stamps)
    return pd.DataFrame(values.T, index=index, columns=list(panel.symbols))


@pytest.mark.parametrize("formula", list(CASES))
def test_cross_section_equals_pandas(formula: str, frames: Frames) -> None:
    source, pandas_input, term, term_oracle, match_oracle = CASES[formula]
    results = candlescan.scan(
        formula, columns=[source], start=RANGE.start, end=RANGE.end, backend="thread"
    )
    ok = sorted(r.symbol for r in results if r.error is None)
    assert len(ok) >= 400, [r.error for r in results if r.error][:3]
    panel = results.panel
    assert panel is not None and list(panel.symbols) == ok
    index = pd.DatetimeIndex(panel.stamps)
    inside = pd.DataFrame(panel.in_range.T, index=index, columns=ok)
    # The input panel: candlescan's kernels agree with plain pandas ...
    x = pd.DataFrame(panel.columns[results.columns[0]].T, index=index, columns=ok)
    reference = pandas_input({k: v[ok] for k, v in frames.items()}).reindex_like(x)
    np.testing.assert_allclose(x[inside].to_numpy(), reference[inside].to_numpy(), rtol=1e-9)
    # ... and pandas' rank/groupby on that same panel is the oracle of the cross-section.
    x = x.where(pd.DataFrame(panel.present.T, index=index, columns=ok))
    if "close[1]" in source:  # these cases exist for their ties
        ties = x[inside].apply(lambda r: r.dropna().duplicated().sum(), axis=1).sum()
        assert ties > 1000, ties
    expected = term_oracle(x)
    if term is not None:
        got = pd.DataFrame(panel.terms[term].T, index=index, columns=ok)
        np.testing.assert_allclose(
            got[inside].to_numpy(), expected[inside].to_numpy(), rtol=1e-12, atol=1e-12
        )
    want = match_oracle(x, expected).fillna(False).astype(bool) & inside
    got_match = pd.DataFrame(panel.matched.T, index=index, columns=ok)
    assert want.to_numpy().sum() > 0, "the case should match somewhere"
    mismatch = got_match != want
    assert not mismatch.to_numpy().any(), mismatch.stack()[lambda s: s].head(10)
    for row in results:  # each symbol's matches are its row of the panel
        if row.error is None:
            dates = want.index[want[row.symbol]].to_numpy()
            assert np.array_equal(np.array(row.matches, dtype="datetime64[ns]"), dates)
