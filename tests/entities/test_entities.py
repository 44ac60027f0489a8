"""Entities: construction, coercion and the errors malformed arguments raise."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from candlescan import (
    Candles,
    DateRange,
    Formula,
    InvalidCandlesError,
    InvalidJobError,
    JobType,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
)


def make_candles(n: int = 5, symbol: str = "TEST") -> Candles:
    stamps = np.arange("2024-01-01", n, dtype="datetime64[D]")
    close = np.linspace(10.0, 14.0, n)
    return Candles(symbol, stamps, close, close + 1, close - 1, close, np.full(n, 100.0))


class TestDateRange:
    def test_accepts_dates_datetimes_and_iso_strings(self) -> None:
        by_date = DateRange(date(2024, 1, 1), date(2024, 1, 31))
        assert DateRange(datetime(2024, 1, 1, 15, 30), "2024-01-31") == by_date
        assert DateRange("2024-01-01", "2024-01-31") == by_date

    def test_single_day_range_is_valid(self) -> None:
        assert DateRange("2024-01-01", "2024-01-01").start == date(2024, 1, 1)

    def test_end_before_start_is_rejected(self) -> None:
        with pytest.raises(InvalidJobError, match="precedes its start"):
            DateRange(date(2024, 2, 1), date(2024, 1, 1))

    def test_error_is_also_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            DateRange("2024-02-01", "2024-01-01")

    @pytest.mark.parametrize("bad", ["yesterday", 20240101, None, "2024-13-01"])
    def test_non_dates_are_rejected(self, bad: object) -> None:
        with pytest.raises(InvalidJobError, match=r"DateRange\.start"):
            DateRange(bad, date(2024, 1, 1))  # type: ignore[arg-type]

    def test_stop64_is_midnight_after_the_inclusive_end(self) -> None:
        span = DateRange("2024-01-01", "2024-01-31")
        assert span.start64 == np.datetime64("2024-01-01T00:00:00", "ns")
        assert span.stop64 == np.datetime64("2024-02-01T00:00:00", "ns")


class TestTimeframe:
    @pytest.mark.parametrize("text", ["1d", "1D", " 1d "])
    def test_parse_normalises_text(self, text: str) -> None:
        assert Timeframe.parse(text) is Timeframe.D1

    def test_members_compare_equal_to_their_text(self) -> None:
        assert Timeframe.W1 == "1w"

    @pytest.mark.parametrize("bad", ["2x", "", "daily", "1y"])
    def test_unknown_timeframe_lists_the_known_ones(self, bad: str) -> None:
        with pytest.raises(InvalidJobError, match=r"unknown timeframe .* 1m, 5m"):
            Timeframe.parse(bad)

    def test_numpy_unit(self) -> None:
        assert Timeframe.H4.numpy_unit == np.timedelta64(4, "h")
        assert Timeframe.W1.numpy_unit == np.timedelta64(1, "W")


class TestFormula:
    def test_empty_formula_is_rejected(self) -> None:
        with pytest.raises(InvalidJobError, match="empty"):
            Formula("   ")

    def test_non_string_is_rejected(self) -> None:
        with pytest.raises(InvalidJobError, match="must be a string"):
            Formula(42)  # type: ignore[arg-type]


class TestProcessingJob:
    def job(self, **overrides: object) -> ProcessingJob:
        arguments: dict[str, object] = {
            "id": "job-1",
            "symbols": ["AAPL", "MSFT"],
            "timeframe": "1d",
            "date_range": DateRange("2024-01-01", "2024-01-31"),
        }
        arguments.update(overrides)
        return ProcessingJob(**arguments)  # type: ignore[arg-type]

    def test_spec_signature_and_coercions(self) -> None:
        job = self.job(formula="rsi(close, 14) < 30", parameters={"level": np.float64(30)})
        assert job.symbols == ("AAPL", "MSFT")
        assert job.timeframe is Timeframe.D1
        assert job.formula == Formula("rsi(close, 14) < 30")
        assert job.parameters == {"level": 30.0}
        assert type(job.parameters["level"]) is float
        assert job.job_type is JobType.SCAN

    def test_formula_defaults_to_none(self) -> None:
        assert self.job().formula is None

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"symbols": []}, "at least one symbol"),
            ({"symbols": "AAPL"}, "not one string"),
            ({"symbols": ["AAPL", "AAPL"]}, "appears twice"),
            ({"symbols": ["AAPL", ""]}, "non-empty string"),
            ({"symbols": ["AAPL", None]}, "non-empty string"),
            ({"timeframe": "7q"}, "unknown timeframe"),
            ({"id": ""}, "job id"),
            ({"date_range": ("2024-01-01", "2024-01-31")}, "must be a DateRange"),
            ({"formula": 3}, "formula must be"),
            ({"parameters": {"x": [1, 2]}}, "must be a number"),
            ({"parameters": {"not an id": 1}}, "not an identifier"),
            ({"parameters": {"x": float("nan")}}, "must be finite"),
            ({"parameters": [("x", 1)]}, "must be a mapping"),
            ({"job_type": "backtest"}, "unknown job type"),
        ],
    )
    def test_malformed_arguments(self, overrides: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidJobError, match=message):
            self.job(**overrides)


class TestProcessingResult:
    def test_spec_constructor_and_defaults(self) -> None:
        result = ProcessingResult(
            symbol="X", matches=(), computed_indicators={}, processing_time_ms=0, error="boom"
        )
        assert not result.ok
        assert not result.signal

    def test_signal_means_the_last_bar_matched(self) -> None:
        last = np.datetime64("2024-01-31", "ns")
        earlier = np.datetime64("2024-01-30", "ns")
        hit = ProcessingResult("X", (earlier, last), {}, 1.0, last_bar=last, bars=2)
        miss = ProcessingResult("X", (earlier,), {}, 1.0, last_bar=last, bars=2)
        assert hit.signal
        assert not miss.signal

    def test_equality_treats_nan_indicator_values_as_equal(self) -> None:
        a = ProcessingResult("X", (), {"rsi(close, 14)": float("nan")}, 1.0)
        b = ProcessingResult("X", (), {"rsi(close, 14)": float("nan")}, 1.0)
        assert a == b
        assert a != ProcessingResult("X", (), {"rsi(close, 14)": 1.0}, 1.0)


class TestCandles:
    def test_columns_are_writable_contiguous_float64(self) -> None:
        volume = np.arange(5, dtype=np.int64)
        strided = np.arange(10.0)[::2]
        strided.flags.writeable = False
        candles = Candles(
            "X", np.arange("2024-01-01", 5, dtype="datetime64[D]"), strided, strided + 1,
            strided - 1, strided, volume,
        )  # fmt: skip
        for name in ("open", "high", "low", "close", "volume"):
            column = candles.column(name)
            assert column.dtype == np.float64
            assert column.flags.c_contiguous
            assert column.flags.writeable
        assert candles.timestamps.dtype == np.dtype("datetime64[ns]")
        assert not np.shares_memory(candles.open, strided)

    def test_length_mismatch_names_the_column(self) -> None:
        with pytest.raises(InvalidCandlesError, match="'volume' has 4 values for 5"):
            Candles("X", np.arange(5), np.ones(5), np.ones(5), np.ones(5), np.ones(5), np.ones(4))

    def test_valid_candles_pass_validation(self) -> None:
        candles = make_candles()
        assert candles.validate() is candles

    @pytest.mark.parametrize(
        ("mutate", "row", "message"),
        [
            (lambda c: c.timestamps.__setitem__(3, c.timestamps[2]), 3, "duplicate timestamp"),
            (lambda c: c.timestamps.__setitem__(2, c.timestamps[4]), 3, "out-of-order timestamp"),
            (lambda c: c.high.__setitem__(1, 0.0), 1, "high 0 < low"),
            (lambda c: c.volume.__setitem__(4, -1.0), 4, "negative volume"),
            (lambda c: c.timestamps.__setitem__(2, np.datetime64("NaT")), 2, "missing timestamp"),
        ],
    )
    def test_validation_names_symbol_and_first_bad_row(
        self, mutate: object, row: int, message: str
    ) -> None:
        candles = make_candles(symbol="BAD")
        mutate(candles)  # type: ignore[operator]
        with pytest.raises(InvalidCandlesError, match=message) as info:
            candles.validate()
        assert info.value.symbol == "BAD"
        assert info.value.row == row
        assert f"row {row}" in str(info.value)

    def test_nan_prices_are_allowed(self) -> None:
        candles = make_candles()
        candles.close[2] = np.nan
        candles.high[2] = np.nan
        candles.validate()

    def test_index_range_is_inclusive_of_both_dates(self) -> None:
        candles = make_candles(10)  # 2024-01-01 .. 2024-01-10
        assert candles.index_range(DateRange("2024-01-03", "2024-01-05")) == (2, 5)
        assert candles.index_range(DateRange("2023-01-01", "2023-12-31")) == (0, 0)

    def test_slice_is_independent(self) -> None:
        candles = make_candles(10)
        part = candles.slice(2, 5)
        part.close[0] = -1.0
        assert len(part) == 3
        assert candles.close[2] != -1.0


def test_signal_is_a_plain_bool() -> None:
    last = np.datetime64("2024-01-31", "ns")
    assert type(ProcessingResult("X", (last,), {}, 1.0, last_bar=last).signal) is bool
