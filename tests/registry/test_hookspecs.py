"""Every hookspec is prefixed, typed, documented in its docstring and in docs/plugins.md."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from candlescan.registry import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
SPECS = [getattr(hookspecs, name) for name in hookspecs.__all__]


def test_every_hook_function_is_listed_and_marked() -> None:
    defined = {name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)}
    hooks = {name for name in defined if name.startswith("candlescan_")}
    assert hooks == set(hookspecs.__all__)
    for spec in SPECS:
        assert hasattr(spec, "candlescan_spec"), f"{spec.__name__} lacks @hookspec"


@pytest.mark.parametrize("spec", SPECS, ids=lambda f: f.__name__)
def test_hookspec_is_typed_and_documented(spec: object) -> None:
    signature = inspect.signature(spec)  # type: ignore[arg-type]
    assert signature.return_annotation is not inspect.Signature.empty
    doc = inspect.getdoc(spec) or ""
    assert ":return:" in doc
    assert ".. versionadded::" in doc


@pytest.mark.parametrize("spec", SPECS, ids=lambda f: f.__name__)
def test_hookspec_signature_appears_in_the_plugin_docs(spec: object) -> None:
    name = spec.__name__  # type: ignore[attr-defined]
    signature = inspect.signature(spec)  # type: ignore[arg-type]
    rendered = str(signature).replace("'", "")  # annotations are strings (future import)
    written = f"### `{name}{rendered}`"
    assert written in DOC.read_text(encoding="utf-8")
