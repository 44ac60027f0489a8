"""The error tree: builtin compatibility, messages, and pickling with attributes."""

from __future__ import annotations

import pickle

import pytest

import candlescan
from candlescan import (
    CandlescanError,
    FormulaError,
    InsufficientHistoryError,
    InvalidCandlesError,
    InvalidParameterError,
    SymbolNotFoundError,
    UnknownNameError,
    WorkerCrashedError,
    WorkerTimeoutError,
)
from candlescan import errors as errors_module

ALL_ERRORS = [getattr(errors_module, name) for name in errors_module.__all__]


@pytest.mark.parametrize("error_type", ALL_ERRORS, ids=lambda t: t.__name__)
def test_every_error_is_public_and_rooted(error_type: type[Exception]) -> None:
    assert issubclass(error_type, CandlescanError)
    assert getattr(candlescan, error_type.__name__) is error_type
    assert error_type.__module__ == "candlescan"


@pytest.mark.parametrize(
    ("error_type", "builtin"),
    [
        (SymbolNotFoundError, KeyError),
        (InvalidCandlesError, ValueError),
        (InvalidParameterError, ValueError),
        (FormulaError, ValueError),
        (WorkerTimeoutError, TimeoutError),
        (candlescan.InvalidJobError, ValueError),
    ],
)
def test_leaves_subclass_the_builtin_callers_catch(
    error_type: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error_type, builtin)


def test_symbol_not_found_message_is_not_a_repr() -> None:
    error = SymbolNotFoundError("ZZZ", "csv:/data")
    assert str(error) == "unknown symbol 'ZZZ' in csv:/data"


def test_invalid_parameter_message_names_parameter_and_range() -> None:
    error = InvalidParameterError("timeperiod", 0, 2, 100000, "rsi")
    assert str(error) == "rsi(): parameter 'timeperiod' must be between 2 and 100000, got 0"


def test_formula_error_shows_caret_and_hint() -> None:
    error = UnknownNameError(
        "unknown function 'rsx'", "rsx(close, 14) < 30", 0, "did you mean rsi?"
    )
    assert str(error).splitlines() == [
        "unknown function 'rsx'",
        "  rsx(close, 14) < 30",
        "  ^",
        "  hint: did you mean rsi?",
    ]


def test_formula_error_caret_in_a_long_formula_stays_short() -> None:
    expression = "close > 1 and " * 50 + "oops("
    error = FormulaError("unexpected end", expression, len(expression) - 1)
    line, caret = error.caret_line.splitlines()
    assert len(line) < 120
    assert line[caret.index("^")] == "("


EXAMPLES: list[CandlescanError] = [
    CandlescanError("plain"),
    candlescan.InvalidJobError("bad job"),
    InvalidParameterError("timeperiod", 1, 2, 100000, "sma"),
    FormulaError("bad", "rsi(", 4, "close the parenthesis"),
    UnknownNameError("unknown", "foo(1)", 0, "did you mean floor?"),
    candlescan.FormulaSyntaxError("syntax", "1 +", 3),
    candlescan.FormulaTypeError("type", "rsi(1)", 4),
    candlescan.FormulaLimitError("too deep", "((((", 2),
    candlescan.MissingParameterError("missing $level", "rsi(close) < $level", 13),
    candlescan.DataSourceError("source down"),
    SymbolNotFoundError("ZZZ", "memory"),
    InvalidCandlesError("AOS", 12, "high < low"),
    InsufficientHistoryError("APTV", 200, 44),
    InsufficientHistoryError("APTV", 199, 18, "2017-12-29"),
    candlescan.NoBarsInRangeError("XOM", "2020-01-01..2020-12-31", "2018-02-07"),
    candlescan.PluginError("duplicate"),
    WorkerTimeoutError("SLOW", 60.0),
    WorkerCrashedError("BOOM", -11),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_attributes(error: CandlescanError) -> None:
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert clone.args == error.args
    assert vars(clone) == vars(error)
    assert str(clone) == str(error)


def test_history_messages_print_dates_as_dates() -> None:
    assert str(InsufficientHistoryError("APTV", 199, 18, "2017-12-29")) == (
        "insufficient history for 'APTV': the formula needs 199 bars before its first value, "
        "the source has 18 up to 2017-12-29"
    )
    assert str(candlescan.NoBarsInRangeError("XOM", "2020-01-01..2020-12-31", "2018-02-07")) == (
        "no bars for 'XOM' between 2020-01-01 and 2020-12-31 (its last bar before is on 2018-02-07)"
    )


def test_examples_cover_every_error_type() -> None:
    assert {type(e) for e in EXAMPLES} == set(ALL_ERRORS)
