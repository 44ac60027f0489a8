"""``csv``: a directory of ``SYMBOL.csv`` files with ``date,open,high,low,close,volume``.

``--source csv:/path/to/dir``. The header names the columns (any order, any case; extra
columns such as a trailing ``Name`` are ignored). Dates are ISO (``2013-02-08`` or
``2013-02-08T09:30``); an empty price field is a missing value (NaN). Files are parsed with
the ``csv`` module and numpy, not pandas, once per symbol per process.

Errors name the file and its line number: ``invalid candles for 'AOS' at row 317:
AOS.csv line 319: high 23.595 < low 23.85 on 2014-05-19``. Besides the checks of
:meth:`Candles.validate`, a bar whose open or close lies outside its own ``[low, high]`` is
refused (see :mod:`candlescan.plugins.sources._checks`); pass ``check_bounds=False`` to
accept such files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import numpy.typing as npt

from candlescan.entities import PRICE_COLUMNS, Candles, Timeframe
from candlescan.errors import DataSourceError, InvalidCandlesError, SymbolNotFoundError
from candlescan.plugins.sources._base import SeriesRepository
from candlescan.plugins.sources._checks import check_ohlc_bounds
from candlescan.plugins.sources._metadata import parse_symbols_csv, select

__all__ = ["CsvRepository", "csv_source"]

_COLUMNS = ("date", *PRICE_COLUMNS)


#: The optional per-symbol metadata file beside the bar files (not a symbol).
METADATA_FILE = "symbols.csv"


class CsvRepository(SeriesRepository):
    """Serves ``DIRECTORY/SYMBOL.csv`` files.

    :param directory: the folder holding one CSV file per symbol.
    :param timeframe: the timeframe of the stored bars (default daily).
    :param check_bounds: also refuse bars whose open or close is outside ``[low, high]``.
    :raises DataSourceError: ``directory`` is not a folder.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        check_bounds: bool = True,
    ) -> None:
        super().__init__()
        self.directory = Path(directory).expanduser()
        if not self.directory.is_dir():
            raise DataSourceError(f"csv source: {str(directory)!r} is not a directory")
        self.native_timeframe = Timeframe.parse(timeframe)
        self.check_bounds = check_bounds

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

    def _load(self, symbol: str) -> Candles:
        path = self._path(symbol)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataSourceError(f"cannot read {path}: {exc}") from None
        return parse_csv(symbol, text, path.name, check_bounds=self.check_bounds)

    def _validate(self, series: Candles) -> Candles:
        return series  # parse_csv validated it and knows the line numbers


def _fail(symbol: str, row: int, where: str, line: int, reason: str) -> InvalidCandlesError:
    return InvalidCandlesError(symbol, row, f"{where} line {line}: {reason}")


def parse_csv(symbol: str, text: str, where: str = "", *, check_bounds: bool = True) -> Candles:
    """Parse one symbol's CSV text into validated candles.

    :param where: the file name used in error messages.
    :raises InvalidCandlesError: naming the 0-based data row and the file's line number.
    """
    where = where or f"{symbol}.csv"
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for fields in reader:
        if any(field.strip() for field in fields):
            header = [field.strip().lower() for field in fields]
            break
    if header is None:
        raise InvalidCandlesError(symbol, -1, f"{where} is empty")
    missing = [name for name in _COLUMNS if name not in header]
    if missing:
        raise InvalidCandlesError(
            symbol, -1, f"{where} header lacks column(s) {', '.join(missing)}: {header}"
        )
    positions = [header.index(name) for name in _COLUMNS]
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

    stamps = _parse_dates(symbol, columns[0], lines, where)
    values = [
        _parse_numbers(symbol, name, column, lines, where)
        for name, column in zip(_COLUMNS[1:], columns[1:], strict=True)
    ]
    candles = Candles(symbol, stamps, *values)
    try:
        candles.validate()
        if check_bounds:
            check_ohlc_bounds(candles)
    except InvalidCandlesError as exc:
        if exc.row < 0:
            raise
        raise _fail(symbol, exc.row, where, lines[exc.row], exc.reason) from None
    return candles


def _parse_dates(
    symbol: str, texts: tuple[str, ...], lines: list[int], where: str
) -> npt.NDArray[np.datetime64]:
    texts = tuple(text.strip() for text in texts)
    try:
        stamps: npt.NDArray[np.datetime64] = np.array(texts, dtype="datetime64[ns]")
    except ValueError:
        stamps = np.empty(len(texts), dtype="datetime64[ns]")
        for row, value in enumerate(texts):
            try:
                stamps[row] = np.datetime64(value, "ns")
            except ValueError:
                raise _fail(symbol, row, where, lines[row], f"bad date {value!r}") from None
    return stamps


def _parse_numbers(
    symbol: str, name: str, texts: tuple[str, ...], lines: list[int], where: str
) -> npt.NDArray[np.float64]:
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
    """Factory for ``--source csv:DIRECTORY``."""
    if not argument:
        raise DataSourceError("the csv source needs a directory: csv:/path/to/dir")
    return CsvRepository(argument)
