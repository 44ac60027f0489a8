"""Fixtures for the formula tests: one service, real candles from the shared data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan import Candles, PluginRegistry
from candlescan.formula import FormulaService


@pytest.fixture(scope="session")
def service() -> FormulaService:
    formula_service = FormulaService(PluginRegistry.default())
    assert formula_service.catalogue.indicators  # built now, not inside a timed test
    return formula_service


def load_candles(folder: Path, symbol: str) -> Candles:
    frame = pd.read_csv(folder / "ohlcv" / f"{symbol}.csv", parse_dates=["date"])
    return Candles(
        symbol,
        frame["date"].to_numpy(dtype="datetime64[ns]"),
        frame["open"],
        frame["high"],
        frame["low"],
        frame["close"],
        frame["volume"],
    )


@pytest.fixture(scope="session")
def real_candles(shared_data: Path) -> dict[str, Candles]:
    """A few real symbols, including a short history (APTV) and one with gaps (BMY)."""
    symbols = ("AAPL", "MSFT", "XOM", "BMY", "AMD", "APTV")
    return {s: load_candles(shared_data, s) for s in symbols}


def synthetic(n: int = 300, seed: int = 0, symbol: str = "SYN") -> Candles:
    """A random walk with a plausible OHLCV shape."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    open_ = close * np.exp(rng.normal(0, 0.01, n))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.02, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.02, n))
    volume = rng.integers(1_000, 100_000, n).astype(float)
    stamps = np.datetime64("2020-01-01", "ns") + np.arange(n) * np.timedelta64(1, "D")
    return Candles(symbol, stamps, open_, high, low, close, volume)
