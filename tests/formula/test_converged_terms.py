"""Every recursive indicator, through the formula compiler, on real daily bars.

For each indicator that declares a warm-up (and each of its outputs), and for nested
terms, the values over a 40-bar range computed from only ``plan.warmup_bars`` bars
before it (what the engine loads under the default ``"converged"`` policy) equal the
values computed from the whole history, within the kernel parity comparison's 1e-9
relative. The oracle is the same plan over the whole history; TA-Lib parity of the
kernels themselves is tested in ``tests/kernels``. Terms whose warm-up is longer than the
sample's five years (KAMA and MAMA at their defaults: the engine then loads all history)
cannot be cut and are left out by :func:`_terms`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from candlescan import Candles, DateRange, PluginRegistry
from candlescan.formula import FormulaService
from candlescan.formula._evaluator import run
from candlescan.kernels import is_full_history
from tests.kernels.compare import mismatches

from .conftest import load_candles

_SERVICE = FormulaService(PluginRegistry(entrypoints=False))
COMPARED = 40
END = "2017-12-29"
#: Bars of the sample before END, less the compared ones.
_LONGEST = 1180


def _terms() -> list[str]:
    terms = []
    for spec in _SERVICE.catalogue.indicators:
        if not spec.warmup_ref or is_full_history(spec.warmup(1e-9)):
            continue
        args = ", ".join("close" for name in spec.inputs if name.startswith("real"))
        base = f"{spec.name}({args})"
        outputs = spec.outputs if len(spec.outputs) > 1 else ("",)
        for output in outputs:
            term = f"{base}.{output}" if output else base
            if _SERVICE.compile(f"{term} > 0").warmup_bars < _LONGEST:
                terms.append(term)
    return terms


TERMS = _terms()
NESTED = [
    "ema(rsi(close, 14), 10)",
    "macd(ema(close, 10)).macdsignal",
    "atr(14)[3]",
    "sma(adx(14), 5)",
]


def test_recursive_indicators_are_found() -> None:
    assert {"ema(close)", "rsi(close)", "atr()", "adx()", "macd(close).macd"} <= set(TERMS)
    assert len(TERMS) > 40  # every output of every recursive indicator but KAMA's, MAMA's


@pytest.mark.parametrize("symbol", ["AAPL", "XOM"])
@pytest.mark.parametrize("term", TERMS + NESTED)
def test_a_term_from_the_converged_warmup_equals_its_full_history_value(
    shared_data: Path, symbol: str, term: str
) -> None:
    candles = _real(shared_data, symbol)
    plan = _SERVICE.compile(f"{term} > 0")
    step = plan.term_steps[-1]
    _, stop = candles.index_range(DateRange("2013-01-01", END))
    first = stop - COMPARED
    assert first - plan.warmup_bars > 0, "the history must be longer than the warm-up"
    full = run(plan.program, candles, stop)[step][first:stop]
    cut = candles.slice(first - plan.warmup_bars, stop)
    short = run(plan.program, cut, len(cut))[step][-COMPARED:]
    scale = float(candles.high[:stop].max())
    assert mismatches([short], [full], [term], input_scale=scale) == []


_CACHE: dict[str, Candles] = {}


def _real(shared_data: Path, symbol: str) -> Candles:
    if symbol not in _CACHE:
        _CACHE[symbol] = load_candles(shared_data, symbol)
    return _CACHE[symbol]
