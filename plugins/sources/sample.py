"""``sample``: real daily OHLCV of 409 S&P 500 stocks, 2013-02-08 .. 2018-02-07, bundled.

``--source sample`` needs no data of the user's, so ``candlescan scan`` works out of the box.
The bars come from Cam Nugent's "S&P 500 stock data" (github.com/CNuge/kaggle-code, MIT;
underlying prices from IEX, "Data provided for free by IEX"); see ``data/SOURCES.md``.
They are split-adjusted but not dividend-adjusted, and a few corporate actions show up as
one-day jumps.

The data lives in one compact file inside the package (``data/sp500_daily.npz``, built by
``tools/build_sample_data.py``; its docstring describes the format). Prices are stored as
exact integers of ten-thousandths, so every value equals what parsing the original CSV
gives. The file is decoded once per process, on first use (well under a second).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import IO

import numpy as np
import numpy.typing as npt

from candlescan.entities import Candles, DateRange, Timeframe
from candlescan.errors import DataSourceError, SymbolNotFoundError
from candlescan.plugins.sources._base import SeriesRepository, span_of
from candlescan.plugins.sources._metadata import parse_symbols_csv, select

__all__ = ["SampleBundle", "SampleRepository", "decode_bundle", "load_bundle", "sample_source"]

#: The bundled file, relative to this package.
BUNDLE_NAME = "data/sp500_daily.npz"
SECTORS_NAME = "data/sectors.csv"
_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True, eq=False)
class SampleBundle:
    """The decoded sample: every symbol's bars in one set of arrays."""

    symbols: tuple[str, ...]
    offsets: npt.NDArray[np.int64]
    timestamps: npt.NDArray[np.datetime64]
    columns: dict[str, npt.NDArray[np.float64]]
    index: dict[str, int]

    def span(self, symbol: str) -> tuple[int, int]:
        """``(start, stop)`` rows of ``symbol``; ``KeyError`` if it is not in the sample."""
        i = self.index[symbol]
        return int(self.offsets[i]), int(self.offsets[i + 1])


def _undelta(
    deltas: npt.NDArray[np.int32], offsets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Invert per-symbol delta coding: each symbol's first value is absolute."""
    total = np.cumsum(deltas, dtype=np.int64)
    starts = offsets[:-1]
    before = total[starts] - deltas[starts]  # running sum up to each symbol's start
    values: npt.NDArray[np.int64] = total - np.repeat(before, np.diff(offsets))
    return values


def decode_bundle(handle: IO[bytes]) -> SampleBundle:
    """Decode a file written by ``tools/build_sample_data.py``."""
    with np.load(handle, allow_pickle=False) as npz:
        if int(npz["version"]) != _FORMAT_VERSION:
            raise DataSourceError(f"sample data has format {int(npz['version'])}, expected 1")
        scale = float(npz["scale"])
        offsets = npz["offsets"].astype(np.int64)
        close_ticks = _undelta(npz["close_delta"], offsets)
        # int / scale is correctly rounded: the float nearest the original decimal text
        columns = {
            "open": (npz["open_rel"] + close_ticks) / scale,
            "high": (npz["high_rel"] + close_ticks) / scale,
            "low": (npz["low_rel"] + close_ticks) / scale,
            "close": close_ticks / scale,
            "volume": npz["volume"].astype(np.float64),
        }
        days = _undelta(npz["day_delta"], offsets)
        symbols = tuple(str(s) for s in npz["symbols"])
    return SampleBundle(
        symbols=symbols,
        offsets=offsets,
        timestamps=days.astype("datetime64[D]").astype("datetime64[ns]"),
        columns=columns,
        index={symbol: i for i, symbol in enumerate(symbols)},
    )


@functools.cache
def load_bundle() -> SampleBundle:
    """The bundled sample, decoded once per process."""
    try:
        with resources.files(__package__).joinpath(BUNDLE_NAME).open("rb") as handle:
            return decode_bundle(handle)
    except FileNotFoundError:
        raise DataSourceError(
            f"the sample data file {BUNDLE_NAME} is missing from the candlescan package; "
            "rebuild it with tools/build_sample_data.py"
        ) from None


class SampleRepository(SeriesRepository):
    """The bundled S&P 500 daily sample (409 symbols, 2013-02-08 .. 2018-02-07).

    Holds no state: the data is decoded once per process and shared by every instance.
    """

    _cache_series = False  # slicing the shared bundle is as cheap as a cache look-up

    def symbols(self) -> tuple[str, ...]:
        """The 409 symbols, sorted."""
        return load_bundle().symbols

    def coverage(self) -> DateRange:
        """2013-02-08 .. 2018-02-07: from the earliest to the latest bar of any symbol."""
        stamps = load_bundle().timestamps
        return span_of(stamps.min(), stamps.max())

    def symbol_metadata(self, symbols: list[str] | None = None) -> dict[str, dict[str, str]]:
        """``name`` and ``sector`` (GICS, as of 2018) of each symbol; see ``data/SOURCES.md``."""
        return select(_sectors(), symbols)

    def describe(self) -> str:
        """``"sample"``."""
        return "sample"

    def _load(self, symbol: str) -> Candles:
        bundle = load_bundle()
        try:
            start, stop = bundle.span(symbol)
        except (KeyError, TypeError):
            raise SymbolNotFoundError(symbol, self.describe()) from None
        columns = bundle.columns
        return Candles(
            symbol,
            bundle.timestamps[start:stop],
            columns["open"][start:stop],
            columns["high"][start:stop],
            columns["low"][start:stop],
            columns["close"][start:stop],
            columns["volume"][start:stop],
        )

    native_timeframe = Timeframe.D1


@functools.cache
def _sectors() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath(SECTORS_NAME).read_text()
    return parse_symbols_csv(text, "sample sectors.csv")


def sample_source(argument: str | None) -> SampleRepository:
    """Factory for ``--source sample`` (no argument)."""
    if argument:
        raise DataSourceError(f"the sample source takes no argument, got {argument!r}")
    return SampleRepository()
