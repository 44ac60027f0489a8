"""Project-wide test configuration: hypothesis profiles and the shared data folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# JIT compilation makes first examples slow: no per-example deadline.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=40)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
_DEFAULT_PROFILE = "ci" if os.environ.get("CI") else "default"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _DEFAULT_PROFILE))


def examples(scale: float) -> int:
    """``scale`` times the active profile's ``max_examples`` (at least 5).

    Properties that need more (or fewer) examples than the default say so relative to the
    profile, so ``HYPOTHESIS_PROFILE=ci`` and ``thorough`` reach every one of them.
    """
    return max(5, round(settings().max_examples * scale))


# Parsed CSV series are cached as memory-mapped files (plugins/sources/_mapped.py): keep
# the suite's out of the user's cache, in a folder of its own that workers inherit.
if "CANDLESCAN_SERIES_CACHE" not in os.environ:
    _SERIES_CACHE = tempfile.mkdtemp(prefix="candlescan-series-")
    os.environ["CANDLESCAN_SERIES_CACHE"] = _SERIES_CACHE
    atexit.register(shutil.rmtree, _SERIES_CACHE, ignore_errors=True)

#: ``shared/data`` beside the repository (real OHLCV and indicator fixtures), if present.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; skips the test with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA
