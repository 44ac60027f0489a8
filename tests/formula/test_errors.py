"""Errors users can act on: each problem has its own class, message, position and hint."""

from __future__ import annotations

import pickle

import pytest

from candlescan import (
    FormulaError,
    FormulaLimitError,
    FormulaSyntaxError,
    FormulaTypeError,
    MissingParameterError,
    UnknownNameError,
)
from candlescan.formula import FormulaService


def _error(service: FormulaService, text: str, **params: object) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        service.compile(text, params)  # type: ignore[arg-type]
    return info.value


def test_unknown_function_suggests_the_closest_name(service: FormulaService) -> None:
    error = _error(service, "rsx(close, 14) < 30")
    assert isinstance(error, UnknownNameError)
    assert error.message == "unknown function 'rsx'"
    assert error.hint == "did you mean rsi?"
    assert error.position == 0
    assert str(error) == (
        "unknown function 'rsx'\n  rsx(close, 14) < 30\n  ^\n  hint: did you mean rsi?"
    )


def test_unknown_series_suggests_the_closest_name(service: FormulaService) -> None:
    error = _error(service, "rsi(close, 14) < 30 and closse > 5")
    assert isinstance(error, UnknownNameError)
    assert "unknown series 'closse'" in error.message
    assert error.position == 24
    assert "close" in error.hint


def test_unknown_output_lists_the_outputs(service: FormulaService) -> None:
    error = _error(service, "macd(close).sgnal > 0")
    assert isinstance(error, UnknownNameError)
    assert error.position == 11
    assert "macdsignal" in error.hint


def test_wrong_arity(service: FormulaService) -> None:
    error = _error(service, "sma(close, 10, 20) > 1")
    assert isinstance(error, FormulaTypeError)
    assert error.message == "sma() takes 1 parameter, got 2"
    assert error.position == 15
    assert "usage: sma(real, timeperiod=30)" in error.hint


def test_missing_input_series(service: FormulaService) -> None:
    error = _error(service, "rsi(14) < 30")
    assert isinstance(error, FormulaTypeError)
    assert "needs its input series 'real'" in error.message


def test_wrong_type_condition_where_a_number_is_needed(service: FormulaService) -> None:
    error = _error(service, "(close > open) + 1 > 2")
    assert isinstance(error, FormulaTypeError)
    assert "must be a number, got a condition" in error.message


def test_wrong_type_number_where_a_condition_is_needed(service: FormulaService) -> None:
    error = _error(service, "close > open and volume")
    assert isinstance(error, FormulaTypeError)
    assert "must be a condition, got a number" in error.message
    assert error.position == 17


def test_formula_must_be_a_condition(service: FormulaService) -> None:
    error = _error(service, "sma(close, 20)")
    assert isinstance(error, FormulaTypeError)
    assert "must be a condition" in error.message


def test_window_of_zero(service: FormulaService) -> None:
    error = _error(service, "sma(close, 0) > 1")
    assert isinstance(error, FormulaTypeError)
    assert "'timeperiod' must be between" in error.message and "got 0" in error.message
    assert error.position == 11


def test_window_of_a_billion(service: FormulaService) -> None:
    error = _error(service, "sma(close, 1000000000) > 1")
    assert isinstance(error, FormulaLimitError)
    assert "larger than the limit of 5000" in error.message


def test_window_must_be_a_constant(service: FormulaService) -> None:
    error = _error(service, "sma(close, 5) > sma(close, volume / 1000)")
    assert isinstance(error, FormulaTypeError)
    assert error.message == "sma() parameter 'timeperiod' must be a constant number, got a series"
    assert error.position == 27


def test_non_whole_window(service: FormulaService) -> None:
    error = _error(service, "sma(close, 2.5) > 1")
    assert isinstance(error, FormulaTypeError)
    assert "whole number" in error.message


def test_missing_parameter(service: FormulaService) -> None:
    error = _error(service, "rsi(close, $period) < 30", perod=14)
    assert isinstance(error, MissingParameterError)
    assert error.message == "parameter $period is not given by the job"
    assert error.position == 11
    assert error.hint == "did you mean perod?"


def test_parameter_of_the_wrong_type(service: FormulaService) -> None:
    error = _error(service, "rsi(close, $period) < 30", period="fourteen")
    assert isinstance(error, FormulaTypeError)


def test_negative_bars_ago_is_the_future(service: FormulaService) -> None:
    error = _error(service, "close[-1] > close")
    assert isinstance(error, FormulaTypeError)
    assert "future" in error.hint


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("close >", "expected a value"),
        ("close > > 1", "expected a value"),
        ("(close > 1", "never closed"),
        ("close > 1)", "unmatched"),
        ("close = 1", "'=' is not a comparison"),
        ("a < b < c", "cannot be chained"),
        ("close > 1 within 3", "expected 'bars'"),
        ("close && open", "unexpected character '&'"),
        ("", "empty"),
        ("close > 1 close", "unexpected 'close'"),
        ("sma(real=close, 5) > 1", "positional argument cannot follow"),
        ("close between 1", "expected 'and'"),
    ],
)
def test_syntax_errors(service: FormulaService, text: str, needle: str) -> None:
    error = _error(service, text)
    assert isinstance(error, FormulaSyntaxError)
    assert needle in str(error)
    assert error.position >= 0


def test_errors_pickle_with_their_attributes(service: FormulaService) -> None:
    error = _error(service, "rsx(close) < 30")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is UnknownNameError
    assert (clone.message, clone.expression, clone.position, clone.hint) == (
        error.message,
        error.expression,
        error.position,
        error.hint,
    )


def test_unknown_preset_suggests_a_name(service: FormulaService) -> None:
    with pytest.raises(UnknownNameError) as info:
        service.preset("golden-crosss")
    assert "golden-cross" in info.value.hint


def test_formula_errors_are_value_errors(service: FormulaService) -> None:
    with pytest.raises(ValueError):
        service.compile("nope(")
