"""Parsed series shared by every worker through memory-mapped files.

Parsing text is the expensive part of a CSV source, and each worker process used to keep
its own parsed copy of every symbol it served. Instead, the first process to parse a file
writes its columns to ``SERIES_CACHE/<key>.npy``; every later load, in any process, maps
that file read-only: the operating system's page cache then holds one copy for all the
workers, and a second batch (or a second ``candlescan scan``) parses nothing.

The key hashes the file's bytes and the parse options, so an edited file is parsed again
(hashing reads the file, a small fraction of what parsing it costs; modification times are
too coarse to tell two quick edits apart). Files are written atomically (a temporary file, then a
rename), so a process never maps a half-written one. A cache folder that cannot be written
is not used (the series is parsed as before). The folder is
``$CANDLESCAN_SERIES_CACHE`` (``0`` disables the cache), else
``$XDG_CACHE_HOME/candlescan/series`` (``~/.cache/...``), read when the source is opened;
its files can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from candlescan.entities import PRICE_COLUMNS, Candles

__all__ = ["load_mapped", "series_cache_dir"]


def series_cache_dir() -> Path | None:
    """The folder of mapped series, or ``None`` when the cache is disabled."""
    setting = os.environ.get("CANDLESCAN_SERIES_CACHE", "").strip()
    if setting == "0":
        return None
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "candlescan" / "series"


def load_mapped(
    path: Path, options: object, symbol: str, parse: Callable[[], Candles], folder: Path | None
) -> Candles:
    """``symbol``'s series from ``path``: mapped from the cache, or parsed (and cached).

    :param options: everything besides the file that changes the parse (its ``repr``
        is part of the key).
    :param parse: parses the file; called only when the cache has no current copy.
    :param folder: the cache folder (:func:`series_cache_dir` when the source was
        opened, so workers use the parent's setting); ``None``: parse.
    """
    if folder is None:
        return parse()
    try:
        digest = hashlib.sha256(path.read_bytes())
    except OSError:
        return parse()
    digest.update(f"\0{options!r}".encode())
    cached = folder / f"{digest.hexdigest()[:32]}.npy"
    try:
        return _mapped(symbol, cached)
    except (OSError, ValueError):
        pass  # not cached yet (or unreadable): parse, then try to cache
    series = parse()
    _write(cached, series)
    return series


def _mapped(symbol: str, cached: Path) -> Candles:
    # np.asarray: plain ndarray views of the mapping (a memmap subclass would be a
    # different type for the kernels).
    table = np.asarray(np.load(cached, mmap_mode="r", allow_pickle=False))
    if table.ndim != 2 or table.shape[0] != 1 + len(PRICE_COLUMNS):
        raise ValueError(f"{cached} is not a series file")
    series = object.__new__(Candles)
    setattr_ = object.__setattr__  # the columns have the kernels' layout: no coercion
    setattr_(series, "symbol", symbol)
    setattr_(series, "timestamps", table[0].view(np.int64).view("datetime64[ns]"))
    for row, name in enumerate(PRICE_COLUMNS, start=1):
        setattr_(series, name, table[row])
    return series


def _write(cached: Path, series: Candles) -> None:
    table = np.empty((1 + len(PRICE_COLUMNS), len(series)), dtype=np.float64)
    table[0] = series.timestamps.astype("datetime64[ns]").view(np.int64).view(np.float64)
    for row, name in enumerate(PRICE_COLUMNS, start=1):
        table[row] = getattr(series, name)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, table, allow_pickle=False)
        os.replace(temporary, cached)
    except OSError:
        pass  # a read-only or full cache folder: the series stays parsed in memory
