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


def test_kernel_modules_import_only_errors_and_themselves() -> None:
    """Layering: the kernels depend on nothing of candlescan but its errors (read from the
    sources, so a lazy import inside a function counts too)."""
    import ast
    from pathlib import Path

    import candlescan.kernels

    offenders = []
    for path in sorted(Path(candlescan.kernels.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.split(".")[0] != "candlescan" or name == "candlescan.errors":
                    continue
                if not name.startswith("candlescan.kernels"):
                    offenders.append(f"{path.name}:{node.lineno}: {name}")
    assert offenders == []
