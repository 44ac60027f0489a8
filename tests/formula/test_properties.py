"""Hypothesis: random well-formed formulas against an independent evaluator, random text.

The independent evaluator below walks its own little expression tree with NumPy; it
shares nothing with candlescan's parser, compiler or evaluator. Indicator values come
straight from the kernels (their own tests compare them with TA-Lib), so a difference
here is a formula-language bug, not a kernel rounding difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candlescan import Candles, DateRange, FormulaError, InsufficientHistoryError, kernels
from candlescan.formula import FormulaService
from tests.conftest import examples

from .conftest import synthetic

N_BARS = 160

# --- an independent expression tree -------------------------------------------------------


@dataclass(frozen=True)
class E:
    """An expression: its text (fully parenthesised) and how to compute it."""

    text: str
    kind: str  # "num" or "bool"
    op: str
    parts: tuple[Any, ...] = ()


def _series_leaf() -> st.SearchStrategy[E]:
    return st.sampled_from(["open", "high", "low", "close", "volume", "hl2"]).map(
        lambda name: E(name, "num", "col", (name,))
    )


_numbers = st.one_of(
    st.integers(-5, 300).map(float),
    st.floats(-10, 400, allow_nan=False).map(lambda x: round(x, 3)),
)
_const = st.one_of(
    _numbers.map(lambda v: E(repr(v), "num", "const", (v,))),
    st.integers(0, 300).map(lambda p: E(f"{p}%", "num", "const", (p / 100,))),
)


def _indicator(inner: E, name: str, period: int) -> E:
    return E(f"{name}({inner.text}, {period})", "num", "ind", (name, inner, period))


def _band(inner: E, period: int, which: str, spelling: str) -> E:
    text = f"bbands({inner.text}, period={period}, mult=2).{spelling}"
    return E(text, "num", "band", (inner, period, which))


def _macd(inner: E, which: int, spelling: str) -> E:
    return E(f"macd({inner.text}, 5, 12, 4).{spelling}", "num", "macd", (inner, which))


def _numeric(children: st.SearchStrategy[E]) -> st.SearchStrategy[E]:
    series = children.filter(lambda e: e.kind == "num" and e.op != "const")
    return st.one_of(
        st.builds(
            lambda inner, period, pick: _band(inner, period, *pick),
            series,
            st.integers(2, 20),
            st.sampled_from([(0, "upper"), (0, "upperband"), (1, "middle"), (2, "lower")]),
        ),
        st.builds(
            lambda inner, pick: _macd(inner, *pick),
            series,
            st.sampled_from([(0, "line"), (1, "signal"), (1, "macdsignal"), (2, "hist")]),
        ),
        st.builds(
            _indicator,
            series,
            st.sampled_from(["sma", "ema", "rsi", "highest", "lowest"]),
            st.integers(2, 30),
        ),
        st.builds(
            lambda a, op, b: E(f"({a.text} {op} {b.text})", "num", op, (a, b)),
            series,
            st.sampled_from(["+", "-", "*", "/"]),
            st.one_of(series, _const),
        ),
        st.builds(lambda a: E(f"(-{a.text})", "num", "neg", (a,)), series),
        st.builds(
            lambda a, k: E(f"{a.text}[{k}]", "num", "shift", (a, k)), series, st.integers(0, 5)
        ),
    )


def _boolean(nums: st.SearchStrategy[E], bools: st.SearchStrategy[E]) -> st.SearchStrategy[E]:
    series = nums.filter(lambda e: e.op != "const")
    return st.one_of(
        st.builds(
            lambda a, op, b: E(f"({a.text} {op} {b.text})", "bool", op, (a, b)),
            series,
            st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
            st.one_of(series, _const),
        ),
        st.builds(
            lambda a, d, b: E(f"({a.text} crosses {d} {b.text})", "bool", "cross", (d, a, b)),
            series,
            st.sampled_from(["above", "below"]),
            st.one_of(series, _const),
        ),
        st.builds(
            lambda a, lo, hi: E(
                f"({a.text} between {lo.text} and {hi.text})", "bool", "between", (a, lo, hi)
            ),
            series,
            _const,
            _const,
        ),
        st.builds(
            lambda a, op, b: E(f"({a.text} {op} {b.text})", "bool", op, (a, b)),
            bools,
            st.sampled_from(["and", "or"]),
            bools,
        ),
        st.builds(lambda a: E(f"(not {a.text})", "bool", "not", (a,)), bools),
        st.builds(
            lambda a, kind, n: E(f"({a.text} {kind} {n} bars)", "bool", kind, (a, n)),
            bools,
            st.sampled_from(["within", "for"]),
            st.integers(1, 6),
        ),
    )


_nums = st.recursive(_series_leaf(), _numeric, max_leaves=6)
_conditions = st.recursive(
    _boolean(_nums, st.nothing()).filter(lambda e: e.kind == "bool"),
    lambda bools: _boolean(_nums, bools),
    max_leaves=5,
)


def _reference(e: E, c: Candles) -> np.ndarray:
    """The independent evaluator: NaN compares False; windows cover the current bar."""
    n = len(c)
    with np.errstate(all="ignore"):
        if e.op == "col":
            name = e.parts[0]
            return (c.high + c.low) / 2 if name == "hl2" else c.column(name).copy()
        if e.op == "const":
            return np.full(n, e.parts[0])
        if e.op == "ind":
            name, inner, period = e.parts
            return getattr(kernels, name)(_reference(inner, c), period)
        if e.op == "band":
            inner, period, which = e.parts
            return kernels.bbands(_reference(inner, c), period, 2.0, 2.0)[which]
        if e.op == "macd":
            inner, which = e.parts
            return kernels.macd(_reference(inner, c), 5, 12, 4)[which]
        if e.op == "neg":
            return -_reference(e.parts[0], c)
        if e.op == "shift":
            x = _reference(e.parts[0], c)
            k = e.parts[1]
            out = np.full(n, np.nan if x.dtype != bool else False, dtype=x.dtype)
            out[k:] = x[: n - k]
            return out
        if e.op in {"+", "-", "*", "/"}:
            a, b = (_reference(p, c) for p in e.parts)
            return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[e.op]
        if e.op in {">", ">=", "<", "<=", "==", "!="}:
            a, b = (_reference(p, c) for p in e.parts)
            out = np.zeros(n, dtype=bool)
            for i in range(n):
                if math.isnan(a[i]) or math.isnan(b[i]):
                    continue
                out[i] = {
                    ">": a[i] > b[i],
                    ">=": a[i] >= b[i],
                    "<": a[i] < b[i],
                    "<=": a[i] <= b[i],
                    "==": a[i] == b[i],
                    "!=": a[i] != b[i],
                }[e.op]
            return out
        if e.op == "cross":
            direction, pa, pb = e.parts
            a, b = _reference(pa, c), _reference(pb, c)
            out = np.zeros(n, dtype=bool)
            for i in range(1, n):
                if direction == "above":
                    out[i] = a[i] > b[i] and a[i - 1] <= b[i - 1]
                else:
                    out[i] = a[i] < b[i] and a[i - 1] >= b[i - 1]
            return out
        if e.op == "between":
            a, lo, hi = (_reference(p, c) for p in e.parts)
            return (a >= lo) & (a <= hi)
        if e.op in {"and", "or"}:
            a, b = (_reference(p, c) for p in e.parts)
            return (a & b) if e.op == "and" else (a | b)
        if e.op == "not":
            return ~_reference(e.parts[0], c)
        if e.op in {"within", "for"}:
            x = _reference(e.parts[0], c)
            bars = e.parts[1]
            out = np.zeros(n, dtype=bool)
            for i in range(n):
                window = x[max(0, i - bars + 1) : i + 1]
                if e.op == "within":
                    out[i] = window.any()
                else:
                    out[i] = len(window) == bars and window.all()
            return out
    raise AssertionError(e.op)


_SERVICE = FormulaService()


def _candles(seed: int, holes: bool) -> Candles:
    candles = synthetic(N_BARS, seed=seed)
    if holes:  # a few missing closes exercise the NaN rules
        close = candles.close.copy()
        close[[40, 41, 90]] = np.nan
        candles = Candles(
            candles.symbol, candles.timestamps, candles.open, candles.high, candles.low, close,
            candles.volume,
        )  # fmt: skip
    return candles


@settings(max_examples=examples(4 / 3))
@given(_conditions, st.integers(0, 3), st.booleans())
def test_random_formulas_match_the_independent_evaluator(e: E, seed: int, holes: bool) -> None:
    candles = _candles(seed, holes)
    plan = _SERVICE.compile(e.text)
    # The candles are the whole history: evaluated from the first bar with a value.
    start = plan.lookback_bars
    day = lambda i: str(candles.timestamps[i])[:10]  # noqa: E731
    if start >= N_BARS:
        with pytest.raises(InsufficientHistoryError):
            plan.evaluate(candles, DateRange(day(N_BARS - 1), day(N_BARS - 1)))
        return
    ev = plan.evaluate(candles, DateRange(day(0), day(N_BARS - 1)))
    assert ev.evaluated_from == candles.timestamps[start]
    expected = _reference(e, candles)
    assert list(ev.matches) == list(candles.timestamps[start:][expected[start:]]), e.text


@settings(max_examples=examples(1))
@given(_conditions)
def test_canonical_text_round_trips(e: E) -> None:
    """Compiling the canonical text of every term gives the same term back."""
    plan = _SERVICE.compile(e.text)
    for term in plan.indicator_terms:
        again = _SERVICE.compile(f"{term} > 0")
        assert again.indicator_terms[-1] == term


_VOCABULARY = [
    "close", "open", "high", "volume", "sma", "rsi", "macd", "tf", "(", ")", "[", "]", ",", ".",
    "+", "-", "*", "/", ">", "<=", "==", "!=", "=", "and", "or", "not", "crosses", "above",
    "below", "between", "within", "for", "bars", "1", "14", "0", "2.5", "5%", "$p", "'1w'",
    '"x"', "true", "signal", "__class__", "period", "1e999", "-",
]  # fmt: skip


@settings(max_examples=examples(5))
@given(
    st.one_of(
        st.text(max_size=80), st.lists(st.sampled_from(_VOCABULARY), max_size=25).map(" ".join)
    )
)
def test_any_text_gives_a_plan_or_a_formula_error(text: str) -> None:
    # No hang: pytest-timeout guards the whole test; compile speed is measured in
    # benchmarks/bench_formula.py, not asserted here.
    try:
        plan = _SERVICE.compile(text, {"p": 3})
    except FormulaError as exc:
        assert str(exc)  # the message renders
        plan = None
    if plan is not None:
        candles = synthetic(80)
        start = str(candles.timestamps[40])[:10]
        try:
            plan.evaluate(candles, DateRange(start, "2020-03-20"))
        except InsufficientHistoryError:
            assert plan.lookback_bars >= 80  # no bar up to the last one has a value
