"""Parsed CSV series are shared through memory-mapped files, not parsed in every worker.

The oracle for the values is the parser itself on a fresh repository with the cache
turned off (``CANDLESCAN_SERIES_CACHE=0``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from candlescan import DateRange, FormulaService, PluginRegistry, ProcessingEngine, ProcessingJob
from candlescan.plugins.sources.csv import CsvRepository

RANGE = DateRange("2021-01-01", "2021-03-31")


def _write(folder: Path, symbol: str, closes: list[float]) -> None:
    days = np.datetime64("2021-01-04") + np.arange(len(closes))
    rows = ["date,open,high,low,close,volume"]
    rows += [
        f"{d},{c:.2f},{c + 1:.2f},{c - 1:.2f},{c:.2f},1000"
        for d, c in zip(days, closes, strict=True)
    ]
    (folder / f"{symbol}.csv").write_text("\n".join(rows) + "\n")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "series"
    monkeypatch.setenv("CANDLESCAN_SERIES_CACHE", str(folder))
    return folder


@pytest.fixture
def bars(tmp_path: Path) -> Path:
    folder = tmp_path / "bars"
    folder.mkdir()
    _write(folder, "AAA", [100.0 + i for i in range(60)])
    _write(folder, "BBB", [50.0 - i / 10 for i in range(60)])
    return folder


def _parsed(bars: Path, symbol: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setenv("CANDLESCAN_SERIES_CACHE", "0")
        return CsvRepository(bars).series(symbol)


def test_a_second_process_maps_what_the_first_parsed(
    bars: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CsvRepository(bars).series("AAA")  # parses and writes the cache file
    assert len(list(cache.glob("*.npy"))) == 1
    # A fresh repository stands for another worker: its series is a read-only mapping.
    mapped = CsvRepository(bars).series("AAA")
    assert not mapped.close.flags.writeable and not mapped.close.flags.owndata
    assert type(mapped.close) is np.ndarray  # no memmap subclass reaches the kernels
    assert mapped == first == _parsed(bars, "AAA", monkeypatch)
    window = CsvRepository(bars).get_candles("AAA", "1d", RANGE, warmup_bars=5)
    assert window.close.flags.writeable and window.close.flags.owndata  # private copies


def test_an_edited_file_is_parsed_again(
    bars: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    CsvRepository(bars).series("BBB")
    _write(bars, "BBB", [70.0 + i for i in range(60)])  # same size, immediately after
    again = CsvRepository(bars).series("BBB")
    assert again.close[0] == 70.0
    assert again == _parsed(bars, "BBB", monkeypatch)


def test_an_unwritable_cache_folder_falls_back_to_parsing(
    bars: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CANDLESCAN_SERIES_CACHE", str(blocker / "series"))
    assert CsvRepository(bars).series("AAA") == _parsed(bars, "AAA", monkeypatch)


def test_worker_processes_share_the_cache_and_agree_with_the_parser(
    bars: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = PluginRegistry.default()
    job = ProcessingJob("mapped", ["AAA", "BBB"], "1d", RANGE, "close > sma(close, 5)")

    def scan() -> dict[str, object]:
        with ProcessingEngine(CsvRepository(bars), FormulaService(registry), 2) as engine:
            results = asyncio.run(engine.process_batch(job))
        return {r.symbol: (r.error, tuple(r.matches), r.computed_indicators) for r in results}

    cold = scan()  # workers parse and write the files
    assert len(list(cache.glob("*.npy"))) == 2
    warm = scan()  # workers map them
    monkeypatch.setenv("CANDLESCAN_SERIES_CACHE", "0")
    assert cold == warm == scan()
    assert all(error is None for error, _, _ in cold.values())
