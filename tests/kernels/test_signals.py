"""Signal helpers: hand cases, NaN handling, no look-ahead, parameter bounds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import candlescan
from candlescan.kernels import signals as k
from tests.reference import signals as ref

NAN = np.nan


def test_cross_above_hand_case() -> None:
    a = np.array([1.0, 2.0, 3.0, 2.0, 2.0, 3.0])
    b = np.full(6, 2.0)
    # t=1 touches (2 > 2 is false), t=2 breaks above after a touch, t=5 breaks again
    np.testing.assert_array_equal(k.cross_above(a, b), [NAN, 0, 1, 0, 0, 1])
    np.testing.assert_array_equal(k.cross_below(a, b), [NAN, 0, 0, 0, 0, 0])


def test_cross_below_is_cross_above_swapped() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=300), rng.normal(size=300)
    np.testing.assert_array_equal(k.cross_below(a, b), k.cross_above(b, a))
    ups, downs = k.cross_above(a, b)[1:], k.cross_below(a, b)[1:]
    assert not np.any((ups == 1) & (downs == 1))
    # crossings alternate: between two up-crosses there is a down-cross
    events = [(t, "up") for t in np.flatnonzero(ups)] + [(t, "dn") for t in np.flatnonzero(downs)]
    kinds = [kind for _, kind in sorted(events)]
    assert all(x != y for x, y in itertools.pairwise(kinds))


def test_cross_is_nan_around_a_nan() -> None:
    a = np.array([1.0, 3.0, NAN, 1.0, 3.0, 3.0])
    b = np.full(6, 2.0)
    out = k.cross_above(a, b)
    np.testing.assert_array_equal(np.isnan(out), [True, False, True, True, False, False])
    np.testing.assert_array_equal(out[[1, 4, 5]], [1.0, 1.0, 0.0])


def test_cross_with_a_warming_up_average_is_nan_not_zero() -> None:
    from candlescan.kernels import sma

    close = np.linspace(1.0, 2.0, 30)
    out = k.cross_above(close, sma(close, 10))
    assert np.isnan(out[:10]).all()  # sma warm-up is 9 bars, +1 for the previous bar
    assert not np.isnan(out[10:]).any()


def test_shift() -> None:
    x = np.array([1.0, 2.0, NAN, 4.0])
    np.testing.assert_array_equal(k.shift(x), [NAN, 1.0, 2.0, NAN])
    np.testing.assert_array_equal(k.shift(x, 0), x)
    assert np.isnan(k.shift(x, 10)).all()
    assert k.shift.lookback(periods=3) == 3
    assert k.cross_above.lookback() == 1


def test_shift_never_looks_ahead() -> None:
    with pytest.raises(candlescan.InvalidParameterError, match="periods"):
        k.shift(np.ones(5), -1)


def test_prefix_invariance() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=100), rng.normal(size=100)
    full = k.cross_above(a, b)
    np.testing.assert_array_equal(k.cross_above(a[:60], b[:60]), full[:60])
    np.testing.assert_array_equal(k.shift(a[:60], 3), k.shift(a, 3)[:60])


@pytest.mark.parametrize("name", ["cross_above", "cross_below"])
def test_twin_agrees(name: str) -> None:
    rng = np.random.default_rng(9)
    a, b = np.round(rng.normal(size=400)), np.round(rng.normal(size=400))
    a[[3, 50, 51]] = NAN
    b[200] = NAN
    np.testing.assert_array_equal(getattr(k, name)(a, b), getattr(ref, name)(a, b))
    np.testing.assert_array_equal(k.shift(a, 4), ref.shift(a, 4))
