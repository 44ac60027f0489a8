"""A Parquet dataset on a shared path is readable from Dask worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from candlescan import Candles, DateRange, Timeframe
from candlescan.plugins.sources.parquet import ParquetRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository
from tests.plugins.sources._builders import write_hive

distributed = pytest.importorskip("distributed")

RANGE = DateRange("2013-06-01", "2014-06-30")


def read_chunk(repo: ParquetRepository, symbols: list[str]) -> tuple[int, dict[str, Candles]]:
    found = repo.get_candles_many(symbols, Timeframe.D1, RANGE, warmup_bars=20)
    return os.getpid(), {s: c for s, c in found.items() if isinstance(c, Candles)}


def test_dask_workers_read_the_dataset(tmp_path: Path) -> None:
    source = SyntheticRepository(n_symbols=8, bars=400, seed=9)
    every = DateRange("1900-01-01", "2199-12-31")
    write_hive(tmp_path / "bars", [source.get_candles(s, "1d", every) for s in source.symbols()])
    repo = ParquetRepository(tmp_path / "bars")
    symbols = list(source.symbols())
    chunks = [symbols[:4], symbols[4:]]
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # another cluster may hold the default port
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        workers = list(client.scheduler_info()["workers"])
        futures = [
            client.submit(read_chunk, repo, chunk, workers=[worker], pure=False)
            for chunk, worker in zip(chunks, workers, strict=True)
        ]
        answers = client.gather(futures)
    assert len({pid for pid, _ in answers}) == 2 and os.getpid() not in {p for p, _ in answers}
    got = {s: c for _, found in answers for s, c in found.items()}
    for symbol in symbols:
        assert got[symbol] == source.get_candles(symbol, "1d", RANGE, warmup_bars=20)
