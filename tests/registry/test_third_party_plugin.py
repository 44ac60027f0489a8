"""A real third-party plugin, installed by pip, discovered through its entry point.

The example package in ``examples/demo-plugin`` is pip-installed into a temporary
folder; fresh ``candlescan`` processes with that folder on ``PYTHONPATH`` must list its
indicator and use it in a scan whose worker processes import it by reference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from candlescan.plugins.sources.synthetic import SyntheticRepository

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "examples" / "demo-plugin"


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--target", str(target), str(PLUGIN),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
    return env


def candlescan(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "candlescan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_plugin_indicator_and_preset_are_listed(plugin_env: dict[str, str]) -> None:
    listing = candlescan(plugin_env, "indicators", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    by_name = {entry["name"]: entry for entry in json.loads(listing.stdout)}
    assert by_name["zscore"]["plugin"] == "demo"
    assert by_name["zscore"]["params"] == {"timeperiod": 20}
    presets = candlescan(plugin_env, "presets")
    assert "stretched" in presets.stdout


def test_plugin_is_absent_without_its_install(plugin_env: dict[str, str]) -> None:
    listing = candlescan(dict(os.environ), "indicators", "--format", "json")
    assert "zscore" not in {entry["name"] for entry in json.loads(listing.stdout)}


def test_plugin_indicator_runs_in_worker_processes(plugin_env: dict[str, str]) -> None:
    scan = candlescan(
        plugin_env,
        "scan", "zscore(close, 20) > -100", "--source", "synthetic:6x300",
        "--from", "2013-06-01", "--to", "2013-12-31", "--workers", "2",
        "--format", "json", "--quiet",
    )  # fmt: skip
    assert scan.returncode == 0, scan.stderr
    document = json.loads(scan.stdout)
    results = document["results"]
    assert len(results) == 6
    assert all(r["error"] is None for r in results), results
    # Every bar in range has a finite z-score, so the always-true condition matched them all.
    assert all(len(r["matches"]) == r["bars"] > 0 for r in results)
    # The last-bar z-score equals a naive computation on the same synthetic data.
    repo = SyntheticRepository(6, 300)
    for result in results:
        series = repo.series(result["symbol"])
        days = series.timestamps.astype("datetime64[D]")
        last = int(np.flatnonzero(days <= np.datetime64("2013-12-31"))[-1])
        window = series.close[last - 19 : last + 1]
        expected = (window[-1] - window.mean()) / window.std()
        assert result["computed_indicators"]["zscore(close, 20)"] == pytest.approx(expected)
