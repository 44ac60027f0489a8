"""``csv``: a directory of ``SYMBOL.csv`` files with ``date,open,high,low,close,volume``.

``--source csv:/path/to/dir``. The header names the columns (any order, any case, spaces
or underscores: ``Adj Close`` is ``adj_close``; extra columns such as ``Name`` are
ignored). Dates are ISO (``2013-02-08`` or ``2013-02-08T09:30``) unless ``date_format``
says otherwise; an empty price field is a missing value (NaN). Files are parsed with the
``csv`` module and numpy, not pandas, once per symbol per process (kept in a cache bounded
by bytes, see :mod:`candlescan.plugins.sources._base`).

Only the bars a job loads (its range and warm-up) are validated: a bad row in 2016 does
not fail a 2017 scan (the whole file must still be in date order).

Options (``csv:DIR?key=value&...``): ``check_bounds=0`` accepts bars whose open/close lie
outside ``[low, high]``; ``price=adj_close`` uses the ``Adj Close`` column as the close
and scales open, high and low by ``adj_close / close`` (dividend-adjusted bars);
``date_format=%m/%d/%Y`` parses dates such as ``02/08/2013``; ``timeframe=1h`` states the
timeframe of the stored bars (default ``1d``). ``coverage()`` reads only the first and
last line of each file.

Errors name the file and its line number: ``invalid candles for 'AOS' at row 317:
AOS.csv line 319: high 23.595 < low 23.85 on 2014-05-19``. Besides the checks of
:meth:`Candles.validate`, a bar whose open or close lies outside its own ``[low, high]`` is
refused (see :mod:`candlescan.plugins.sources._checks`); pass ``check_bounds=False`` to
accept such files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.data.window import native_warmup_bars, select_window
from candlescan.entities import PRICE_COLUMNS, Candles, DateRange, Timeframe
from candlescan.errors import DataSourceError, InvalidCandlesError, SymbolNotFoundError
from candlescan.plugins.sources._base import SeriesRepository
from candlescan.plugins.sources._checks import check_ohlc_bounds
from candlescan.plugins.sources._csv_dates import file_span, parse_dates
from candlescan.plugins.sources._mapped import load_mapped, series_cache_dir
from candlescan.plugins.sources._metadata import parse_symbols_csv, select
from candlescan.plugins.sources._options import parse_bool, split_options

__all__ = ["CsvRepository", "csv_source"]

_COLUMNS = ("date", *PRICE_COLUMNS)
_PRICES = ("close", "adj_close")


@dataclass(frozen=True, slots=True)
class CsvOptions:
    """How to read the files: see the module docs."""

    check_bounds: bool = True
    price: str = "close"
    date_format: str | None = None


#: The optional per-symbol metadata file beside the bar files (not a symbol).
METADATA_FILE = "symbols.csv"


class CsvRepository(SeriesRepository):
    """Serves ``DIRECTORY/SYMBOL.csv`` files.

    :param directory: the folder holding one CSV file per symbol.
    :param timeframe: the timeframe of the stored bars (default daily).
    :param check_bounds: also refuse bars whose open or close is outside ``[low, high]``.
    :param price: ``"close"``, or ``"adj_close"`` for dividend-adjusted bars.
    :param date_format: a :func:`~datetime.datetime.strptime` format for non-ISO dates.
    :raises DataSourceError: ``directory`` is not a folder, or an option is unknown.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        check_bounds: bool = True,
        price: str = "close",
        date_format: str | None = None,
    ) -> None:
        super().__init__()
        self.directory = Path(directory).expanduser()
        if not self.directory.is_dir():
            raise DataSourceError(f"csv source: {str(directory)!r} is not a directory")
        if price not in _PRICES:
            raise DataSourceError(f"csv source: price={price!r}; use close or adj_close")
        self.native_timeframe = Timeframe.parse(timeframe)
        self.check_bounds = check_bounds
        self.options = CsvOptions(check_bounds, price, date_format or None)
        #: Where parsed files are memory-mapped from (``None``: parse in every process).
        self.series_cache = series_cache_dir()

    def symbols(self) -> tuple[str, ...]:
        """Every ``*.csv`` file's name without ``.csv``, sorted (``symbols.csv`` is metadata)."""
        return tuple(
            sorted(
                p.stem
                for p in self.directory.glob("*.csv")
                if p.is_file() and p.name != METADATA_FILE
            )
        )

    def symbol_metadata(self, symbols: list[str] | None = None) -> dict[str, dict[str, str]]:
        """Fields of the optional ``symbols.csv`` beside the files (header ``symbol,...``)."""
        path = self.directory / METADATA_FILE
        if not path.is_file():
            return {}
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataSourceError(f"csv source: cannot read {path}: {exc}") from exc
        held = set(self.symbols())  # a row without its bar file is not a symbol here
        wanted = [s for s in (self.symbols() if symbols is None else symbols) if s in held]
        return select(parse_symbols_csv(text, str(path)), wanted)

    def describe(self) -> str:
        """``"csv:DIRECTORY"``."""
        return f"csv:{self.directory}"

    def coverage(self) -> DateRange | None:
        """From the earliest first date to the latest last date over the files (each
        file's first and last line only)."""
        spans = [
            span
            for symbol in self.symbols()
            if (span := file_span(self.directory / f"{symbol}.csv", self.options.date_format))
            is not None
        ]
        if not spans:
            return None
        return DateRange(min(s[0] for s in spans), max(s[1] for s in spans))

    def get_candles(
        self,
        symbol: str,
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> Candles:
        """Bars of the range plus warm-up; only those bars are validated."""
        series = self.series(symbol)  # parsed, in date order, values not yet checked
        stop = int(np.searchsorted(series.timestamps, date_range.stop64, side="left"))
        first = int(np.searchsorted(series.timestamps, date_range.start64, side="left"))
        first = max(0, first - native_warmup_bars(self.native_timeframe, timeframe, warmup_bars))
        self._check_rows(series, first, stop)
        return select_window(
            series.slice(first, stop),
            self.native_timeframe,
            timeframe,
            date_range,
            warmup_bars,
            source=self.describe(),
        )

    def _check_rows(self, series: Candles, first: int, stop: int) -> None:
        try:
            window = series.slice(first, stop).validate()
            if self.options.check_bounds:
                check_ohlc_bounds(window)
        except InvalidCandlesError as exc:
            if exc.row < 0:
                raise
            # the error path only: parse again to name the file's line
            where = f"{series.symbol}.csv"
            _, lines = _parse(series.symbol, self._text(series.symbol), where, self.options)
            row = first + exc.row
            raise _fail(series.symbol, row, where, lines[row], exc.reason) from None

    def _path(self, symbol: str) -> Path:
        # a symbol is a file name, never a path: "../etc/passwd" is simply unknown
        if (
            not isinstance(symbol, str)
            or not symbol
            or symbol.startswith(".")
            or any(sep in symbol for sep in ("/", "\\", "\0"))
        ):
            raise SymbolNotFoundError(str(symbol), self.describe())
        path = self.directory / f"{symbol}.csv"
        if not path.is_file():
            raise SymbolNotFoundError(symbol, self.describe())
        return path

    def _text(self, symbol: str) -> str:
        path = self._path(symbol)
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataSourceError(f"cannot read {path}: {exc}") from None

    def _load(self, symbol: str) -> Candles:
        # Parsed once per file version; then mapped from the shared cache by every worker.
        path = self._path(symbol)
        parse = lambda: self._parse_file(symbol)  # noqa: E731
        return load_mapped(path, self.options, symbol, parse, self.series_cache)

    def _parse_file(self, symbol: str) -> Candles:
        candles, lines = _parse(symbol, self._text(symbol), f"{symbol}.csv", self.options)
        _check_order(candles, lines, f"{symbol}.csv")
        return candles

    def _validate(self, series: Candles) -> Candles:
        return series  # values are checked per request, on the bars loaded


def _fail(symbol: str, row: int, where: str, line: int, reason: str) -> InvalidCandlesError:
    return InvalidCandlesError(symbol, row, f"{where} line {line}: {reason}")


def parse_csv(
    symbol: str,
    text: str,
    where: str = "",
    *,
    check_bounds: bool = True,
    price: str = "close",
    date_format: str | None = None,
) -> Candles:
    """Parse one symbol's CSV text into validated candles (every row checked).

    :param where: the file name used in error messages.
    :raises InvalidCandlesError: naming the 0-based data row and the file's line number.
    """
    where = where or f"{symbol}.csv"
    candles, lines = _parse(symbol, text, where, CsvOptions(check_bounds, price, date_format))
    try:
        candles.validate()
        if check_bounds:
            check_ohlc_bounds(candles)
    except InvalidCandlesError as exc:
        if exc.row < 0:
            raise
        raise _fail(symbol, exc.row, where, lines[exc.row], exc.reason) from None
    return candles


def _header(symbol: str, reader: Any, where: str) -> list[str]:
    for fields in reader:
        if any(field.strip() for field in fields):
            # "Adj Close", "adj_close" and "ADJ-CLOSE" all name the same column
            return ["_".join(f.strip().lower().replace("-", " ").split()) for f in fields]
    raise InvalidCandlesError(symbol, -1, f"{where} is empty")


def _parse(symbol: str, text: str, where: str, options: CsvOptions) -> tuple[Candles, list[int]]:
    """Candles (not validated) and the file line of each data row."""
    reader = csv.reader(io.StringIO(text))
    header = _header(symbol, reader, where)
    wanted = _COLUMNS + (("adj_close",) if options.price == "adj_close" else ())
    missing = [name for name in wanted if name not in header]
    if missing:
        raise InvalidCandlesError(
            symbol, -1, f"{where} header lacks column(s) {', '.join(missing)}: {header}"
        )
    positions = [header.index(name) for name in wanted]
    width = max(positions) + 1
    rows: list[list[str]] = []
    lines: list[int] = []
    for fields in reader:
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        rows.append(fields)
        lines.append(reader.line_num)
    for row, fields in enumerate(rows):
        if len(fields) < width:
            raise _fail(
                symbol, row, where, lines[row], f"expected {len(header)} fields, got {len(fields)}"
            )
    # transpose in C; zip stops at the shortest row, which still has every needed column
    transposed = list(zip(*rows, strict=False)) if rows else [()] * width
    columns = [transposed[position] for position in positions]
    try:
        stamps = parse_dates(columns[0], options.date_format)
    except ValueError as exc:
        value, row = exc.args
        hint = "" if options.date_format else " (non-ISO dates need ?date_format=, e.g. %m/%d/%Y)"
        raise _fail(symbol, row, where, lines[row], f"bad date {value!r}{hint}") from None
    values = [
        _parse_numbers(symbol, name, column, lines, where)
        for name, column in zip(wanted[1:], columns[1:], strict=True)
    ]
    if options.price == "adj_close":
        values = _adjusted(values)
    return Candles(symbol, stamps, *values[:5]), lines


def _adjusted(values: list[npt.NDArray[np.float64]]) -> list[npt.NDArray[np.float64]]:
    """Scale open/high/low by ``adj_close / close``; the adjusted close becomes the close."""
    open_, high, low, close, volume, adj = values
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = adj / close
    return [open_ * factor, high * factor, low * factor, adj, volume]


def _check_order(candles: Candles, lines: list[int], where: str) -> None:
    """The whole file must be in date order (windows are cut by binary search)."""
    stamps = candles.timestamps.view(np.int64)
    bad = np.flatnonzero(np.diff(stamps) <= 0) + 1 if len(stamps) > 1 else np.array([], int)
    if np.isnat(candles.timestamps).any() or len(bad):
        try:
            candles.validate()  # phrases the first ordering problem
        except InvalidCandlesError as exc:
            row = exc.row if exc.row >= 0 else int(bad[0])
            raise _fail(candles.symbol, row, where, lines[row], exc.reason) from None


def _parse_numbers(
    symbol: str, name: str, texts: tuple[str, ...], lines: list[int], where: str
) -> npt.NDArray[np.float64]:
    try:
        # float() per field is ~10x faster than numpy's str -> float cast; it refuses
        # empty fields, which the slower path below turns into NaN
        return np.fromiter(map(float, texts), np.float64, len(texts))
    except ValueError:
        pass
    strings = np.array(texts, dtype=str) if texts else np.array([], dtype=str)
    strings = np.char.strip(strings)
    strings[strings == ""] = "nan"  # empty field: a missing value
    try:
        numbers: npt.NDArray[np.float64] = strings.astype(np.float64)
    except ValueError:
        for row, value in enumerate(strings):
            try:
                float(value)
            except ValueError:
                raise _fail(symbol, row, where, lines[row], f"bad {name} {texts[row]!r}") from None
        raise  # pragma: no cover - numpy and float() disagree
    return numbers


def csv_source(argument: str | None) -> CsvRepository:
    """Factory for ``--source csv:DIRECTORY[?check_bounds=0&price=adj_close&date_format=...]``."""
    if not argument:
        raise DataSourceError("the csv source needs a directory: csv:/path/to/dir")
    keys = {"check_bounds", "price", "date_format", "timeframe"}
    directory, options = split_options(argument, keys, "csv")
    return CsvRepository(
        directory,
        timeframe=options.get("timeframe", Timeframe.D1),
        check_bounds=parse_bool(options.get("check_bounds", "1"), "check_bounds", "csv"),
        price=options.get("price", "close").strip().lower(),
        date_format=options.get("date_format"),
    )
