"""The public facade: every exported name resolves; heavy modules load only on use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import candlescan
import candlescan.plugins


def test_every_exported_name_resolves() -> None:
    for name in candlescan.__all__:
        assert getattr(candlescan, name) is not None, name
    assert set(dir(candlescan)) == set(candlescan.__all__)


def test_lazy_names_are_the_real_classes() -> None:
    from candlescan.execution.engine import ProcessingEngine
    from candlescan.formula import FormulaService

    assert candlescan.ProcessingEngine is ProcessingEngine
    assert candlescan.FormulaService is FormulaService


def test_importing_the_package_does_not_load_the_engine_or_numba() -> None:
    probe = "import sys, candlescan; print(sorted(m for m in ('candlescan.execution.engine', "
    probe += "'candlescan.formula', 'numba') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"import sys; {statement}; print(sorted(m for m in {modules!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(eval(done.stdout))


def test_kernels_entities_and_errors_do_not_load_pluggy() -> None:
    """Layers are a one-way street: the leaves never pull in the plugin machinery."""
    for statement in (
        "import candlescan.kernels",
        "import candlescan.entities",
        "import candlescan.errors",
        "from candlescan.execution import worker",
    ):
        assert _loaded_after(statement, ("pluggy", "candlescan.registry.plugin_registry")) == []


def test_kernels_import_nothing_above_them() -> None:
    """candlescan.kernels loads no formula language, plugin registry or engine."""
    heavy = ("candlescan.formula", "candlescan.registry.plugin_registry", "candlescan.execution")
    assert _loaded_after("import candlescan.kernels", heavy) == []


def test_builtin_plugins_use_only_the_public_api() -> None:
    """The built-in plugins are written as a third party would write them."""
    import pathlib
    import re

    plugins = pathlib.Path(candlescan.plugins.__file__).parent
    private = re.compile(r"from candlescan\.(?!plugins\b|kernels\b)[\w.]*_\w+|candlescan\._")
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted(plugins.rglob("*.py"))
        for line in path.read_text().splitlines()
        if line.lstrip().startswith(("from candlescan", "import candlescan"))
        and private.search(line)
    ]
    assert offenders == []


def test_public_import_paths_stay() -> None:
    """Paths that docs and users import keep working after the move into subsystems."""
    import candlescan.backends
    import candlescan.cli
    import candlescan.data
    import candlescan.execution.backends
    import candlescan.registry
    import candlescan.testing

    assert candlescan.backends.Backend is candlescan.execution.backends.Backend
    assert candlescan.backends.prelaunch is candlescan.execution.backends.prelaunch
    assert candlescan.registry.PluginRegistry is candlescan.PluginRegistry
    assert candlescan.data.ICandleRepository is candlescan.ICandleRepository
    assert callable(candlescan.cli.main)
    assert hasattr(candlescan.testing, "DataSourceContract")


@pytest.mark.parametrize("formula", ["rsi(close, 14) < 30", "rank(roc(close, 63)) <= 50"])
def test_a_worker_unpickling_a_plan_loads_no_compiler_and_no_pluggy(formula: str) -> None:
    """What a worker imports to run a plan: the plan's modules, not the machinery that built it."""
    import pickle

    plan = candlescan.FormulaService(candlescan.PluginRegistry.default()).compile(formula)
    statement = f"import pickle; pickle.loads({pickle.dumps(plan)!r})"
    heavy = (
        "pluggy",
        "candlescan.registry.plugin_registry",
        "candlescan.formula.service",
        "candlescan.formula._compiler",
    )
    assert _loaded_after(statement, heavy) == []
