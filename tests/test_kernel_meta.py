"""The ``@indicator`` wrapper: ``unchecked`` is the same computation without the checks."""

from __future__ import annotations

import numpy as np
import pytest

from candlescan.kernels import all_kernels
from candlescan.testing import random_ohlcv

KERNELS = all_kernels()


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_unchecked_equals_the_checked_call(name: str) -> None:
    kernel = KERNELS[name]
    data = random_ohlcv(300, seed=3)
    columns = {**data, "real": data["close"], "real0": data["close"], "real1": data["open"]}
    inputs = [columns[i] for i in kernel.info.inputs]
    params = {p.name: p.default for p in kernel.info.params}
    checked = kernel(*inputs, **params)
    unchecked = kernel.unchecked(*inputs, **params)
    for a, b in zip(np.atleast_2d(checked), np.atleast_2d(unchecked), strict=True):
        np.testing.assert_array_equal(a, b)


def test_unchecked_skips_the_parameter_checks() -> None:
    sma = KERNELS["sma"]
    with pytest.raises(ValueError, match="timeperiod"):
        sma(np.arange(10.0), 0)
    assert sma.unchecked is not sma
