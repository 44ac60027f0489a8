"""An installed plugin that fails is named, skipped with a warning, and can be disabled.

The broken plugins are real installed distributions: a ``.dist-info`` folder with an
``entry_points.txt`` on ``sys.path`` is exactly what ``pip install`` leaves, and
``importlib.metadata`` finds them the same way.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from candlescan import PluginRegistry, PluginWarning
from candlescan.cli import main

_HOOK_FAILS = """
from candlescan import hookimpl

@hookimpl
def candlescan_register_indicators():
    raise RuntimeError("the plugin's own bug")
"""


def _install(site: Path, dist: str, entry_points: dict[str, str]) -> None:
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[candlescan]\n{lines}")


@pytest.fixture
def broken_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _install(tmp_path, "broken-import", {"noimport": "candlescan_no_such_module_xyz"})
    (tmp_path / "candlescan_hook_fails_xyz.py").write_text(_HOOK_FAILS)
    _install(tmp_path, "broken-hook", {"hookfails": "candlescan_hook_fails_xyz"})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("CANDLESCAN_DISABLE_PLUGINS", raising=False)
    yield tmp_path
    sys.modules.pop("candlescan_hook_fails_xyz", None)


def test_a_plugin_that_fails_to_import_is_named_and_skipped(broken_site: Path) -> None:
    with pytest.warns(PluginWarning) as caught:
        registry = PluginRegistry()
        catalogue = registry.catalogue
    assert "rsi" in catalogue.indicator_names  # the built-ins still work
    failures = {f.name: f for f in registry.failures}
    assert set(failures) == {"noimport", "hookfails"}
    noimport = failures["noimport"]
    assert noimport.entry_point == "candlescan_no_such_module_xyz"
    assert noimport.distribution == "broken-import 0.1"
    assert noimport.error.startswith("ModuleNotFoundError: No module named")
    assert "RuntimeError: the plugin's own bug" in failures["hookfails"].error
    assert failures["hookfails"].distribution == "broken-hook 0.1"
    messages = [str(w.message) for w in caught]
    assert any(
        "plugin 'noimport' (entry point 'candlescan_no_such_module_xyz' of broken-import 0.1)" in m
        and "CANDLESCAN_DISABLE_PLUGINS=noimport" in m
        for m in messages
    )
    assert "hookfails" not in registry.plugin_names()


def test_plugins_can_be_disabled_by_argument_or_environment(
    broken_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        registry = PluginRegistry(disabled=["noimport", "hookfails"])
        assert registry.catalogue.indicators and registry.failures == ()
        monkeypatch.setenv("CANDLESCAN_DISABLE_PLUGINS", "noimport, hookfails")
        registry = PluginRegistry()
        assert registry.catalogue.indicators and registry.failures == ()


def test_the_cli_warns_once_per_plugin_and_lists_what_failed(
    broken_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["indicators"]) == 0
    err = capsys.readouterr().err
    assert err.count("candlescan: warning: plugin 'noimport'") == 1
    assert err.count("candlescan: warning: plugin 'hookfails'") == 1
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:]}
    assert rows["noimport"] == "FAILED" and rows["hookfails"] == "FAILED"
    assert rows["candlescan.plugins.indicators"] == "loaded"
