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


def test_star_import_does_not_shadow_builtins() -> None:
    import builtins

    import candlescan.kernels

    # ``import *`` binds exactly the names in ``__all__``.
    exported = set(candlescan.kernels.__all__)
    for name in ("max", "min", "sum"):
        assert name not in exported, name
        assert getattr(candlescan.kernels, name) is KERNELS[name]
        assert hasattr(builtins, name)
    assert not {name for name in exported if hasattr(builtins, name)}
    assert set(KERNELS) - {"max", "min", "sum"} <= exported
    assert all(getattr(candlescan.kernels, name) is not None for name in exported)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_docstring_parameters_are_generated_from_the_declaration(name: str) -> None:
    """One numpydoc Parameters section, before Returns, naming every argument of the
    signature with its kind, bounds and default as the declaration says."""
    import inspect
    import pydoc

    kernel = KERNELS[name]
    doc = inspect.getdoc(kernel) or ""
    assert doc.count("\nParameters\n----------\n") == 1, doc
    assert doc.index("\nParameters\n") < doc.index("\nReturns\n-------\n")
    section = doc[doc.index("\nParameters\n") : doc.index("\nReturns\n")]
    signature = list(inspect.signature(kernel.unchecked).parameters)
    inputs = signature[: len(kernel.info.inputs)]
    assert f"\n{', '.join(inputs)} : array_like\n" in section
    for spec in kernel.info.params:
        low = f"{int(spec.low)}" if spec.kind == "int" else f"{spec.low:g}"
        line = next(ln for ln in section.splitlines() if ln.startswith(f"{spec.name} : "))
        assert line.startswith(f"{spec.name} : {spec.kind}"), line
        assert line.endswith(f", default {spec.default!r}"), line
        assert spec.high >= 1e30 or f"[{low}, " in line, line
    assert "Parameters" in pydoc.render_doc(kernel, renderer=pydoc.plaintext)


def test_from_kernel_records_the_declared_warmup() -> None:
    from candlescan import IndicatorSpec
    from candlescan.kernels import is_full_history

    rsi = IndicatorSpec.from_kernel(KERNELS["rsi"])
    assert rsi.warmup_ref == "candlescan.kernels.momentum:_rsi_warmup"
    assert rsi.warmup(1e-9, timeperiod=20) == KERNELS["rsi"].warmup(1e-9, timeperiod=20) > 20
    sma = IndicatorSpec.from_kernel(KERNELS["sma"])
    assert sma.warmup_ref == ""
    assert sma.warmup(timeperiod=20) == 19
    assert is_full_history(IndicatorSpec.from_kernel(KERNELS["obv"]).warmup())
