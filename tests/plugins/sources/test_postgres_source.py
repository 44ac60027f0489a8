"""The postgres source against a real server: mapping, options, credentials."""

from __future__ import annotations

import pickle

import numpy as np
import psycopg
import pytest

from candlescan import DataSourceError, DateRange, SymbolNotFoundError, Timeframe
from candlescan.plugins.sources.postgres import PostgresRepository, postgres_source, split_dsn
from candlescan.plugins.sources.postgres_write import create_layout, write_candles, write_metadata
from candlescan.plugins.sources.synthetic import SyntheticRepository
from tests.plugins.sources.conftest import PG_PASSWORD

EVERY = DateRange("1900-01-01", "2199-12-31")


@pytest.fixture(scope="module")
def existing_table(postgres_dsn: str) -> str:
    """A table a user already has: other names, a date column, integer volume, no
    timeframe column."""
    source = SyntheticRepository(n_symbols=2, bars=50, seed=3)
    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS quotes (ticker text, day date, o numeric, h numeric, "
            "l numeric, c numeric, vol bigint)"
        )
        for symbol in source.symbols():
            c = source.get_candles(symbol, "1d", EVERY)
            days = c.timestamps.astype("datetime64[D]").tolist()
            rows = zip(days, c.open, c.high, c.low, c.close, c.volume, strict=True)
            with con.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO quotes VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(symbol, d, o, h, lo, cl, int(v)) for d, o, h, lo, cl, v in rows],
                )
    return postgres_dsn


def test_a_mapped_existing_table(existing_table: str) -> None:
    uri_options = (
        "table=quotes&symbol_column=ticker&time_column=day&open_column=o&high_column=h"
        "&low_column=l&close_column=c&volume_column=vol&timeframe_column=none"
    )
    repo = postgres_source(f"{existing_table}?{uri_options}")
    expected = SyntheticRepository(n_symbols=2, bars=50, seed=3)
    assert repo.symbols() == expected.symbols()
    for symbol in expected.symbols():
        want = expected.get_candles(symbol, "1d", EVERY)
        got = repo.get_candles(symbol, Timeframe.D1, EVERY)
        np.testing.assert_array_equal(got.timestamps, want.timestamps)
        np.testing.assert_allclose(got.close, want.close, rtol=1e-12)
        np.testing.assert_array_equal(got.volume, np.floor(want.volume))
    assert repo.coverage() == expected.coverage()
    repo.close()


def test_dsn_options_are_split_from_libpq_parameters() -> None:
    dsn, ours = split_dsn("postgresql://u@h:5/db?sslmode=require&table=t&time_column=day")
    assert dsn == "postgresql://u@h:5/db?sslmode=require"
    assert ours == {"table": "t", "time_column": "day"}
    dsn, ours = split_dsn("host=/tmp dbname=x?table=bars")
    assert (dsn, ours) == ("host=/tmp dbname=x", {"table": "bars"})
    with pytest.raises(DataSourceError, match="unknown option 'tabel'"):
        split_dsn("host=/tmp?tabel=bars")


def test_the_password_is_never_shown(postgres_dsn: str) -> None:
    repo = PostgresRepository(postgres_dsn)
    assert PG_PASSWORD not in repo.describe()
    assert "dbname=postgres" in repo.describe()
    wrong = postgres_dsn.replace(PG_PASSWORD, "not-the-" + PG_PASSWORD)
    bad = PostgresRepository(wrong)
    with pytest.raises(DataSourceError) as info:
        bad.symbols()
    assert PG_PASSWORD not in str(info.value)
    assert "password authentication failed" in str(info.value)
    missing = PostgresRepository(postgres_dsn, table="no_such_table")
    with pytest.raises(DataSourceError) as info:
        missing.get_candles("X", Timeframe.D1, EVERY)
    assert "no_such_table" in str(info.value) and PG_PASSWORD not in str(info.value)


def test_metadata_and_unknown_symbols(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        create_layout(con, "meta_bars")
        source = SyntheticRepository(n_symbols=2, bars=30)
        write_candles(con, [source.get_candles(s, "1d", EVERY) for s in source.symbols()],
                      table="meta_bars")  # fmt: skip
        write_metadata(con, {"SYM0000": {"sector": "Energy", "name": "Zero Corp"}})
    repo = PostgresRepository(postgres_dsn, table="meta_bars")
    assert repo.symbol_metadata() == {"SYM0000": {"sector": "Energy", "name": "Zero Corp"}}
    assert repo.symbol_metadata(["SYM0001"]) == {}
    got = repo.get_candles_many(["SYM0001", "NOPE"], Timeframe.D1, EVERY)
    assert isinstance(got["NOPE"], SymbolNotFoundError)
    assert len(got["SYM0001"]) == 30  # type: ignore[arg-type]
    # a pickled copy reconnects lazily in its own process
    assert pickle.loads(pickle.dumps(repo)).symbols() == ("SYM0000", "SYM0001")
    repo.close()
