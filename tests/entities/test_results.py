"""``candlescan.entities``: Matches behaves like the tuple of timestamps it replaced."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from candlescan import ProcessingResult
from candlescan.entities import Evaluation, Matches

DAY = np.timedelta64(1, "D")
T0 = np.datetime64("2020-01-01T00:00:00", "ns")
STAMPS = tuple(T0 + i * DAY for i in range(4))


def test_matches_is_a_sequence_of_datetime64() -> None:
    m = Matches(STAMPS)
    assert len(m) == 4 and bool(m) and not Matches()
    assert m[0] == T0 and m[-1] == STAMPS[-1] and isinstance(m[1], np.datetime64)
    assert list(m) == list(STAMPS)
    assert m[1:3] == STAMPS[1:3] and isinstance(m[1:3], Matches)


def test_matches_compare_with_tuples_lists_and_arrays() -> None:
    m = Matches(STAMPS)
    assert m == STAMPS and STAMPS == m and m == list(STAMPS)  # noqa: SIM300 - reflected ==
    assert m == np.array(STAMPS) and m == Matches(np.array(STAMPS))
    assert m != STAMPS[:3] and m != () and Matches() == ()
    assert m != (T0, T0, T0, T0)
    assert m != "text" and m != 3


def test_matches_is_one_read_only_array_without_copies() -> None:
    source = np.array(STAMPS)
    m = Matches(source)
    assert np.shares_memory(m.array, source) and np.asarray(m) is m.array
    assert m.array.dtype == np.dtype("datetime64[ns]")
    with pytest.raises(ValueError):
        m.array[0] = T0
    source[0] = T0 + DAY  # the caller's array keeps its own flags
    copied = np.array(m, dtype="datetime64[D]")
    assert copied.dtype == np.dtype("datetime64[D]") and copied.flags.writeable


def test_matches_convert_other_units_and_refuse_two_dimensions() -> None:
    assert Matches([np.datetime64("2020-01-02", "D")])[0] == np.datetime64("2020-01-02", "ns")
    with pytest.raises(ValueError, match="1-D"):
        Matches(np.array([STAMPS, STAMPS]))


def test_matches_pickle_as_one_array() -> None:
    m = Matches(STAMPS)
    clone = pickle.loads(pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL))
    assert clone == m and not clone.array.flags.writeable


def test_results_take_any_sequence_and_keep_the_signal() -> None:
    hit = ProcessingResult("X", STAMPS, {}, 1.0, last_bar=STAMPS[-1], bars=4)
    assert isinstance(hit.matches, Matches) and hit.signal
    assert not ProcessingResult("X", STAMPS[:2], {}, 1.0, last_bar=STAMPS[-1], bars=4).signal
    assert not ProcessingResult.failed("X", "boom").signal


def test_a_result_is_its_symbol_plus_an_evaluation() -> None:
    ev = Evaluation(Matches(STAMPS), {"sma(close, 3)": float("nan")}, STAMPS[-1], 4)
    result = ProcessingResult.of("X", ev, 2.5)
    assert result.outcome == ev and result.processing_time_ms == 2.5 and result.ok
    assert result == ProcessingResult(
        "X", STAMPS, {"sma(close, 3)": float("nan")}, 2.5, None, STAMPS[-1], 4
    )
    assert result != ProcessingResult.of(
        "X", Evaluation(Matches(STAMPS[:1]), ev.computed_indicators, STAMPS[-1], 4), 2.5
    )
