"""The built-in data sources: memory, csv, synthetic and sample.

==========  ==========================  ===============================================
scheme      ``--source`` example        what
==========  ==========================  ===============================================
memory      ``memory``                  arrays/tables the host holds (Python API only)
csv         ``csv:/data/daily``         a folder of ``SYMBOL.csv`` (daily bars)
synthetic   ``synthetic:2500x252``      deterministic random walks, ``NxBARS[,seed=S]``
sample      ``sample``                  bundled real S&P 500 daily bars, 2013-2018
duckdb      ``duckdb:bars.duckdb``      the embedded store (``candlescan ingest``); alias
            ``store:bars.duckdb``
parquet     ``parquet:/data/bars``      a Parquet file or dataset (read with DuckDB)
postgres    ``postgres:postgresql://``  a PostgreSQL/TimescaleDB table (psycopg 3)
==========  ==========================  ===============================================

The ``duckdb``, ``parquet`` and ``postgres`` schemes need the extras of the same names
(``pip install "candlescan[duckdb]"``); their modules import the driver only when used.

Every source is a picklable :class:`~candlescan.ICandleRepository` that returns validated
candles with up to ``warmup_bars`` bars before the range, resampling daily bars to ``1w``
or ``1mo`` on request (:mod:`candlescan.data.resample`).
"""

from __future__ import annotations

from candlescan import SourceSpec, hookimpl
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository

__all__ = [
    "CsvRepository",
    "MemoryRepository",
    "SampleRepository",
    "SyntheticRepository",
    "candlescan_register_sources",
]

_HERE = "candlescan.plugins.sources"


@hookimpl
def candlescan_register_sources() -> list[SourceSpec]:
    """The built-in source schemes."""
    return [
        SourceSpec(
            scheme="memory",
            factory_ref=f"{_HERE}.memory:memory_source",
            summary="candles held by the host (MemoryRepository.from_arrays / from_frames)",
            example="memory",
        ),
        SourceSpec(
            scheme="csv",
            factory_ref=f"{_HERE}.csv:csv_source",
            summary="a directory of SYMBOL.csv files: date,open,high,low,close,volume (daily)",
            example="csv:/data/daily",
        ),
        SourceSpec(
            scheme="synthetic",
            factory_ref=f"{_HERE}.synthetic:synthetic_source",
            summary="deterministic random-walk OHLCV: NxBARS[,seed=S][,start=DATE][,timeframe=TF]",
            example="synthetic:2500x252",
        ),
        SourceSpec(
            scheme="sample",
            factory_ref=f"{_HERE}.sample:sample_source",
            summary="bundled real daily OHLCV: 409 S&P 500 stocks, 2013-02-08..2018-02-07",
            example="sample",
        ),
        SourceSpec(
            scheme="duckdb",
            factory_ref=f"{_HERE}.store:store_source",
            summary="the embedded store written by `candlescan ingest` (DuckDB file)",
            example="duckdb:bars.duckdb",
        ),
        SourceSpec(
            scheme="store",
            factory_ref=f"{_HERE}.store:store_source",
            summary="alias of duckdb:",
            example="store:bars.duckdb",
        ),
        SourceSpec(
            scheme="parquet",
            factory_ref=f"{_HERE}.parquet:parquet_source",
            summary="a Parquet file or directory (long format, hive or one file per symbol)",
            example="parquet:/data/bars",
        ),
        SourceSpec(
            scheme="postgres",
            factory_ref=f"{_HERE}.postgres:postgres_source",
            summary="a PostgreSQL/TimescaleDB table; DSN from the argument or PG* variables",
            example="postgres:postgresql://user@host/db?table=bars",
        ),
    ]
