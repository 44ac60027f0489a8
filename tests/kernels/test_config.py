"""Numba options: where the compiled-kernel cache goes, and when it is invalidated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from candlescan.kernels import _config

PROBE = """
import os, numpy as np
import candlescan.kernels as k
k.sma(np.arange(50.0), 5)
print(os.environ.get("NUMBA_CACHE_DIR", ""))
"""


def run_probe(env_overrides: dict[str, str], drop: tuple[str, ...] = ()) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"NUMBA_CACHE_DIR", *drop}}
    env.update(env_overrides)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_default_cache_is_a_fingerprinted_user_dir(tmp_path: Path) -> None:
    used = Path(run_probe({"XDG_CACHE_HOME": str(tmp_path)}))
    assert used.parent == tmp_path / "candlescan" / "numba"
    assert used.name == _config._kernel_fingerprint()
    assert list(used.rglob("*.nbi")), "the compiled kernel was not cached"


def test_a_user_cache_dir_is_used_as_given(tmp_path: Path) -> None:
    assert run_probe({"NUMBA_CACHE_DIR": str(tmp_path)}) == str(tmp_path)
    assert list(tmp_path.rglob("*.nbi"))


def test_cache_can_be_disabled(tmp_path: Path) -> None:
    run_probe({"XDG_CACHE_HOME": str(tmp_path), "CANDLESCAN_NUMBA_CACHE": "0"})
    assert not list(tmp_path.rglob("*.nbi"))


def test_fingerprint_changes_with_any_kernel_source(tmp_path: Path) -> None:
    copy = tmp_path / "kernels"
    shutil.copytree(Path(_config.__file__).parent, copy, ignore=shutil.ignore_patterns("__py*"))
    before = _config._kernel_fingerprint(copy)
    assert _config._kernel_fingerprint(copy) == before
    callee = copy / "_averages.py"
    callee.write_text(callee.read_text() + "\n# edited\n")
    assert _config._kernel_fingerprint(copy) != before


REPORT = """
import candlescan.kernels as k
print(k.cache_enabled(), k.cache_dir(), k.cache_dir(all_versions=True), sep="\\n")
"""


def report(env_overrides: dict[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(env_overrides)
    done = subprocess.run(
        [sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_the_public_cache_report_names_the_default_folder(tmp_path: Path) -> None:
    enabled, used, every = report({"XDG_CACHE_HOME": str(tmp_path)})
    assert enabled == "True"
    assert Path(used) == tmp_path / "candlescan" / "numba" / _config._kernel_fingerprint()
    assert Path(every) == tmp_path / "candlescan" / "numba"


def test_the_public_cache_report_names_a_user_folder_as_given(tmp_path: Path) -> None:
    enabled, used, every = report({"NUMBA_CACHE_DIR": str(tmp_path)})
    assert (enabled, Path(used), Path(every)) == ("True", tmp_path, tmp_path)


def test_the_public_cache_report_says_when_caching_is_off(tmp_path: Path) -> None:
    enabled, used, _ = report({"XDG_CACHE_HOME": str(tmp_path), "CANDLESCAN_NUMBA_CACHE": "off"})
    assert enabled == "False"
    assert Path(used).parent == tmp_path / "candlescan" / "numba"
