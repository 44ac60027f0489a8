"""How the harness compares two sets of kernel outputs (tests and benchmarks share it)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["RTOL", "assert_identical", "assert_outputs_close", "mismatches"]

#: Relative tolerance for parity with TA-Lib and with the naive twins.
RTOL = 1e-9

#: Absolute slack, as a fraction of the output's largest finite magnitude. Near a zero
#: crossing (MACD histogram, PPO, momentum) a value is a difference of two much larger
#: numbers, so an elementwise relative error is meaningless there: a 1e-14 relative
#: difference in two moving averages of prices near 50 shows as 3e-8 relative on a
#: 1e-4 MACD signal. 1e-11 of the series' scale still flags any seeding or formula error.
_ATOL_SCALE = 1e-11

#: Absolute slack as a fraction of the inputs' magnitude (a few hundred ulps of a price):
#: an output that is a difference of differences (a MACD histogram of two T3s) can be
#: tiny everywhere, while its rounding error is set by the prices it came from.
_ATOL_INPUT = 1e-13


def mismatches(
    actual: Sequence[npt.ArrayLike],
    expected: Sequence[npt.ArrayLike],
    names: Sequence[str],
    rtol: float = RTOL,
    input_scale: float = 0.0,
) -> list[str]:
    """One line per output that differs: count, NaN positions or the worst value.

    ``input_scale`` is the largest finite magnitude among the inputs (see
    :data:`_ATOL_INPUT`); 0 compares against the outputs' own scale only.
    """
    if len(actual) != len(expected):
        return [f"{len(actual)} outputs, expected {len(expected)}"]
    problems = []
    for name, got_like, want_like in zip(names, actual, expected, strict=True):
        got = np.asarray(got_like, dtype=np.float64)
        want = np.asarray(want_like, dtype=np.float64)
        if got.shape != want.shape:
            problems.append(f"{name}: shape {got.shape}, expected {want.shape}")
            continue
        got_nan, want_nan = np.isnan(got), np.isnan(want)
        if not np.array_equal(got_nan, want_nan):
            where = np.flatnonzero(got_nan != want_nan)
            problems.append(
                f"{name}: NaN positions differ at {where.size} bars, first at {where[0]} "
                f"(got {got[where[0]]!r}, expected {want[where[0]]!r}); "
                f"leading NaNs {_leading_nans(got)} vs {_leading_nans(want)}"
            )
            continue
        finite = ~want_nan
        if not finite.any():
            continue
        scale = float(np.max(np.abs(want[finite]), initial=0.0))
        if np.isinf(scale):
            scale = 1.0
        same_inf = np.isinf(want) & (got == want)
        error = np.abs(got - want)
        bound = rtol * np.abs(want) + _ATOL_SCALE * scale + _ATOL_INPUT * input_scale
        bad = finite & ~same_inf & ~(error <= bound)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            worst = int(np.nanargmax(np.where(bad, error / np.maximum(np.abs(want), 1e-300), 0)))
            problems.append(
                f"{name}: {int(bad.sum())} of {int(finite.sum())} values differ; first at "
                f"{index}: got {got[index]!r}, expected {want[index]!r}; worst relative "
                f"error {error[worst] / max(abs(want[worst]), 1e-300):.3g} at {worst}"
            )
    return problems


def assert_outputs_close(
    actual: Sequence[npt.ArrayLike],
    expected: Sequence[npt.ArrayLike],
    names: Sequence[str],
    what: str,
    rtol: float = RTOL,
    input_scale: float = 0.0,
) -> None:
    """Same NaN positions, values within ``rtol`` relative; the message names each output."""
    problems = mismatches(actual, expected, names, rtol, input_scale)
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


def assert_identical(
    actual: Sequence[npt.ArrayLike],
    expected: Sequence[npt.ArrayLike],
    names: Sequence[str],
    what: str,
) -> None:
    """Bit-for-bit equal values and NaN positions, output by output."""
    assert len(actual) == len(expected), f"{what}: {len(actual)} vs {len(expected)} outputs"
    for name, got_like, want_like in zip(names, actual, expected, strict=True):
        got = np.asarray(got_like)
        want = np.asarray(want_like)
        assert got.shape == want.shape, f"{what}: {name!r} shape {got.shape} vs {want.shape}"
        if not np.array_equal(got, want, equal_nan=True):
            differ = np.flatnonzero(~((got == want) | (np.isnan(got) & np.isnan(want))))
            first = int(differ[0]) if differ.size else -1
            raise AssertionError(
                f"{what}: output {name!r} differs at {differ.size} bars, first at {first}: "
                f"{got[first]!r} vs {want[first]!r}"
            )


def _leading_nans(values: npt.NDArray[np.float64]) -> int:
    finite = np.flatnonzero(~np.isnan(values))
    return int(finite[0]) if finite.size else len(values)
