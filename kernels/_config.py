"""The one place that sets Numba options for every kernel.

* ``nogil=True``: kernels release the GIL, so the thread backend runs them in parallel.
* ``cache=True``: compiled code is written to disk and loaded by later processes
  (0.003 s instead of ~0.3 s per kernel). The engine warms the cache once in the
  parent before workers start, so workers load rather than compile all at once.
  Set ``CANDLESCAN_NUMBA_CACHE=0`` to disable it.
* ``fastmath=False``: TA-Lib parity needs IEEE semantics (NaN checks, no reassociation).
* ``NUMBA_CACHE_DIR`` defaults to a writable per-user cache directory, so a read-only
  install (site-packages owned by root) still caches instead of failing at import; its
  last component fingerprints the kernel sources (see :func:`default_cache_dir`). A
  ``NUMBA_CACHE_DIR`` set by the user is used as given.

Never write ``cache=`` or ``fastmath=`` in a kernel module; import :data:`njit` from here.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CACHE_ENABLED", "cache_dir", "cache_enabled", "default_cache_dir", "njit"]

_F = TypeVar("_F", bound=Callable[..., Any])


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/candlescan/numba/<fingerprint>`` (``~/.cache/...``) or the platform
    equivalent; the fingerprint changes whenever any kernel source or Numba changes.

    Numba invalidates a cached function only when *its own* file changes, not when a
    callee in another file does; a stale caller then crashes (``'descr' is NULL``) or
    computes with old code. Kernels call across modules (``_ma``, ``_ema_run`` ...), so
    the whole kernel package shares one cache folder keyed by all of its sources.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "candlescan" / "numba" / _kernel_fingerprint()


def _kernel_fingerprint(folder: Path = Path(__file__).parent) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(importlib.metadata.version("numba").encode())
    for source in sorted(folder.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


CACHE_ENABLED = os.environ.get("CANDLESCAN_NUMBA_CACHE", "1").strip().lower() not in {
    "0",
    "false",
    "no",
    "off",
}

if CACHE_ENABLED and "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(default_cache_dir())
    if "numba" in sys.modules:  # numba reads its config at import; re-read it
        import numba.core.config

        numba.core.config.reload_config()  # type: ignore[no-untyped-call]

import numba  # noqa: E402 - after NUMBA_CACHE_DIR is set

_OPTIONS: dict[str, Any] = {"nogil": True, "cache": CACHE_ENABLED, "fastmath": False}


def cache_enabled() -> bool:
    """Whether compiled kernels are cached on disk (``CANDLESCAN_NUMBA_CACHE=0`` turns it off)."""
    return CACHE_ENABLED


def cache_dir(*, all_versions: bool = False) -> Path:
    """The folder compiled kernels are cached in: ``NUMBA_CACHE_DIR`` when the user set it,
    else :func:`default_cache_dir` (where they would go, when caching is off).

    ``all_versions=True`` gives the folder holding every fingerprint's cache when that is
    the default (older candlescan or Numba versions' caches too), for listing and clearing.
    """
    default = default_cache_dir()
    directory = Path(os.environ.get("NUMBA_CACHE_DIR") or default)
    return directory.parent if all_versions and directory == default else directory


def njit(function: _F) -> _F:
    """``numba.njit`` with candlescan's options. Use as a bare decorator."""
    compiled: _F = numba.njit(**_OPTIONS)(function)
    return compiled
