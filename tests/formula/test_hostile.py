"""Hostile inputs: each is refused with a FormulaError, quickly, and nothing runs."""

from __future__ import annotations

import pytest

from candlescan import FormulaError, FormulaLimitError
from candlescan.formula import MAX_LENGTH, FormulaService

# A generous guard against a hang; no wall-clock assertion.
pytestmark = pytest.mark.timeout(120)

HOSTILE = [
    "__import__('os').system('x')",
    "__import__('os').system('touch /tmp/pwned') > 0",
    "().__class__.__bases__[0].__subclasses__()",
    "close.__class__.__mro__[1].__subclasses__() > 0",
    "close.__globals__ > 1",
    "sma(close, 20).__init__.__globals__['os'] > 1",
    "'{0.__globals__}'.format(sma) > 1",
    "f'{close}' > 1",
    "eval('1') > 0",
    "exec('import os') > 0",
    "open('/etc/passwd') > 0",
    "getattr(close, '__class__') > 0",
    "lambda: 1",
    "[x for x in ().__class__.__base__.__subclasses__()]",
    "close[__import__('os')] > 1",
    "close; import os",
    "close > 1 # comment",
    "$__class__ > 1",
    "tf('1w', __import__('os')) > 1",
    "rsi(close, 14) < 30 or (lambda: __import__('os'))()",
    "sma(close, 10**9) > 1",
    "close > 1e999999",
    "close[" + "9" * 5000 + "] > 1",
    "\x00close > 1",
    "close > 1\n;rm -rf /",
    "@pd.compat.os.system('whoami')",
]


def _rejected(service: FormulaService, text: str) -> FormulaError:
    # A hostile text must not hang the compiler: the module's timeout marker guards it;
    # rejection speed is measured in benchmarks/bench_formula.py.
    with pytest.raises(FormulaError) as info:
        service.compile(text, {"x": 1})
    assert str(info.value)
    return info.value


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_corpus_is_refused(service: FormulaService, text: str) -> None:
    _rejected(service, text)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 1_000_000 + "close > 1" + ")" * 1_000_000,
        "(" * 10_000 + "close > 1",
        "-" * 3_000_000 + "4 > 1",
        "not " * 500_000 + "close > 1",
        "close > 1 and " * 800_000 + "close > 1",
        "x" * (10 * 1024 * 1024),
        "sma(" * 2000 + "close" + ", 5)" * 2000 + " > 1",
    ],
    ids=[
        "1e6-parens",
        "unclosed-parens",
        "3e6-minus",
        "not-chain",
        "10MB-and",
        "10MB-name",
        "deep-calls",
    ],
)
def test_huge_and_deep_inputs_hit_a_limit(service: FormulaService, text: str) -> None:
    assert isinstance(_rejected(service, text), FormulaLimitError)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 65 + "close > 1" + ")" * 65,
        "-" * 70 + "close > 1",
        "not " * 70 + "close > 1",
        "sma(" * 70 + "close" + ", 5)" * 70 + " > 1",
        " and ".join(["close > open"] * 150),
        "close" + "[1]" * 400 + " > 1",
    ],
    ids=["depth-parens", "depth-minus", "depth-not", "depth-calls", "nodes", "postfix-nodes"],
)
def test_limits_just_past_the_edge(service: FormulaService, text: str) -> None:
    assert len(text) <= MAX_LENGTH  # the parser's own limits, not the length cap
    assert isinstance(_rejected(service, text), FormulaLimitError)


def test_reasonable_nesting_still_compiles(service: FormulaService) -> None:
    service.compile("(" * 30 + "close > 1" + ")" * 30)
    service.compile("sma(" * 10 + "close" + ", 5)" * 10 + " > 1")
    service.compile(" and ".join(["close > open"] * 20))


def test_the_longest_flat_chains_compile_without_deep_recursion(service: FormulaService) -> None:
    """Left-deep chains are as deep as the node limit allows; they must still compile."""
    service.compile(" + ".join(["close"] * 255) + " > 1")
    service.compile("close" + "[0]" * 200 + " > 1")


def test_a_deep_host_stack_still_gets_a_formula_error(service: FormulaService) -> None:
    import sys

    text = " + ".join(["volume"] * 255) + " > 1"

    def nest(depth: int) -> None:
        if depth:
            nest(depth - 1)
        else:
            with pytest.raises(FormulaLimitError):
                service.compile(text)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(600)
    try:
        nest(100)
    finally:
        sys.setrecursionlimit(limit)
