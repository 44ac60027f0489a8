"""docs/formula-language.md stays true: its examples compile, its preset table is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from candlescan.formula import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    MAX_TOKENS,
    MAX_WINDOW,
    FormulaService,
)
from candlescan.plugins.presets import PRESETS

DOC = Path(__file__).resolve().parents[2] / "docs" / "formula-language.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```formula\n(.*?)```", TEXT, flags=re.S)


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_compiles(service: FormulaService, example: str) -> None:
    service.compile(example.strip(), {"n": 14, "period": 14, "oversold": 30})


def test_preset_table_matches_the_presets() -> None:
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `([a-z0-9-]+)` \| [^|]+ \| `(.+?)` \|", TEXT, flags=re.M)
    }
    assert rows == {p.name: p.formula for p in PRESETS}


def test_limits_table_matches_the_code() -> None:
    for value in (MAX_LENGTH, MAX_TOKENS, MAX_DEPTH, MAX_NODES, MAX_WINDOW):
        assert f"| {value} " in TEXT or f"| {value} bars" in TEXT
