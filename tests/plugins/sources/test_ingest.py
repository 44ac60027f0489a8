"""``ingest`` into the store: upsert, idempotence, bad rows, versions, and SIGKILL safety."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pytest

from candlescan import Candles, DataSourceError, DateRange, Timeframe
from candlescan.cli import main
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.ingest import ingest
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.store import StoreRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository
from tests.plugins.sources._builders import write_csv

RANGE = DateRange("1900-01-01", "2199-12-31")


def series(n: int = 4, length: int = 300, seed: int = 1) -> list[Candles]:
    source = SyntheticRepository(n_symbols=n, bars=length, seed=seed)
    return [source.get_candles(s, "1d", RANGE) for s in source.symbols()]


def stored(path: Path) -> dict[str, Candles]:
    store = StoreRepository(path)
    try:
        return {s: store.get_candles(s, Timeframe.D1, RANGE) for s in store.symbols()}
    finally:
        store.close()


def test_ingest_round_trips_every_bar(tmp_path: Path) -> None:
    original = series()
    report = ingest(MemoryRepository(original), tmp_path / "s.duckdb")
    assert (report.symbols, report.bars, report.problems) == (4, 1200, [])
    got = stored(tmp_path / "s.duckdb")
    assert got == {c.symbol: c for c in original}


def test_ingest_again_is_idempotent_and_upserts(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    original = series()
    ingest(MemoryRepository(original), path)
    ingest(MemoryRepository(original), path)  # same data: nothing changes
    assert stored(path) == {c.symbol: c for c in original}
    # a newer file: the last 50 bars revised, 40 new bars appended, for one symbol
    longer = SyntheticRepository(n_symbols=4, bars=340, seed=1)
    newer = longer.get_candles("SYM0001", "1d", RANGE)
    revised = Candles(
        newer.symbol, newer.timestamps, newer.open, newer.high * 1.5, newer.low, newer.close,
        newer.volume,
    )  # fmt: skip
    ingest(MemoryRepository([revised.slice(250, 340)]), path)
    got = stored(path)
    expected = original[1].close.tolist()[:250] + revised.close.tolist()[250:]
    assert got["SYM0001"].timestamps.tolist() == revised.timestamps.tolist()
    np.testing.assert_array_equal(got["SYM0001"].close, expected)
    np.testing.assert_array_equal(got["SYM0001"].high[250:], revised.high[250:])
    np.testing.assert_array_equal(got["SYM0001"].high[:250], original[1].high[:250])
    assert got["SYM0000"] == original[0]
    assert StoreRepository(path).check_integrity() == []


def test_a_bad_row_skips_its_symbol_only(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "csv", series())
    bad = (folder / "SYM0002.csv").read_text().splitlines()
    fields = bad[11].split(",")
    fields[2], fields[3] = "1.0", "999.0"  # high < low on data row 10 (file line 12)
    bad[11] = ",".join(fields)
    (folder / "SYM0002.csv").write_text("\n".join(bad) + "\n")
    report = ingest(CsvRepository(folder), tmp_path / "s.duckdb")
    assert [p.symbol for p in report.problems] == ["SYM0002"]
    assert report.problems[0].row == 10
    assert "line 12" in str(report.problems[0])
    assert sorted(stored(tmp_path / "s.duckdb")) == ["SYM0000", "SYM0001", "SYM0003"]


def test_cli_ingest_reports_problems_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_csv(tmp_path / "csv", series(2))
    (folder / "BROKEN.csv").write_text("date,open,high,low,close,volume\n2020-01-01,x,1,1,1,1\n")
    code = main(["ingest", f"csv:{folder}", "--into", str(tmp_path / "s.duckdb")])
    out, err = capsys.readouterr()
    assert code == 3
    assert "ingested 2 symbols" in out
    assert "BROKEN at row 0" in err and "bad open 'x'" in err


def test_a_newer_store_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    ingest(MemoryRepository(series(1)), path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE candlescan_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DataSourceError, match="version 99, newer than this candlescan"):
        StoreRepository(path)
    with pytest.raises(DataSourceError, match="version 99"):
        ingest(MemoryRepository(series(1)), path)


def test_a_foreign_duckdb_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(DataSourceError, match="not a candlescan store"):
        StoreRepository(path)
    with pytest.raises(DataSourceError, match="not a candlescan store"):
        ingest(MemoryRepository(series(1)), path)


_CHILD = """
import sys
from candlescan.plugins.sources.ingest import ingest
from candlescan.plugins.sources.synthetic import SyntheticRepository
source = SyntheticRepository(n_symbols=int(sys.argv[2]), bars=2000, seed=5)
ingest(source, sys.argv[1], batch_bars=20_000, progress=lambda d, t: print(d, flush=True))
print("done", flush=True)
"""


def test_sigkill_during_ingest_keeps_exactly_what_was_committed(tmp_path: Path) -> None:
    """Kill a second ingest at random points (after a random number of written batches,
    plus a random delay): the store opens, is sound, and holds exactly the first ingest's
    symbols, or all of them when the kill came after the commit."""
    rng = random.Random(2024)
    first = [f"SYM{i:04d}" for i in range(3)]
    everything = [f"SYM{i:04d}" for i in range(300)]
    outcomes = []
    for trial in range(8):
        path = tmp_path / f"s{trial}.duckdb"
        ingest(SyntheticRepository(n_symbols=3, bars=2000, seed=5), path)
        # the last trial waits for "done": the kill lands after the commit
        lines = 10**6 if trial == 7 else rng.randint(1, 5)
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), "300"],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
        )
        assert child.stdout is not None
        with child.stdout:
            for _ in range(lines):
                if child.stdout.readline().strip() in ("done", ""):
                    break
            time.sleep(rng.uniform(0.0, 0.05))
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
        store = StoreRepository(path)
        try:
            assert store.check_integrity() == []
            symbols = list(store.symbols())
            assert symbols in (first, everything), symbols[:5]
            outcomes.append(len(symbols))
            for symbol in symbols[:3]:
                assert len(store.get_candles(symbol, Timeframe.D1, RANGE)) == 2000
        finally:
            store.close()
    assert outcomes.count(3) >= 5, outcomes  # kills mid-ingest lost the whole transaction
    assert outcomes[-1] == 300, outcomes  # a committed ingest survives the kill


class _WithMetadata(MemoryRepository):
    def symbol_metadata(self, symbols: object = None) -> dict[str, dict[str, str]]:
        return {"SYM0000": {"sector": "Utilities"}, "SYM0001": {"sector": "Energy", "x": "y"}}


def test_ingest_copies_symbol_metadata(tmp_path: Path) -> None:
    ingest(_WithMetadata(series(2)), tmp_path / "s.duckdb")
    store = StoreRepository(tmp_path / "s.duckdb")
    assert store.symbol_metadata() == {
        "SYM0000": {"sector": "Utilities"},
        "SYM0001": {"sector": "Energy", "x": "y"},
    }
    assert store.symbol_metadata(["SYM0001"]) == {"SYM0001": {"sector": "Energy", "x": "y"}}
    store.close()
