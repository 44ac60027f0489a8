"""The README's promises: its two set-up commands and its embedding example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_first_lines_give_exactly_two_setup_commands() -> None:
    first_block = code_blocks("bash")[0].strip().splitlines()
    assert len(first_block) == 2
    install_and_scan, install_and_test = first_block
    assert 'candlescan scan "rsi(close, 14) < 30 and close > sma(close, 200)"' in install_and_scan
    assert "pytest" in install_and_test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert code_blocks("bash")[0].strip().splitlines()[1] in ci


def test_embedding_example_runs(tmp_path: Path) -> None:
    (example,) = code_blocks("python")[:1]
    script = tmp_path / "embed.py"
    script.write_text(example, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert sorted(line.split()[0] for line in lines) == ["AAPL", "MSFT", "XOM"]
    assert all("matches" in line for line in lines), lines
