"""The csv source on real-world files: options, date formats, Adj Close, coverage, caching."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from candlescan import DataSourceError, DateRange, InvalidCandlesError, Timeframe
from candlescan.plugins.sources.csv import CsvRepository, csv_source

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"
ROWS = [  # hand-written bars, US dates, a vendor's "Adj Close"
    "02/08/2013,10.0,11.0,9.0,10.0,5.0,100",
    "02/11/2013,10.0,12.0,10.0,12.0,6.0,200",
    "02/12/2013,12.0,12.5,11.0,11.0,5.5,300",
]


def folder(tmp_path: Path, rows: list[str] = ROWS, name: str = "ABC") -> Path:
    (tmp_path / f"{name}.csv").write_text(HEADER + "\n".join(rows) + "\n")
    return tmp_path


def test_us_dates_need_a_date_format_and_the_error_says_so(tmp_path: Path) -> None:
    repo = CsvRepository(folder(tmp_path))
    with pytest.raises(InvalidCandlesError, match=r"bad date '02/08/2013'.*date_format"):
        repo.get_candles("ABC", Timeframe.D1, DateRange("2013-01-01", "2013-12-31"))


def test_options_from_the_source_string(tmp_path: Path) -> None:
    repo = csv_source(f"{folder(tmp_path)}?date_format=%m/%d/%Y&price=adj_close&check_bounds=0")
    got = repo.get_candles("ABC", Timeframe.D1, DateRange("2013-01-01", "2013-12-31"))
    assert got.timestamps.astype("datetime64[D]").astype(str).tolist() == [
        "2013-02-08", "2013-02-11", "2013-02-12",
    ]  # fmt: skip
    # adjusted by hand: factor = adj/close = 0.5 on every bar
    np.testing.assert_array_equal(got.close, [5.0, 6.0, 5.5])
    np.testing.assert_array_equal(got.open, [5.0, 5.0, 6.0])
    np.testing.assert_array_equal(got.high, [5.5, 6.0, 6.25])
    np.testing.assert_array_equal(got.low, [4.5, 5.0, 5.5])
    np.testing.assert_array_equal(got.volume, [100, 200, 300])


def test_plain_close_ignores_adj_close(tmp_path: Path) -> None:
    repo = csv_source(f"{folder(tmp_path)}?date_format=%m/%d/%Y")
    got = repo.get_candles("ABC", Timeframe.D1, DateRange("2013-01-01", "2013-12-31"))
    np.testing.assert_array_equal(got.close, [10.0, 12.0, 11.0])


def test_unknown_option_and_bad_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="unknown option 'chek_bounds'"):
        csv_source(f"{folder(tmp_path)}?chek_bounds=0")
    with pytest.raises(DataSourceError, match="not a boolean"):
        csv_source(f"{folder(tmp_path)}?check_bounds=maybe")
    with pytest.raises(DataSourceError, match="price="):
        csv_source(f"{folder(tmp_path)}?price=vwap")


def test_check_bounds_off_accepts_a_close_above_the_high(tmp_path: Path) -> None:
    rows = [*ROWS[:2], "02/12/2013,12.0,12.5,11.0,13.0,6.5,300"]  # close 13 > high 12.5
    strict = csv_source(f"{folder(tmp_path, rows)}?date_format=%m/%d/%Y")
    whole = DateRange("2013-01-01", "2013-12-31")
    with pytest.raises(InvalidCandlesError, match="line 4: close 13 outside"):
        strict.get_candles("ABC", Timeframe.D1, whole)
    loose = csv_source(f"{tmp_path}?date_format=%m/%d/%Y&check_bounds=0")
    assert loose.get_candles("ABC", Timeframe.D1, whole).close[-1] == 13.0


def test_a_bad_row_outside_the_loaded_bars_does_not_fail_the_request(tmp_path: Path) -> None:
    rows = [
        f"{d},10,11,9,10,10,100"
        for d in ("01/02/2014", "01/03/2014", "01/06/2014", "01/07/2014", "01/08/2014")
    ]
    rows[0] = "01/02/2014,10,9,11,10,10,100"  # high 9 < low 11 on the first bar
    repo = csv_source(f"{folder(tmp_path, rows)}?date_format=%m/%d/%Y")
    later = DateRange("2014-01-07", "2014-01-08")
    assert len(repo.get_candles("ABC", Timeframe.D1, later, warmup_bars=2)) == 4
    with pytest.raises(InvalidCandlesError, match="line 2: high 9 < low 11"):
        repo.get_candles("ABC", Timeframe.D1, later, warmup_bars=3)  # now it is loaded


def test_coverage_reads_the_ends_of_each_file(tmp_path: Path) -> None:
    folder(tmp_path)
    (tmp_path / "XYZ.csv").write_text(HEADER + "03/01/2012,1,1,1,1,1,1\n03/02/2012,1,1,1,1,1,1\n")
    repo = csv_source(f"{tmp_path}?date_format=%m/%d/%Y")
    assert repo.coverage() == DateRange("2012-03-01", "2013-02-12")


def test_coverage_of_the_shared_folder(shared_data: Path) -> None:
    manifest = (shared_data / "ohlcv_manifest.csv").read_text().splitlines()
    header = manifest[0].split(",")
    firsts = [row.split(",")[header.index("first_date")] for row in manifest[1:]]
    lasts = [row.split(",")[header.index("last_date")] for row in manifest[1:]]
    repo = CsvRepository(shared_data / "ohlcv")
    assert repo.coverage() == DateRange(min(firsts), max(lasts))


def test_the_cache_is_bounded_by_bytes(tmp_path: Path) -> None:
    for name in ("A", "B", "C"):
        folder(tmp_path, name=name)
    repo = csv_source(f"{tmp_path}?date_format=%m/%d/%Y")
    repo.cache_bytes = 2 * 3 * 48  # room for two 3-bar series
    whole = DateRange("2013-01-01", "2013-12-31")
    for name in ("A", "B", "C"):
        repo.get_candles(name, Timeframe.D1, whole)
    assert list(repo._cache) == ["B", "C"]  # least recently used went first
    repo.get_candles("B", Timeframe.D1, whole)
    repo.get_candles("A", Timeframe.D1, whole)
    assert list(repo._cache) == ["B", "A"]
