"""The candlescan exception tree.

Every public exception derives from :class:`CandlescanError`, and every leaf also
subclasses the builtin a caller would naturally catch (``ValueError``, ``KeyError``,
``TimeoutError``), so ``except ValueError`` keeps working.

Each exception survives :mod:`pickle` with all of its attributes: ``__init__`` passes
every argument, in order, to ``BaseException.__init__`` so that the default
``cls(*args)`` reconstruction used by :mod:`pickle` rebuilds the same object. Errors
raised inside a worker process therefore reach the parent intact.
"""

from __future__ import annotations

__all__ = [
    "CandlescanError",
    "DataSourceError",
    "FormulaError",
    "FormulaLimitError",
    "FormulaSyntaxError",
    "FormulaTypeError",
    "InsufficientHistoryError",
    "NoBarsInRangeError",
    "InvalidCandlesError",
    "InvalidJobError",
    "InvalidParameterError",
    "MissingParameterError",
    "PluginError",
    "SymbolNotFoundError",
    "UnknownNameError",
    "WorkerCrashedError",
    "WorkerTimeoutError",
]


class CandlescanError(Exception):
    """Base class of every error candlescan raises on purpose."""

    __module__ = "candlescan"


# --- job and entity validation -------------------------------------------------------


class InvalidJobError(CandlescanError, ValueError):
    """An entity (job, date range, timeframe, candles ...) was built from bad arguments."""

    __module__ = "candlescan"


class InvalidParameterError(CandlescanError, ValueError):
    """A kernel or indicator parameter is outside its allowed range.

    :param name: the parameter's name, e.g. ``"timeperiod"``.
    :param value: the value received.
    :param low: smallest allowed value (inclusive).
    :param high: largest allowed value (inclusive).
    :param function: the indicator the parameter belongs to, when known.
    """

    __module__ = "candlescan"

    def __init__(
        self, name: str, value: object, low: float, high: float, function: str = ""
    ) -> None:
        super().__init__(name, value, low, high, function)
        self.name = name
        self.value = value
        self.low = low
        self.high = high
        self.function = function

    def __str__(self) -> str:
        where = f"{self.function}(): " if self.function else ""
        return (
            f"{where}parameter {self.name!r} must be between {_num(self.low)} and "
            f"{_num(self.high)}, got {self.value!r}"
        )


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


# --- formulas --------------------------------------------------------------------------


class FormulaError(CandlescanError, ValueError):
    """A formula cannot be parsed, compiled or bound to the job's parameters.

    :param message: what is wrong, in one line.
    :param expression: the formula text (may be truncated for display).
    :param position: 0-based character offset of the problem, or ``-1`` if none.
    :param hint: a suggestion such as ``"did you mean rsi?"``, or ``""``.

    ``str(error)`` gives the message, then the formula with a caret under the
    offending position, then the hint.
    """

    __module__ = "candlescan"

    def __init__(
        self, message: str, expression: str = "", position: int = -1, hint: str = ""
    ) -> None:
        super().__init__(message, expression, position, hint)
        self.message = message
        self.expression = expression
        self.position = position
        self.hint = hint

    @property
    def caret_line(self) -> str:
        """The formula with a ``^`` under the error position ("" if no position)."""
        if self.position < 0 or not self.expression:
            return ""
        line_start = self.expression.rfind("\n", 0, self.position) + 1
        line_end = self.expression.find("\n", self.position)
        line = self.expression[line_start : line_end if line_end >= 0 else None]
        column = self.position - line_start
        # Long formulas are shown as a window around the error so messages stay short.
        if len(line) > 100:
            left = max(0, column - 50)
            line = ("..." if left else "") + line[left : left + 100] + "..."
            column = column - left + (3 if left else 0)
        return f"  {line}\n  {' ' * column}^"

    def __str__(self) -> str:
        parts = [self.message]
        caret = self.caret_line
        if caret:
            parts.append(caret)
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


class FormulaSyntaxError(FormulaError):
    """The formula text does not follow the grammar."""

    __module__ = "candlescan"


class UnknownNameError(FormulaError):
    """The formula names a function, series or output that no plugin provides."""

    __module__ = "candlescan"


class FormulaTypeError(FormulaError):
    """An argument has the wrong type or arity (series vs boolean vs constant)."""

    __module__ = "candlescan"


class FormulaLimitError(FormulaError):
    """The formula exceeds a safety limit (length, depth, node count, window)."""

    __module__ = "candlescan"


class MissingParameterError(FormulaError):
    """The formula uses a ``$parameter`` the job does not supply."""

    __module__ = "candlescan"


# --- data sources ----------------------------------------------------------------------


class DataSourceError(CandlescanError):
    """A data source failed to provide candles."""

    __module__ = "candlescan"


class SymbolNotFoundError(DataSourceError, KeyError):
    """The data source has no data for the symbol.

    :param symbol: the symbol asked for.
    :param source: a short description of the source, e.g. ``"csv:/data"``.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, source: str = "") -> None:
        super().__init__(symbol, source)
        self.symbol = symbol
        self.source = source

    def __str__(self) -> str:  # KeyError would print the repr of args
        where = f" in {self.source}" if self.source else ""
        return f"unknown symbol {self.symbol!r}{where}"


class InvalidCandlesError(DataSourceError, ValueError):
    """Candles fail validation (unsorted or duplicate timestamps, high < low, ...).

    :param symbol: the symbol whose data is bad.
    :param row: 0-based index of the first bad row, or ``-1`` if not row-specific.
    :param reason: what is wrong with that row.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, row: int, reason: str) -> None:
        super().__init__(symbol, row, reason)
        self.symbol = symbol
        self.row = row
        self.reason = reason

    def __str__(self) -> str:
        where = f" at row {self.row}" if self.row >= 0 else ""
        return f"invalid candles for {self.symbol!r}{where}: {self.reason}"


class InsufficientHistoryError(DataSourceError, ValueError):
    """No bar of the date range can be evaluated: the symbol's history is too short.

    A symbol with a short history is evaluated from its first bar with a value; this is
    raised only when even the range's last bar has none.

    :param symbol: the symbol.
    :param needed: bars of history the formula needs before its first value.
    :param available: bars the source has up to the end of the range.
    :param until: the last date of the range, for the message.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, needed: int, available: int, until: str = "") -> None:
        super().__init__(symbol, needed, available, until)
        self.symbol = symbol
        self.needed = needed
        self.available = available
        self.until = until

    def __str__(self) -> str:
        when = f" up to {self.until}" if self.until else ""
        return (
            f"insufficient history for {self.symbol!r}: the formula needs {self.needed} "
            f"bars before its first value, the source has {self.available}{when}"
        )


class NoBarsInRangeError(DataSourceError, ValueError):
    """The source has no bar of the symbol inside the job's date range.

    :param symbol: the symbol.
    :param date_range: the range, as text (``"2020-01-01..2020-12-31"``).
    :param last: the date of the last bar before the range, ``""`` if none.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, date_range: str, last: str = "") -> None:
        super().__init__(symbol, date_range, last)
        self.symbol = symbol
        self.date_range = date_range
        self.last = last

    def __str__(self) -> str:
        start, _, end = self.date_range.partition("..")
        before = f" (its last bar before is on {self.last})" if self.last else ""
        return f"no bars for {self.symbol!r} between {start} and {end}{before}"


# --- plugins ---------------------------------------------------------------------------


class PluginError(CandlescanError):
    """A plugin is invalid: a bad spec, a duplicate name, an unimportable reference."""

    __module__ = "candlescan"


# --- execution -------------------------------------------------------------------------


class WorkerTimeoutError(CandlescanError, TimeoutError):
    """A symbol ran past its deadline; its worker was killed.

    :param symbol: the symbol that timed out.
    :param timeout: the deadline in seconds.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, timeout: float) -> None:
        super().__init__(symbol, timeout)
        self.symbol = symbol
        self.timeout = timeout

    def __str__(self) -> str:
        return f"{self.symbol!r} did not finish within {self.timeout:g} s"


class WorkerCrashedError(CandlescanError, RuntimeError):
    """The worker process died while processing a symbol.

    :param symbol: the symbol that was running alone when the worker died.
    :param exitcode: the process exit code (negative: killed by that signal), or
        ``None`` when unknown.
    """

    __module__ = "candlescan"

    def __init__(self, symbol: str, exitcode: int | None) -> None:
        super().__init__(symbol, exitcode)
        self.symbol = symbol
        self.exitcode = exitcode

    def __str__(self) -> str:
        return f"worker process died while processing {self.symbol!r} (exit code {self.exitcode})"
