"""The store, Parquet and PostgreSQL sources pass the plugin-author contract."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from candlescan import Candles, ICandleRepository, Timeframe
from candlescan.plugins.sources.ingest import ingest
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.parquet import ParquetRepository
from candlescan.plugins.sources.postgres import PostgresRepository
from candlescan.plugins.sources.postgres_write import create_layout, write_candles
from candlescan.plugins.sources.store import StoreRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository
from candlescan.testing import DataSourceContract
from tests.plugins.sources._builders import write_hive, write_long, write_per_symbol

RANGE = DataSourceContract.full_range


def bars(timeframe: str = "1d", n: int = 5, length: int = 400) -> list[Candles]:
    source = SyntheticRepository(n_symbols=n, bars=length, seed=7, timeframe=timeframe)
    return [source.get_candles(s, timeframe, RANGE) for s in source.symbols()]


class TestStoreSource(DataSourceContract):
    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        ingest(MemoryRepository(bars()), tmp_path / "bars.duckdb")
        return StoreRepository(tmp_path / "bars.duckdb")


class TestStoreHourly(DataSourceContract):
    """An intraday store serves 4h and 1d bars through the shared helper."""

    timeframe = Timeframe.H1

    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        ingest(MemoryRepository(bars("1h", 3, 600), timeframe="1h"), tmp_path / "h.duckdb")
        return StoreRepository(tmp_path / "h.duckdb")


class TestParquetLongFile(DataSourceContract):
    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        return ParquetRepository(write_long(tmp_path / "bars.parquet", bars(), 300))


class TestParquetHive(DataSourceContract):
    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        return ParquetRepository(write_hive(tmp_path / "hive", bars()))


class TestParquetPerSymbol(DataSourceContract):
    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        return ParquetRepository(write_per_symbol(tmp_path / "files", bars()))


@pytest.fixture(scope="module")
def postgres_loaded(postgres_dsn: str) -> str:
    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        create_layout(con)
        write_candles(con, bars())
        write_candles(con, bars("1h", 3, 600), timeframe="1h")
    return postgres_dsn


class TestPostgresSource(DataSourceContract):
    @pytest.fixture
    def repository(self, postgres_loaded: str) -> ICandleRepository:
        return PostgresRepository(postgres_loaded)


class TestPostgresHourly(DataSourceContract):
    timeframe = Timeframe.H1

    @pytest.fixture
    def repository(self, postgres_loaded: str) -> ICandleRepository:
        return PostgresRepository(postgres_loaded, timeframe="1h")
