"""Charts render: size, not blank, and a marker on exactly the matching bars."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan import DateRange
from candlescan.plugins.sources.sample import SampleRepository

pytest.importorskip("matplotlib", reason="charts need the chart extra (matplotlib)")

from matplotlib.image import imread

from candlescan.screener.chart import chart_symbol, plot_study

MAGENTA = np.array([1.0, 0.0, 1.0])


def _magenta_near(image: np.ndarray, x: float, y: float, radius: int = 3) -> bool:
    rows = slice(max(int(y) - radius, 0), int(y) + radius + 1)
    cols = slice(max(int(x) - radius, 0), int(x) + radius + 1)
    patch = image[rows, cols, :3]
    return bool((np.abs(patch - MAGENTA).sum(axis=-1) < 0.15).any())


def test_chart_marks_exactly_the_bars_pandas_finds(tmp_path: Path) -> None:
    formula = "close crosses above sma(close, 20)"
    out = tmp_path / "chart.png"
    chart = chart_symbol("AAPL", formula, out, start="2017-01-01", end="2017-12-31")
    image = imread(out)
    assert image.shape[1::-1] == chart.size and chart.size == (1000, 400)
    assert image[..., :3].std() > 0.05  # not blank
    # The oracle: the crossings by pandas on the sample's closes.
    c = SampleRepository().get_candles(
        "AAPL", "1d", DateRange("2017-01-01", "2017-12-31"), warmup_bars=40
    )
    close = pd.Series(c.close, index=c.timestamps.astype("datetime64[ns]"))
    sma = close.rolling(20).mean()
    crossed = (close > sma) & (close.shift(1) <= sma.shift(1))
    crossed = crossed[crossed.index >= "2017-01-01"]
    expected = crossed.index[crossed].to_numpy()
    assert len(expected) >= 3
    assert np.array_equal(np.array(chart.matches, dtype="datetime64[ns]"), expected)
    assert chart.overlays == ("sma(close, 20)",) and chart.panels == ()
    for x, y in chart.marker_pixels:
        assert _magenta_near(image, x, y), (x, y)
    magenta = np.abs(image[..., :3] - MAGENTA).sum(axis=-1) < 0.15
    assert magenta.sum() > 20 * len(expected)  # markers, not stray pixels
    # nothing magenta away from the markers (outside the legend's corner)
    ys, xs = np.nonzero(magenta)
    legend = (xs < 200) & (ys < 120)
    near = np.zeros(len(xs), dtype=bool)
    for x, y in chart.marker_pixels:
        near |= (np.abs(xs - x) < 10) & (np.abs(ys - y) < 10)
    assert (near | legend).all()


def test_oscillators_get_their_own_panel(tmp_path: Path) -> None:
    chart = chart_symbol(
        "MSFT",
        "rsi(close, 14) > 70 and close > ema(close, 50)",
        tmp_path / "c.png",
        start="2017-01-01",
        end="2017-12-31",
    )
    assert chart.overlays == ("ema(close, 50)",) and chart.panels == ("rsi(close, 14)",)
    assert chart.size[1] > 400  # a panel below the candles


def test_study_plot_renders(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "by": ["all", "all"],
            "group": ["all", "all"],
            "horizon": [1, 5],
            "mean": [0.01, 0.02],
            "base_mean": [0.0, 0.01],
            "hit_rate": [0.6, 0.55],
            "base_hit_rate": [0.5, 0.5],
        }
    )
    path = plot_study(frame, tmp_path / "s.png", title="t")
    image = imread(path)
    assert image.shape[:2] == (400, 1000) and image[..., :3].std() > 0.05
