"""The bundled ``sample`` source and the script that builds it."""

from __future__ import annotations

import csv
import importlib.util
import pickle
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from candlescan import DataSourceError, DateRange, SymbolNotFoundError, Timeframe
from candlescan.plugins.sources.sample import SampleRepository, load_bundle, sample_source

ALL = DateRange("2000-01-01", "2100-01-01")
ROOT = Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "plugins" / "sources" / "data" / "sp500_daily.npz"


def test_bundle_is_shipped_small_and_credited() -> None:
    assert BUNDLE.is_file()
    assert BUNDLE.stat().st_size <= 10 * 1024 * 1024
    credits = (BUNDLE.parent / "SOURCES.md").read_text()
    for name in ("Cam Nugent", "kaggle-code", "MIT", "IEX"):
        assert name in credits


def test_symbols_and_span() -> None:
    repo = SampleRepository()
    symbols = repo.symbols()
    assert len(symbols) == 409
    assert list(symbols) == sorted(symbols)
    aapl = repo.get_candles("AAPL", Timeframe.D1, ALL)
    assert len(aapl) == 1259
    assert str(aapl.timestamps[0])[:10] == "2013-02-08"
    assert str(aapl.timestamps[-1])[:10] == "2018-02-07"
    assert aapl.close[0] == 67.8542  # AAPL's first close in the source (split-adjusted)


def test_short_history_symbol() -> None:
    aptv = SampleRepository().get_candles("APTV", Timeframe.D1, ALL)
    assert len(aptv) == 44  # listed 2017-12-05
    assert str(aptv.timestamps[0])[:10] == "2017-12-05"


def test_unknown_symbol_and_argument() -> None:
    with pytest.raises(SymbolNotFoundError, match="'AOS'"):  # flagged, so not in the sample
        SampleRepository().get_candles("AOS", Timeframe.D1, ALL)
    with pytest.raises(DataSourceError, match="takes no argument"):
        sample_source("x")


def test_pickles_to_almost_nothing() -> None:
    repo = SampleRepository()
    repo.get_candles("MSFT", "1d", ALL)
    blob = pickle.dumps(repo)
    assert len(blob) < 500
    assert pickle.loads(blob).get_candles("MSFT", "1d", ALL) == repo.get_candles("MSFT", "1d", ALL)


def test_bundle_is_decoded_once_per_process() -> None:
    assert load_bundle() is load_bundle()


def _csv_columns(path: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    days = np.array([row[0] for row in rows], dtype="datetime64[ns]")
    return days, [np.array([float(row[i]) for row in rows]) for i in range(1, 6)]


def test_round_trips_exactly_against_every_csv(shared_data: Path) -> None:
    files = sorted((shared_data / "ohlcv").glob("*.csv"))
    repo = SampleRepository()
    assert repo.symbols() == tuple(path.stem for path in files)
    for path in files:
        got = repo.get_candles(path.stem, Timeframe.D1, ALL)
        days, columns = _csv_columns(path)
        assert np.array_equal(got.timestamps, days), path.stem
        for name, expected in zip(("open", "high", "low", "close", "volume"), columns, strict=True):
            # exact: float(text) is what a CSV parser gives, and the bundle must match it
            assert np.array_equal(got.column(name), expected), (path.stem, name)


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_sample_data", ROOT / "tools" / "build_sample_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_round_trips_a_small_folder(tmp_path: Path) -> None:
    source = tmp_path / "csv"
    source.mkdir()
    (source / "BB.csv").write_text(
        "date,open,high,low,close,volume\n"
        "2020-01-02,1.0001,2.5,0.9999,1.25,10\n"
        "2020-01-06,1.3,1.4,1.2,1.35,0\n"
        "2020-02-03,999.9999,1000,999.5,1000,123456789\n"
    )
    (source / "AA.csv").write_text("date,open,high,low,close,volume\n2019-12-31,5,6,4,5.5,7\n")
    output = tmp_path / "out.npz"
    _build_script().build(source, output)
    from candlescan.plugins.sources.sample import decode_bundle

    with output.open("rb") as handle:
        bundle = decode_bundle(handle)
    assert bundle.symbols == ("AA", "BB")
    start, stop = bundle.span("BB")
    assert list(bundle.columns["open"][start:stop]) == [1.0001, 1.3, 999.9999]
    assert list(bundle.columns["low"][start:stop]) == [0.9999, 1.2, 999.5]
    assert list(bundle.columns["volume"][start:stop]) == [10, 0, 123456789]
    assert [str(d)[:10] for d in bundle.timestamps[start:stop]] == [
        "2020-01-02",
        "2020-01-06",
        "2020-02-03",
    ]


def test_build_script_refuses_inexact_values(tmp_path: Path) -> None:
    (tmp_path / "X.csv").write_text("date,open,high,low,close,volume\n2020-01-02,1.00001,2,1,1,1\n")
    with pytest.raises(SystemExit, match="more than 4 decimals"):
        _build_script().build(tmp_path, tmp_path / "out.npz")
