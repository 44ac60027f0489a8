"""The shared helpers of the data layer, on hand-derived cases."""

from __future__ import annotations

import numpy as np
import pytest

from candlescan import Timeframe
from candlescan.data.columnar import split_long
from candlescan.data.window import native_warmup_bars
from candlescan.errors import DataSourceError
from candlescan.plugins.sources._options import split_options


@pytest.mark.parametrize(
    ("native", "wanted", "warmup", "expected"),
    [
        ("1d", "1d", 10, 10),  # same timeframe: exactly the warm-up
        ("1d", "1w", 10, 77),  # 11 weeks of at most 7 days
        ("1d", "1mo", 2, 93),  # 3 months of at most 31 days
        ("1m", "5m", 3, 20),  # 4 buckets of 5 minutes
        ("1h", "1d", 0, 24),  # the day straddling the range start
        ("1h", "4h", 1, 8),
    ],
)
def test_native_warmup_bars(native: str, wanted: str, warmup: int, expected: int) -> None:
    assert native_warmup_bars(Timeframe(native), wanted, warmup) == expected


def test_split_long_sorts_unordered_rows_and_keeps_empty_symbols() -> None:
    stamps = np.array(["2020-01-03", "2020-01-01", "2020-01-02", "2020-01-01"], "datetime64[D]")
    prices = {n: np.array([3.0, 1.0, 2.0, 9.0]) for n in ("open", "high", "low", "close")}
    prices["volume"] = np.ma.masked_array([30.0, 10.0, 20.0, 90.0], mask=[0, 0, 1, 0])
    got = split_long(["A", "B", "C"], [0, 0, 0, 2], stamps, prices)
    assert got["A"].close.tolist() == [1.0, 2.0, 3.0]
    assert got["A"].timestamps.astype("datetime64[D]").astype(str).tolist() == [
        "2020-01-01", "2020-01-02", "2020-01-03",
    ]  # fmt: skip
    np.testing.assert_array_equal(got["A"].volume, [10.0, np.nan, 30.0])  # NULL -> NaN
    assert len(got["B"]) == 0
    assert got["C"].close.tolist() == [9.0]
    assert got["A"].close.flags.c_contiguous and got["A"].close.dtype == np.float64


def test_source_options() -> None:
    assert split_options("/d?a=1&b=%m/%d", {"a", "b"}, "x") == ("/d", {"a": "1", "b": "%m/%d"})
    with pytest.raises(DataSourceError, match="not key=value"):
        split_options("/d?a", {"a"}, "x")
