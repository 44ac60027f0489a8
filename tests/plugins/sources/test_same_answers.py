"""The README scan gives identical answers from every scheme holding the same bars.

The bundled sample is copied into a CSV folder, a store (``candlescan ingest``), three
Parquet layouts (written with pyarrow) and a real PostgreSQL server; the scan's JSON
output (matches, indicator values, bar counts, errors) must be the same from each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from candlescan import DateRange
from candlescan.cli import main
from candlescan.plugins.sources.postgres_write import create_layout, write_candles
from candlescan.plugins.sources.sample import SampleRepository
from tests.plugins.sources._builders import write_csv, write_hive, write_long, write_per_symbol

README_FORMULA = "rsi(close, 14) < 30 and close > sma(close, 200)"
#: A slice of the sample keeps the test quick; EVHC starts late, APTV has 44 bars.
SYMBOLS = [
    "AAPL",
    "APTV",
    "CAT",
    "EVHC",
    "F",
    "INTC",
    "JPM",
    "MSFT",
    "PFE",
    "PH",
    "UNM",
    "WMT",
    "XOM",
]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory, postgres_dsn: str) -> dict[str, str]:
    root = tmp_path_factory.mktemp("same")
    sample = SampleRepository()
    every = DateRange("1900-01-01", "2199-12-31")
    bars = [sample.get_candles(s, "1d", every) for s in SYMBOLS]
    assert (
        main(["ingest", "sample", "--symbols", ",".join(SYMBOLS), "--into", str(root / "s.db")])
        == 0
    )
    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        create_layout(con, "same_bars")
        write_candles(con, bars, table="same_bars")
    return {
        "sample": "sample",
        "csv": f"csv:{write_csv(root / 'csv', bars)}",
        "duckdb": f"duckdb:{root / 's.db'}",
        "store": f"store:{root / 's.db'}",
        "parquet-file": f"parquet:{write_long(root / 'b.parquet', bars, 5000)}",
        "parquet-hive": f"parquet:{write_hive(root / 'hive', bars)}",
        "parquet-files": f"parquet:{write_per_symbol(root / 'files', bars)}",
        "postgres": f"postgres:{postgres_dsn}?table=same_bars",
    }


def scan(
    capsys: pytest.CaptureFixture[str], source: str, *extra: str, formula: str = README_FORMULA
) -> list[dict[str, Any]]:
    code = main(
        [
            "scan",
            formula,
            "--source",
            source,
            "--symbols",
            ",".join(SYMBOLS),
            "--format",
            "json",
            "--all",
            "--quiet",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    results = json.loads(out)["results"]
    for result in results:
        result.pop("processing_time_ms")
    return sorted(results, key=lambda r: r["symbol"])


@pytest.mark.parametrize(
    ("formula", "extra"),
    [
        (README_FORMULA, ("--from", "2017-01-01", "--to", "2017-12-31", "--backend", "serial")),
        (
            "rsi(close, 14) < 50 and close > sma(close, 40)",
            ("--timeframe", "1w", "--from", "2016-01-01", "--to", "2017-12-31"),
        ),
        # the default range comes from each source's coverage()
        (README_FORMULA, ("--backend", "process", "--workers", "2")),
    ],
    ids=["readme-range", "weekly", "default-range-processes"],
)
def test_every_scheme_gives_the_sample_answer(
    capsys: pytest.CaptureFixture[str],
    copies: dict[str, str],
    formula: str,
    extra: tuple[str, ...],
) -> None:
    expected = scan(capsys, copies["sample"], *extra, formula=formula)
    assert any(r["matches"] for r in expected), "the scan must match something to compare"
    # short histories (APTV, EVHC) may fail; errors must then be the same everywhere too
    assert sum(r["error"] is None for r in expected) >= 10
    for name, source in copies.items():
        got = scan(capsys, source, *extra, formula=formula)
        assert got == expected, f"{name} differs from the sample"


def test_one_bad_symbol_in_a_bulk_chunk_fails_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], copies: dict[str, str]
) -> None:
    """A bar with high < low written straight into the store (bypassing ingest's checks)
    fails that symbol only; the chunk's other symbols keep the sample's answer."""
    path = tmp_path / "s.db"
    path.write_bytes(Path(copies["duckdb"].removeprefix("duckdb:")).read_bytes())
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE bars SET high = low - 1 WHERE symbol = 'JPM' AND ts = '2017-06-01'")
    extra = ("--from", "2017-01-01", "--to", "2017-12-31", "--backend", "serial")
    expected = scan(capsys, "sample", *extra)
    got = scan(capsys, f"duckdb:{path}", *extra)
    for mine, theirs in zip(got, expected, strict=True):
        if mine["symbol"] == "JPM":
            assert mine["error"].startswith("InvalidCandlesError"), mine["error"]
            assert "high" in mine["error"]
        else:
            assert mine == theirs
