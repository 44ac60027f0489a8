"""``kernel.warmup(tolerance)``: a history cut that many bars before a bar gives its full value.

The oracle is the kernel itself over the whole history, and TA-Lib over the whole history
where a namesake exists: for every recursive kernel and several parameter choices, the
kernel over only ``warmup(1e-9) + k`` bars must give the last ``k`` bars of the
full-history run, within the parity comparison's 1e-9 relative (its usual slack near
zero), at several cut points of real daily bars. A history cut at the lookback must *not*
(so the declared warm-up is what makes the test pass), and one cut well short of the
declared warm-up must not either for EMA, RSI, ATR and MACD (so the bound is not slack by
orders of magnitude). Kernels declaring no warm-up must be exact at their lookback;
kernels declaring the whole history must indeed differ on a cut one.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from candlescan.kernels import FULL_HISTORY, all_kernels, is_full_history
from tests.kernels.cases import Case, Ohlcv, Params, all_cases, real_ohlcv, synthetic_ohlcv
from tests.kernels.compare import mismatches

TOLERANCE = 1e-9

#: Bars compared after each cut.
COMPARED = 40

#: Cut points per series (spread over the history that leaves room for the warm-up).
CUTS = 4

#: Full 5-year histories of differing character, NI with its 0.98 log-return jump and BAX
#: with its 2015 spin-off gap (the slowest to converge of the 409 sample stocks for -DM,
#: -DI and RSI, cut every 50 bars).
SYMBOLS = ("AAPL", "XOM", "UNM", "NI", "PH", "BAX")

CASES = all_cases()
RECURSIVE = sorted(name for name, kernel in all_kernels().items() if kernel.info.warmup is not None)


def _param_sets(kernel_case: Case) -> list[Params]:
    """Defaults, every moving-average type set to EMA, and one reproducible random draw."""
    sets: list[Params] = [dict(kernel_case.defaults)]
    matypes = [name for name in kernel_case.defaults if name.endswith("matype")]
    if kernel_case.name == "ma":
        sets += [{"timeperiod": 10, "matype": t} for t in (1, 3, 4, 6, 7, 8, 12, 13)]
    elif matypes:
        sets.append({**kernel_case.defaults, **dict.fromkeys(matypes, 1)})
    rng = random.Random(f"warmup-{kernel_case.name}")
    drawn: Params = {}
    for param_range in kernel_case.space:
        if param_range.name.endswith("matype"):
            drawn[param_range.name] = rng.choice((0, 1))
        elif param_range.kind == "int":
            drawn[param_range.name] = rng.randint(int(param_range.low), int(param_range.high))
        else:
            drawn[param_range.name] = rng.uniform(param_range.low, param_range.high)
    sets.append(drawn)
    return sets


PARAMETRIZED = [
    pytest.param(name, params, id=f"{name}-{index}")
    for name in RECURSIVE
    for index, params in enumerate(_param_sets(CASES[name]))
    if not is_full_history(CASES[name].kernel.warmup(1e-9, **params))
]

#: The cases whose warm-up exceeds their lookback (not a moving-average type 0 = SMA).
SLOWER_THAN_LOOKBACK = [
    case
    for case in PARAMETRIZED
    if CASES[case.values[0]].kernel.warmup(1e-9, **case.values[1])
    > CASES[case.values[0]].lookback(case.values[1])
]

#: The cases with a TA-Lib namesake.
WITH_TALIB = [case for case in PARAMETRIZED if CASES[case.values[0]].talib_name is not None]


@pytest.fixture(scope="module")
def real_bars(shared_data: Path) -> list[Ohlcv]:
    return [real_ohlcv(shared_data, symbol) for symbol in SYMBOLS]


def _series_for(bars: list[Ohlcv], needed: int) -> list[Ohlcv]:
    """The real series, or (for a warm-up longer than they are: KAMA, slow MAMA) one long
    synthetic series with realistic daily moves."""
    if needed <= len(bars[0]):
        return bars
    return [synthetic_ohlcv(needed + CUTS * 50, seed=7, moving_closes=True)]


def _cut_mismatches(
    kernel_case: Case, data: Ohlcv, params: Params, warmup: int
) -> list[tuple[int, list[str]]]:
    """For each cut: the kernel over ``warmup + COMPARED`` bars vs over the whole history."""
    full = kernel_case.run(data, params)
    span = warmup + COMPARED
    last_start = len(data) - span
    found = []
    for start in sorted({last_start * i // max(CUTS - 1, 1) for i in range(CUTS)}):
        part = kernel_case.run(data.slice(start, start + span), params)
        problems = mismatches(
            [out[-COMPARED:] for out in part],
            [out[start + warmup : start + span] for out in full],
            kernel_case.outputs,
            input_scale=kernel_case.input_scale(data),
        )
        found.append((start, problems))
    return found


@pytest.mark.parametrize(("name", "params"), PARAMETRIZED)
def test_declared_warmup_converges_to_the_full_history(
    name: str, params: Params, real_bars: list[Ohlcv]
) -> None:
    kernel_case = CASES[name]
    warmup = kernel_case.kernel.warmup(TOLERANCE, **params)
    assert warmup >= kernel_case.lookback(params)
    for data in _series_for(real_bars, warmup + COMPARED):
        for start, problems in _cut_mismatches(kernel_case, data, params, warmup):
            assert not problems, (
                f"{name}{params} over {warmup}+{COMPARED} bars from bar {start} of "
                f"{data.label} differs from the full history:\n  " + "\n  ".join(problems)
            )


@pytest.mark.talib
@pytest.mark.parametrize(("name", "params"), WITH_TALIB)
def test_declared_warmup_equals_talib_over_the_full_history(
    name: str, params: Params, real_bars: list[Ohlcv]
) -> None:
    pytest.importorskip("talib")
    kernel_case = CASES[name]
    assert kernel_case.talib_name is not None
    if any(params[p] != kernel_case.defaults[p] for p in kernel_case.extension_params):
        pytest.skip(f"TA-Lib's {kernel_case.talib_name} lacks {kernel_case.extension_params}")
    if kernel_case.talib_deviates(params):
        pytest.skip(f"{name}{params}: {kernel_case.talib_deviates(params)}")
    warmup = kernel_case.kernel.warmup(TOLERANCE, **params)
    for data in _series_for(real_bars, warmup + COMPARED):
        expected = kernel_case.run_talib(data, params)
        part = kernel_case.run(data.slice(len(data) - warmup - COMPARED), params)
        problems = mismatches(
            [out[-COMPARED:] for out in part],
            [out[-COMPARED:] for out in expected],
            kernel_case.outputs,
            input_scale=kernel_case.input_scale(data),
        )
        assert not problems, (
            f"{name}{params} over the last {warmup}+{COMPARED} bars of {data.label} vs "
            f"talib.{kernel_case.talib_name} over all {len(data)}:\n  " + "\n  ".join(problems)
        )


@pytest.mark.parametrize(("name", "params"), SLOWER_THAN_LOOKBACK)
def test_a_lookback_cut_does_not_converge(
    name: str, params: Params, real_bars: list[Ohlcv]
) -> None:
    kernel_case = CASES[name]
    lookback = kernel_case.lookback(params)
    data = real_bars[0]
    if lookback + COMPARED > len(data):
        pytest.skip(f"{name}{params}: lookback {lookback} longer than the data")
    failed = [p for _, p in _cut_mismatches(kernel_case, data, params, lookback) if p]
    assert failed, f"{name}{params} over lookback-only cuts equals the full history"


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ema", {"timeperiod": 30}),
        ("rsi", {"timeperiod": 14}),
        ("atr", {"timeperiod": 14}),
        ("macd", {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9}),
    ],
)
def test_a_cut_well_short_of_the_warmup_does_not_converge(
    name: str, params: Params, real_bars: list[Ohlcv]
) -> None:
    kernel_case = CASES[name]
    lookback = kernel_case.lookback(params)
    warmup = kernel_case.kernel.warmup(TOLERANCE, **params)
    short = lookback + math.floor(0.6 * (warmup - lookback))
    failed = [
        problems
        for data in real_bars
        for _, problems in _cut_mismatches(kernel_case, data, params, short)
        if problems
    ]
    assert failed, f"{name}{params}: a {short}-bar cut (declared {warmup}) already converges"


@pytest.mark.parametrize(
    "name", sorted(n for n, k in all_kernels().items() if k.info.warmup is None)
)
def test_window_kernels_are_exact_at_their_lookback(name: str, real_bars: list[Ohlcv]) -> None:
    kernel_case = CASES[name]
    params = dict(kernel_case.defaults)
    assert kernel_case.kernel.warmup(TOLERANCE, **params) == kernel_case.lookback(params)
    for data in real_bars[:2]:
        for start, problems in _cut_mismatches(
            kernel_case, data, params, kernel_case.lookback(params)
        ):
            assert not problems, (
                f"{name} declares no warm-up but a cut at its lookback from bar {start} of "
                f"{data.label} differs:\n  " + "\n  ".join(problems)
            )


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("obv", {}),
        ("ad", {}),
        ("vwap", {"timeperiod": 0}),
        ("avwap", {"anchor": 0}),
        ("maxindex", {"timeperiod": 30}),
        ("minindex", {"timeperiod": 30}),
        ("sar", {"acceleration": 0.02, "maximum": 0.2}),
        ("supertrend", {"timeperiod": 10, "multiplier": 3.0}),
    ],
)
def test_full_history_kernels(name: str, params: Params, real_bars: list[Ohlcv]) -> None:
    """Running totals and bar positions never converge from a cut history (300 bars is
    not enough); SAR and SuperTrend rejoin the full history only by chance, so a cut at
    the lookback must differ (their whole-history declaration is a choice, not measured)."""
    kernel_case = CASES[name]
    assert kernel_case.kernel.warmup(TOLERANCE, **params) >= FULL_HISTORY
    cut = kernel_case.lookback(params) + (1 if name in ("sar", "supertrend") else 300)
    failed = [p for _, p in _cut_mismatches(kernel_case, real_bars[0], params, cut) if p]
    assert failed, f"{name}{params} over {cut}-bar cuts equals the full history"


def test_rolling_vwap_is_a_window() -> None:
    assert all_kernels()["vwap"].warmup(TOLERANCE, timeperiod=20) == 19


def test_warmup_is_cheap_picklable_and_checks_params() -> None:
    import pickle

    from candlescan.kernels import rsi

    assert pickle.loads(pickle.dumps(rsi.info.warmup)) is rsi.info.warmup
    assert rsi.warmup(timeperiod=14) == rsi.warmup(1e-9, timeperiod=14)
    assert rsi.warmup(1e-6, timeperiod=14) < rsi.warmup(1e-12, timeperiod=14)
    with pytest.raises(Exception, match="timeperiod"):
        rsi.warmup(timeperiod=1)
    with pytest.raises(TypeError, match="parameters only"):
        rsi.warmup(real=np.zeros(3))


@pytest.mark.parametrize(
    ("rate", "order", "gain"),
    [(0.9, 1, 1.0), (13 / 14, 1, 2.0), (1 - 2 / 31, 2, 3.0), (2 / 3, 6, 5.0), (0.8, 3, 100.0)],
)
def test_decay_bars_matches_a_simulated_cascade(rate: float, order: int, gain: float) -> None:
    """Independent oracle: step the cascade's error bound bar by bar (stage ``i`` keeps
    ``rate`` of its own error and takes ``1 - rate`` of stage ``i - 1``'s)."""
    from candlescan.kernels import decay_bars
    from candlescan.kernels._warmup import SEED_SPREAD

    errors = [1.0] * order
    bars, last_bad = 0, 0
    while bars < 100_000:
        if SEED_SPREAD * gain * errors[-1] > TOLERANCE:
            last_bad = bars
        elif bars > last_bad + 50:
            break
        bars += 1
        previous = 0.0
        for stage in range(order):
            errors[stage] = rate * errors[stage] + (1.0 - rate) * previous
            previous = errors[stage]
    assert decay_bars(rate, TOLERANCE, order, gain) == last_bad + 1


def test_decay_bars_edges() -> None:
    from candlescan.kernels import decay_bars

    assert decay_bars(0.0, TOLERANCE) == 0
    assert is_full_history(decay_bars(1.0, TOLERANCE))
    with pytest.raises(ValueError, match="tolerance"):
        decay_bars(0.5, 1.5)
