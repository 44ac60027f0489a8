"""Charts (matplotlib, the ``chart`` extra): a symbol's candles with a formula, and the study.

``chart_symbol`` draws the candles, the formula's indicators (price-scale ones over the
candles, the others such as RSI in panels below) and a marker under every bar where
the formula matched. ``plot_study`` draws the study's mean forward return and hit
rate per horizon, signals against the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.data.repository import ICandleRepository
from candlescan.errors import InvalidJobError

__all__ = ["MARKER_COLOR", "Chart", "chart_symbol", "plot_study"]

#: The matches' marker colour (pure magenta: nothing else on the chart uses it).
MARKER_COLOR = "#ff00ff"
_PRICE = ("open", "high", "low", "close")


@dataclass(frozen=True, slots=True)
class Chart:
    """What :func:`chart_symbol` drew.

    :ivar size: (width, height) of the PNG in pixels.
    :ivar matches: the bars that got a marker.
    :ivar marker_pixels: pixel (x, y) of each marker, y counted from the top.
    :ivar overlays: terms drawn over the candles; ``panels``: terms drawn below them.
    """

    path: Path
    size: tuple[int, int]
    matches: tuple[np.datetime64, ...]
    marker_pixels: tuple[tuple[float, float], ...]
    overlays: tuple[str, ...]
    panels: tuple[str, ...]


#: Kernel families drawn over the candles, and single indicators that are prices too.
_OVERLAY_FAMILIES = ("overlap", "bands", "channels", "price")
_OVERLAY_NAMES = ("vwap", "avwap", "vwma", "highest", "lowest", "max", "min", "linearreg")


def _is_overlay(
    term: str, catalogue: Any, values: npt.NDArray[np.float64], close: npt.NDArray[np.float64]
) -> bool:
    """Whether ``term`` is in price units (drawn over the candles) or an oscillator."""
    name = term.split("(", 1)[0]
    if name in _OVERLAY_NAMES:
        return True
    if name in catalogue.indicator_names:
        family = catalogue.indicator(name).kernel_ref.split(":")[0].rsplit(".", 1)[-1]
        if family in _OVERLAY_FAMILIES:
            return True
        if catalogue.indicator(name).kernel_ref.startswith("candlescan.kernels."):
            return False
    # A third party's indicator (or a tf() term): in price units if it stays near the close.
    finite = np.isfinite(values) & np.isfinite(close) & (close != 0)
    if not finite.any():
        return False
    return bool(np.median(np.abs(values[finite] / close[finite] - 1.0)) < 0.1)


@dataclass(frozen=True, slots=True)
class _Series:
    """One symbol's bars in range: prices, indicator terms, matches."""

    stamps: npt.NDArray[np.datetime64]
    price: dict[str, npt.NDArray[np.float64]]
    terms: dict[str, npt.NDArray[np.float64]]
    matched: npt.NDArray[np.bool_]
    overlays: tuple[str, ...]
    panels: tuple[str, ...]


def _series(
    symbol: str, formula: str | None, source: Any, start: Any, end: Any, universe: Any
) -> _Series:
    from candlescan.formula._cross import has_cross_section
    from candlescan.formula._parser import parse
    from candlescan.registry import PluginRegistry
    from candlescan.screener.api import scan

    registry = PluginRegistry.default()
    repo = registry.open_source(source) if isinstance(source, str) else source
    text = formula or "false"
    cross = has_cross_section(parse(text), registry.catalogue)
    symbols = universe if universe is not None else (None if cross else [symbol])
    results = scan(
        text,
        source=repo,
        symbols=symbols,
        start=start,
        end=end,
        columns=_PRICE,
        backend="process" if cross else "serial",
        registry=registry,
    )
    row = next((r for r in results if r.symbol == symbol), None)
    if row is None or row.error is not None or results.panel is None:
        raise InvalidJobError(f"cannot chart {symbol}: {row.error if row else 'not in the job'}")
    panel = results.panel
    index = panel.symbols.index(symbol)
    cols = np.flatnonzero(panel.in_range[index])
    if not len(cols):
        raise InvalidJobError(f"{symbol} has no bar between {results.date_range}")
    price = {name: panel.columns[name][index, cols] for name in _PRICE}
    terms = {t: v[index, cols] for t, v in panel.terms.items()}
    overlays = tuple(
        t for t, v in terms.items() if _is_overlay(t, registry.catalogue, v, price["close"])
    )
    below = tuple(t for t in terms if t not in overlays)
    return _Series(panel.stamps[cols], price, terms, panel.matched[index, cols], overlays, below)


def chart_symbol(
    symbol: str,
    formula: str | None,
    out: str | Path,
    *,
    source: str | ICandleRepository = "sample",
    start: Any = None,
    end: Any = None,
    universe: Any = None,
    dpi: int = 100,
) -> Chart:
    """Draw ``symbol`` (and ``formula``'s indicators and matches) into the PNG ``out``.

    A cross-sectional formula is evaluated over ``universe`` (default: every symbol of
    the source), a per-symbol one over ``symbol`` alone.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = _series(symbol, formula, source, start, end, universe)
    below = data.panels
    figure, axes = plt.subplots(
        1 + len(below),
        1,
        sharex=True,
        figsize=(10, 4 + 1.6 * len(below)),
        dpi=dpi,
        gridspec_kw={"height_ratios": [3] + [1] * len(below)},
        squeeze=False,
    )
    top = axes[0][0]
    x = np.arange(len(data.stamps))
    marker_y = _draw_price(top, x, data, f"{symbol}: {formula}" if formula else symbol)
    matched = data.matched
    for axis, term in zip((a[0] for a in axes[1:]), below, strict=True):
        axis.plot(x, data.terms[term], linewidth=1.0, color="tab:purple")
        axis.set_ylabel(term, fontsize=8)
    ticks = np.linspace(0, len(x) - 1, min(6, len(x))).astype(int)
    axes[-1][0].set_xticks(ticks, [str(data.stamps[t].astype("datetime64[D]")) for t in ticks])
    figure.tight_layout()
    figure.canvas.draw()
    width, height = figure.canvas.get_width_height()
    pixels = top.transData.transform(np.column_stack([x[matched], marker_y]))
    path = Path(out)
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return Chart(
        path,
        (int(width), int(height)),
        tuple(data.stamps[matched]),
        tuple((float(px), float(height - py)) for px, py in pixels),
        data.overlays,
        below,
    )


def _draw_price(axis: Any, x: npt.NDArray[np.int64], data: _Series, title: str) -> Any:
    """Candles, the price-scale indicators and the match markers; returns the markers' y."""
    _candles(axis, x, data.price)
    for term in data.overlays:
        axis.plot(x, data.terms[term], linewidth=1.0, label=term)
    matched = data.matched
    marker_y = data.price["low"][matched] * 0.985
    axis.scatter(
        x[matched], marker_y, marker="^", s=60, color=MARKER_COLOR, zorder=5, label="match"
    )
    axis.set_title(title)
    axis.legend(loc="upper left", fontsize=8)
    return marker_y


def _candles(axis: Any, x: npt.NDArray[np.int64], price: dict[str, Any]) -> None:
    up = price["close"] >= price["open"]
    colors = np.where(up, "#2a9d8f", "#e76f51")
    axis.vlines(x, price["low"], price["high"], colors=colors, linewidth=0.8)
    bottom = np.minimum(price["open"], price["close"])
    height = np.maximum(np.abs(price["close"] - price["open"]), 1e-9)
    axis.bar(x, height, bottom=bottom, color=colors, width=0.7)


def plot_study(frame: Any, out: str | Path, title: str = "", dpi: int = 100) -> Path:
    """Bar charts of the study's ``by == "all"`` rows: mean return and hit rate by horizon."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = frame[frame["by"] == "all"].sort_values("horizon")
    labels = [str(h) for h in rows["horizon"]]
    x = np.arange(len(labels))
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=dpi)
    for axis, (signal, base, name) in zip(
        (left, right),
        (("mean", "base_mean", "mean forward return"), ("hit_rate", "base_hit_rate", "hit rate")),
        strict=True,
    ):
        axis.bar(x - 0.2, rows[signal], width=0.4, label="after a match", color="tab:blue")
        axis.bar(x + 0.2, rows[base], width=0.4, label="all bars", color="tab:gray")
        axis.set_xticks(x, labels)
        axis.set_xlabel("horizon (bars)")
        axis.set_title(name)
        axis.legend(fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    path = Path(out)
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path
