"""The result wire format: a chunk's results packed as arrays and back."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from candlescan import ProcessingResult
from candlescan.execution.wire import ResultsBuilder, decode_results

T0 = np.datetime64("2021-03-01", "ns")
DAY = np.timedelta64(1, "D")


def _round_trip(builder: ResultsBuilder) -> list[ProcessingResult]:
    return decode_results(pickle.dumps(builder.build(), protocol=pickle.HIGHEST_PROTOCOL))


def test_a_mixed_chunk_round_trips() -> None:
    out = ResultsBuilder(check_pickle=True)
    out.add("A", [T0, T0 + DAY], {"rsi": 10.0, "sma": 2.0}, 1.5, T0 + DAY, 2)
    out.fail("B", "ValueError: boom", 0.25)
    out.add("C", [], {"rsi": float("nan"), "sma": 3.0}, 2.0, None, 0)
    out.add("D", [T0], {"other": 1.0}, 3.0, T0, 1)  # other names: travels as a dict
    out.add("E", [T0], {"rsi": 7}, 3.0, T0, 1)  # not a float: kept as it is
    a, b, c, d, e = _round_trip(out)
    assert a == ProcessingResult(
        "A", (T0, T0 + DAY), {"rsi": 10.0, "sma": 2.0}, 1.5, None, T0 + DAY, 2
    )
    assert b == ProcessingResult("B", (), {}, 0.25, "ValueError: boom")
    assert (
        c.matches == ()
        and c.last_bar is None
        and c.bars == 0
        and c.computed_indicators["sma"] == 3.0
    )
    assert d.computed_indicators == {"other": 1.0}
    assert e.computed_indicators == {"rsi": 7} and type(e.computed_indicators["rsi"]) is int


def test_matches_arrive_as_read_only_views_of_one_array() -> None:
    out = ResultsBuilder()
    for i in range(3):
        out.add(f"S{i}", [T0 + k * DAY for k in range(i + 1)], {}, 0.0, T0, 1)
    results = decode_results(out.build())
    arrays = [r.matches.array for r in results]
    assert [len(a) for a in arrays] == [1, 2, 3]
    assert all(not a.flags.writeable for a in arrays)
    assert np.shares_memory(arrays[1].base, arrays[2].base)


def test_a_value_that_cannot_be_encoded_costs_only_its_symbol() -> None:
    out = ResultsBuilder(check_pickle=True)
    out.add("A", [T0], {"x": 1.0}, 1.0, T0, 1)
    with pytest.raises(ValueError):
        out.add("B", [T0], {"x": 1.0}, 1.0, "not a time", 1)
    with pytest.raises(TypeError, match="result is not picklable: TypeError"):
        out.add("C", [T0], {"x": 1.0, "lock": __import__("threading").Lock()}, 1.0, T0, 1)
    out.add("D", [T0], {"x": 2.0}, 1.0, T0, 1)
    assert [r.symbol for r in _round_trip(out)] == ["A", "D"]


def test_an_empty_chunk_and_a_plain_list_decode() -> None:
    assert decode_results(ResultsBuilder().build()) == []
    result = ProcessingResult.failed("X", "E")
    assert decode_results([result]) == [result]
