"""The ``csv`` source: parsing, error messages with line numbers, the flagged real files."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan import (
    DataSourceError,
    DateRange,
    InvalidCandlesError,
    SymbolNotFoundError,
    Timeframe,
)
from candlescan.plugins.sources.csv import CsvRepository, csv_source

ALL = DateRange("1990-01-01", "2100-01-01")
HEADER = "date,open,high,low,close,volume\n"
GOOD_ROWS = [
    "2024-01-02,10,11,9,10.5,100",
    "2024-01-03,10.5,12,10,11.5,200",
    "2024-01-04,11.5,12.5,11,12,300",
    "2024-01-05,12,13,11.5,12.5,400",
]


def _write(folder: Path, symbol: str, text: str) -> CsvRepository:
    (folder / f"{symbol}.csv").write_text(text)
    return CsvRepository(folder)


def test_reads_the_values(tmp_path: Path) -> None:
    repo = _write(tmp_path, "AAA", HEADER + "\n".join(GOOD_ROWS) + "\n")
    c = repo.get_candles("AAA", Timeframe.D1, ALL)
    assert [str(d) for d in c.timestamps.astype("datetime64[D]")] == [
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
        "2024-01-05",
    ]
    assert list(c.open) == [10, 10.5, 11.5, 12]
    assert list(c.volume) == [100, 200, 300, 400]


def test_header_order_case_extra_columns_bom_and_blank_lines(tmp_path: Path) -> None:
    text = "\ufeffVolume,Close,Low,High,Open,Date,Name\n\n" + "\n".join(
        ",".join([*reversed(row.split(",")), "AAA"]) for row in GOOD_ROWS
    )
    odd = _write(tmp_path, "ODD", text)
    plain = _write(tmp_path, "AAA", HEADER + "\n".join(GOOD_ROWS))
    got = odd.get_candles("ODD", "1d", ALL)
    want = plain.get_candles("AAA", "1d", ALL)
    for name in ("timestamps", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


def test_empty_field_is_a_missing_value(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:2], "2024-01-04,,12.5,11,12,300", GOOD_ROWS[3]]
    c = _write(tmp_path, "AAA", HEADER + "\n".join(rows)).get_candles("AAA", "1d", ALL)
    assert np.isnan(c.open[2]) and c.close[2] == 12


@pytest.mark.parametrize(
    ("rows", "row", "line", "message"),
    [
        # (data rows, expected 0-based row, expected file line, text in the message)
        ([*GOOD_ROWS[:2], GOOD_ROWS[1]], 2, 4, "duplicate timestamp"),
        ([GOOD_ROWS[0], GOOD_ROWS[2], GOOD_ROWS[1]], 2, 4, "out-of-order"),
        ([*GOOD_ROWS[:3], "2024-01-05,12,11,11.5,11.6,400"], 3, 5, "high 11 < low 11.5"),
        ([GOOD_ROWS[0], "2024-01-03,10.5,12,10,13,200"], 1, 3, "close 13 outside"),
        ([GOOD_ROWS[0], "2024-01-03,abc,12,10,11,200"], 1, 3, "bad open 'abc'"),
        ([GOOD_ROWS[0], "2024-13-03,10.5,12,10,11,200"], 1, 3, "bad date '2024-13-03'"),
        ([GOOD_ROWS[0], "2024-01-03,10.5,12"], 1, 3, "expected 6 fields, got 3"),
        ([GOOD_ROWS[0], "2024-01-03,10.5,12,10,11,-5"], 1, 3, "negative volume"),
    ],
)
def test_bad_rows_name_symbol_row_and_line(
    tmp_path: Path, rows: list[str], row: int, line: int, message: str
) -> None:
    repo = _write(tmp_path, "BAD", HEADER + "\n".join(rows) + "\n")
    with pytest.raises(InvalidCandlesError) as info:
        repo.get_candles("BAD", Timeframe.D1, ALL)
    assert info.value.symbol == "BAD"
    assert info.value.row == row
    assert f"BAD.csv line {line}:" in str(info.value)
    assert message in str(info.value)


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    text = HEADER + "\n" + GOOD_ROWS[0] + "\n\n\n" + GOOD_ROWS[0] + "\n"
    with pytest.raises(InvalidCandlesError) as info:
        _write(tmp_path, "BAD", text).get_candles("BAD", "1d", ALL)
    assert info.value.row == 1
    assert "BAD.csv line 6:" in str(info.value)


def test_bounds_check_can_be_switched_off(tmp_path: Path) -> None:
    (tmp_path / "X.csv").write_text(HEADER + "2024-01-03,10.5,12,10,13,200\n")
    with pytest.raises(InvalidCandlesError):
        CsvRepository(tmp_path).get_candles("X", "1d", ALL)
    assert len(CsvRepository(tmp_path, check_bounds=False).get_candles("X", "1d", ALL)) == 1


def test_missing_header_column(tmp_path: Path) -> None:
    repo = _write(tmp_path, "X", "date,open,high,low,close\n2024-01-02,1,1,1,1\n")
    with pytest.raises(InvalidCandlesError, match="lacks column"):
        repo.get_candles("X", "1d", ALL)


@pytest.mark.parametrize("symbol", ["NOPE", "../X", "", ".hidden", "a/b"])
def test_unknown_symbols(tmp_path: Path, symbol: str) -> None:
    repo = _write(tmp_path, "AAA", HEADER + GOOD_ROWS[0])
    with pytest.raises(SymbolNotFoundError):
        repo.get_candles(symbol, "1d", ALL)


def test_symbols_are_the_sorted_file_stems(tmp_path: Path) -> None:
    for name in ("ZZ", "AA", "MM"):
        (tmp_path / f"{name}.csv").write_text(HEADER + GOOD_ROWS[0])
    (tmp_path / "notes.txt").write_text("not data")
    assert CsvRepository(tmp_path).symbols() == ("AA", "MM", "ZZ")


def test_factory(tmp_path: Path) -> None:
    assert csv_source(str(tmp_path)).describe() == f"csv:{tmp_path}"
    with pytest.raises(DataSourceError, match="needs a directory"):
        csv_source(None)
    with pytest.raises(DataSourceError, match="not a directory"):
        csv_source(str(tmp_path / "missing"))


# --- the shared real data -----------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "APTV", "BMY", "GOOG"])
def test_real_files_match_pandas(shared_data: Path, symbol: str) -> None:
    repo = CsvRepository(shared_data / "ohlcv")
    got = repo.get_candles(symbol, Timeframe.D1, ALL)
    frame = pd.read_csv(shared_data / "ohlcv" / f"{symbol}.csv", parse_dates=["date"])
    np.testing.assert_array_equal(got.timestamps, frame["date"].to_numpy("datetime64[ns]"))
    for name in ("open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(got.column(name), frame[name].to_numpy(float))


def _flagged_rows(readme: Path) -> dict[str, list[tuple[str, str]]]:
    """symbol -> [(date, problem)] from the README's table, in table order."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for line in readme.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 9 and re.fullmatch(r"\d{4}-\d\d-\d\d", cells[2]):
            rows.setdefault(cells[0], []).append((cells[2], cells[8]))
    return rows


def _line_of(path: Path, day: str) -> int:
    """1-based line of the row for ``day``, found by plain text search."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith(day + ","):
            return number
    raise AssertionError(f"{day} not in {path}")


def test_flagged_files_fail_at_the_first_inconsistent_row(shared_data: Path) -> None:
    folder = shared_data / "ohlcv_flagged"
    flagged = _flagged_rows(folder / "README.md")
    assert len(flagged) == 16  # the README lists 16 symbols
    repo = CsvRepository(folder)
    checked = 0
    for symbol, problems in flagged.items():
        # rows whose *values* are inconsistent; rows with only missing fields are NaN bars
        bad = [day for day, problem in problems if "high < low" in problem or "outside" in problem]
        if not bad:
            continue
        line = _line_of(folder / f"{symbol}.csv", bad[0])
        with pytest.raises(InvalidCandlesError) as info:
            repo.get_candles(symbol, Timeframe.D1, ALL)
        assert info.value.symbol == symbol
        assert info.value.row == line - 2, symbol  # line 1 is the header
        assert f"{symbol}.csv line {line}:" in str(info.value)
        assert bad[0] in str(info.value)
        checked += 1
    assert checked == 11


def test_flagged_files_with_only_missing_fields_load_with_nan(shared_data: Path) -> None:
    folder = shared_data / "ohlcv_flagged"
    repo = CsvRepository(folder)
    names = {"missing open": ("open",), "missing open/high/low": ("open", "high", "low")}
    checked = 0
    for symbol, problems in _flagged_rows(folder / "README.md").items():
        if any("high < low" in problem or "outside" in problem for _, problem in problems):
            continue
        c = repo.get_candles(symbol, Timeframe.D1, ALL)
        for day, problem in problems:
            row = _line_of(folder / f"{symbol}.csv", day) - 2
            assert str(c.timestamps[row])[:10] == day
            for column in names[problem.split(";")[0]]:
                assert np.isnan(c.column(column)[row]), (symbol, day, column)
            assert np.isfinite(c.close[row])
            checked += 1
    assert checked == 5  # BHF, ES, FTV, REGN, VRTX


def test_weekly_from_real_daily(shared_data: Path) -> None:
    repo = CsvRepository(shared_data / "ohlcv")
    week = repo.get_candles("AAPL", Timeframe.W1, DateRange("2017-06-05", "2017-06-09"))
    daily = repo.get_candles("AAPL", Timeframe.D1, DateRange("2017-06-05", "2017-06-09"))
    assert len(week) == 1 and len(daily) == 5
    assert week.timestamps[0] == daily.timestamps[-1]
    assert week.open[0] == daily.open[0] and week.close[0] == daily.close[-1]
    assert week.high[0] == daily.high.max() and week.low[0] == daily.low.min()
    assert week.volume[0] == daily.volume.sum()
