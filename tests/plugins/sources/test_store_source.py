"""The store's reading side: lazy read-only connections, metadata-only listings."""

from __future__ import annotations

import pickle
from pathlib import Path

import duckdb
import pytest

from candlescan import DataSourceError, DateRange, Timeframe
from candlescan.cli import main
from candlescan.plugins.sources.ingest import ingest
from candlescan.plugins.sources.store import StoreRepository, store_source
from candlescan.plugins.sources.synthetic import SyntheticRepository

EVERY = DateRange("1900-01-01", "2199-12-31")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    ingest(SyntheticRepository(n_symbols=3, bars=100), tmp_path / "s.duckdb")
    return tmp_path / "s.duckdb"


def test_connection_is_lazy_read_only_and_kept(store: Path) -> None:
    repo = StoreRepository(store)
    shipped = pickle.loads(pickle.dumps(repo))
    assert shipped._con is None  # what travels to a worker holds no connection
    shipped.get_candles("SYM0000", Timeframe.D1, EVERY)
    first = shipped._con
    shipped.get_candles_many(["SYM0001", "SYM0002"], Timeframe.D1, EVERY)
    assert shipped._con is first  # one connection per process, reused
    with pytest.raises(duckdb.Error, match="read-only"):
        first.execute("DELETE FROM bars")
    shipped.close()
    repo.close()


def test_listings_come_from_the_series_table(store: Path) -> None:
    with duckdb.connect(str(store)) as con:
        # remove the bars but not the series rows: listings must not look at bars
        con.execute("DELETE FROM bars WHERE symbol = 'SYM0002'")
    repo = StoreRepository(store)
    assert repo.symbols() == ("SYM0000", "SYM0001", "SYM0002")
    synthetic = SyntheticRepository(n_symbols=3, bars=100)
    assert repo.coverage() == synthetic.coverage()
    assert repo.check_integrity() == ["series table disagrees with bars for SYM0002 1d"]
    repo.close()


def test_missing_file_and_options(tmp_path: Path, store: Path) -> None:
    with pytest.raises(DataSourceError, match="candlescan ingest"):
        StoreRepository(tmp_path / "nope.duckdb")
    repo = store_source(f"{store}?memory_limit=64MB&threads=1")
    assert repo.memory_limit == "64MB" and repo.describe() == f"duckdb:{store}"
    repo.close()
    with pytest.raises(DataSourceError, match="unknown option 'memory'"):
        store_source(f"{store}?memory=1")


def test_cli_scans_the_store_with_a_coarser_timeframe(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["scan", "close > 0", "--source", f"store:{store}", "--timeframe", "1w"]
    code = main([*args, "--backend", "serial", "--format", "json", "--all", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert '"error": null' in out and "SYM0002" in out
