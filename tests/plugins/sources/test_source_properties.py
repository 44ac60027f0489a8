"""Hypothesis properties shared by every built-in source: pickling and the range window."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from candlescan import Candles, DateRange, ICandleRepository, Timeframe
from candlescan.data.resample import resample
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository

EVERYTHING = DateRange("1900-01-01", "2199-12-31")
_COLUMNS = ("open", "high", "low", "close", "volume")


@pytest.fixture(scope="module")
def csv_folder() -> Iterator[Path]:
    source = SyntheticRepository(n_symbols=3, bars=120, seed=21)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for symbol in source.symbols():
            c = source.get_candles(symbol, "1d", EVERYTHING)
            lines = ["date,open,high,low,close,volume"] + [
                f"{str(d)[:10]},{float(o)!r},{float(h)!r},{float(lo)!r},{float(cl)!r},{v:.0f}"
                for d, o, h, lo, cl, v in zip(
                    c.timestamps, c.open, c.high, c.low, c.close, c.volume, strict=True
                )
            ]
            (folder / f"{symbol}.csv").write_text("\n".join(lines) + "\n")
        yield folder


@st.composite
def _memory(draw: st.DrawFn) -> MemoryRepository:
    count = draw(st.integers(1, 3))
    series = {}
    for i in range(count):
        bars = draw(st.integers(1, 60))
        seed = draw(st.integers(0, 2**16))
        c = SyntheticRepository(1, bars, seed=seed).get_candles("SYM0000", "1d", EVERYTHING)
        series[f"M{i}"] = Candles(f"M{i}", *(getattr(c, n) for n in ("timestamps", *_COLUMNS)))
    return MemoryRepository(series)


def _repositories(csv_folder: Path) -> st.SearchStrategy[ICandleRepository]:
    synthetic = st.builds(
        SyntheticRepository,
        n_symbols=st.integers(1, 4),
        bars=st.integers(1, 300),
        seed=st.integers(0, 10**6),
        start=st.dates(date(1990, 1, 1), date(2030, 1, 1)),
    )
    return st.one_of(
        synthetic, _memory(), st.just(SampleRepository()), st.just(CsvRepository(csv_folder))
    )


@st.composite
def _request(draw: st.DrawFn, repo: ICandleRepository) -> tuple[str, Timeframe, DateRange, int]:
    symbol = draw(st.sampled_from(repo.symbols()))
    full = repo.get_candles(symbol, Timeframe.D1, EVERYTHING)
    first = full.timestamps[0].astype("datetime64[D]").item()
    last = full.timestamps[-1].astype("datetime64[D]").item()
    start = draw(st.dates(first - timedelta(days=30), last + timedelta(days=30)))
    end = draw(st.dates(start, start + timedelta(days=800)))
    timeframe = draw(st.sampled_from([Timeframe.D1, Timeframe.W1, Timeframe.MO1]))
    return symbol, timeframe, DateRange(start, end), draw(st.integers(0, 80))


def test_properties(csv_folder: Path) -> None:
    """One hypothesis run per property over every kind of source (csv needs the folder)."""

    @given(st.data())
    def repositories_pickle_to_equivalents(data: st.DataObject) -> None:
        repo = data.draw(_repositories(csv_folder))
        symbol, timeframe, date_range, warmup = data.draw(_request(repo))
        before = repo.get_candles(symbol, timeframe, date_range, warmup_bars=warmup)
        clone = pickle.loads(pickle.dumps(repo))
        assert type(clone) is type(repo)
        assert clone.symbols() == repo.symbols()
        assert clone.describe() == repo.describe()
        after = clone.get_candles(symbol, timeframe, date_range, warmup_bars=warmup)
        assert after == before
        assert pickle.loads(pickle.dumps(before)) == before  # Candles round-trip too

    @given(st.data())
    def window_matches_a_naive_reference(data: st.DataObject) -> None:
        repo = data.draw(_repositories(csv_folder))
        symbol, timeframe, date_range, warmup = data.draw(_request(repo))
        got = repo.get_candles(symbol, timeframe, date_range, warmup_bars=warmup)
        # naive: whole daily history, cut after the range end, resampled, then masked
        daily = repo.get_candles(symbol, Timeframe.D1, EVERYTHING)
        known = daily.slice(0, int((daily.timestamps < date_range.stop64).sum()))
        bars = resample(known, timeframe)
        inside = np.flatnonzero(bars.timestamps >= date_range.start64)
        first = int(inside[0]) if len(inside) else len(bars)
        expected = bars.slice(max(0, first - warmup), len(bars))
        assert got == expected
        assert (got.timestamps < date_range.stop64).all()
        assert int((got.timestamps < date_range.start64).sum()) == min(warmup, first)

    repositories_pickle_to_equivalents()
    window_matches_a_naive_reference()
