"""Watchlists, metadata filters and symbols.csv parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from candlescan import DataSourceError, InvalidJobError
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.screener.universe import parse_where, read_watchlist, resolve_symbols

ROW = "2020-01-02,1,2,0.5,1.5,100\n"


def _csv_dir(tmp_path: Path, metadata: str | None) -> CsvRepository:
    for symbol in ("AAA", "BBB"):
        (tmp_path / f"{symbol}.csv").write_text("date,open,high,low,close,volume\n" + ROW)
    if metadata is not None:
        (tmp_path / "symbols.csv").write_text(metadata)
    return CsvRepository(tmp_path)


def test_symbols_csv_is_metadata_not_a_symbol(tmp_path: Path) -> None:
    repo = _csv_dir(tmp_path, "symbol,Sector,name\nAAA,Energy,\nZZZ,Energy,Ghost\n")
    assert repo.symbols() == ("AAA", "BBB")
    assert repo.symbol_metadata() == {"AAA": {"sector": "Energy"}}  # empty cells left out


def test_a_csv_source_without_symbols_csv_has_no_metadata(tmp_path: Path) -> None:
    assert _csv_dir(tmp_path, None).symbol_metadata() == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ticker,sector\nAAA,Energy\n", "no 'symbol' column"),
        ("symbol,sector\nAAA,Energy,extra\n", "line 2: 3 cells, the header has 2"),
    ],
)
def test_a_bad_symbols_csv_names_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    repo = _csv_dir(tmp_path, text)
    with pytest.raises(DataSourceError, match=r"symbols\.csv") as info:
        repo.symbol_metadata()
    assert message in str(info.value)


def test_watchlists(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_text("AAPL,MSFT # tech\n\n  XOM\tCVX\nAAPL\n")
    assert read_watchlist(path) == ("AAPL", "MSFT", "XOM", "CVX")
    path.write_text("# nothing\n")
    with pytest.raises(InvalidJobError, match="lists no symbol"):
        read_watchlist(path)
    with pytest.raises(InvalidJobError, match="cannot read the watchlist"):
        read_watchlist(tmp_path / "missing.txt")


def test_where_keeps_matching_symbols_case_insensitively() -> None:
    repo = SampleRepository()
    where = parse_where(["sector=energy,UTILITIES"])
    chosen = resolve_symbols(repo, "XOM,AAPL,AEP,CVX", where)
    assert chosen == ("XOM", "AEP", "CVX")
    with pytest.raises(InvalidJobError, match="FIELD=VALUE"):
        parse_where(["sector"])
