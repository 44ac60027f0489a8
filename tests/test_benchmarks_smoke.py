"""Smoke test of the benchmark code path: 10^3 bars, two kernels, no timing asserts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytest.importorskip("talib")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

from benchmarks import bench_kernels, startup
from benchmarks.report import CHART, REPORT, load_run, write_report
from tests.kernels.cases import all_cases

pytestmark = pytest.mark.talib


def _two_kernels() -> list[str]:
    names = [name for name, c in all_cases().items() if c.talib_name is not None]
    assert len(names) >= 2, f"need two kernels with a TA-Lib namesake, have {names}"
    return names[:2]


def test_quick_run_writes_report_chart_and_results(tmp_path: Path) -> None:
    names = _two_kernels()
    argv = ["--quick", "--kernels", ",".join(names), "--sizes", "1000", "--repeats", "2"]
    argv += ["--compile-kernels", "none", "--cold-kernels", "none", "--out", str(tmp_path)]
    report = bench_kernels.main(argv)

    assert report == tmp_path / REPORT
    text = report.read_text()
    for name in names:
        assert f"| {name} |" in text
    assert (tmp_path / CHART).read_bytes().startswith(b"\x89PNG")
    run = load_run(tmp_path / "kernels.json")
    assert [k.name for k in run.kernels] == names
    for kernel in run.kernels:
        (size,) = kernel.sizes
        assert size.bars == 1000
        assert size.parity == [], f"{kernel.name}: {size.parity}"  # parity runs before timing
        assert size.ours_s > 0 and size.talib_s > 0 and size.ratio > 0
    # The report re-renders from the raw results alone.
    again = write_report(run, tmp_path / "again")
    assert again.read_text() == text


def test_startup_child_reports_import_and_first_call() -> None:
    # The fresh-process path of the compile / cold-start measurement, on numba's floor
    # function (a kernel's compile from scratch takes too long for a smoke test).
    with tempfile.TemporaryDirectory() as cache_dir:
        result, wall = startup._child([], cache_dir, "benchmarks._floor_child")
    assert set(result) == {"import_s", "first_call_s"}
    assert result["first_call_s"]["floor"] > 0 and wall > 0
