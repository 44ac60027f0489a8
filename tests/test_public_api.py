"""The public facade: every exported name resolves; heavy modules load only on use."""

from __future__ import annotations

import subprocess
import sys

import candlescan


def test_every_exported_name_resolves() -> None:
    for name in candlescan.__all__:
        assert getattr(candlescan, name) is not None, name
    assert set(dir(candlescan)) == set(candlescan.__all__)


def test_lazy_names_are_the_real_classes() -> None:
    from candlescan.engine import ProcessingEngine
    from candlescan.formula import FormulaService

    assert candlescan.ProcessingEngine is ProcessingEngine
    assert candlescan.FormulaService is FormulaService


def test_importing_the_package_does_not_load_the_engine_or_numba() -> None:
    probe = "import sys, candlescan; print(sorted(m for m in ('candlescan.engine', "
    probe += "'candlescan.formula', 'numba') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
