"""``candlescan chart SYMBOL [FORMULA] --out chart.png``: candles, indicators, matches."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``chart`` sub-command to the ``candlescan`` parser."""
    parser = commands.add_parser(
        "chart",
        help="draw a symbol's candles, a formula's indicators and its matches (PNG)",
    )
    parser.add_argument("symbol")
    parser.add_argument("formula", nargs="?")
    parser.add_argument("--out", default="chart.png", help="PNG file (default: %(default)s)")
    parser.add_argument("--source", default="sample", help="data source (default: %(default)s)")
    parser.add_argument("--from", dest="start", type=date.fromisoformat)
    parser.add_argument("--to", dest="end", type=date.fromisoformat)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Draw the chart; needs matplotlib (``pip install candlescan[chart]``)."""
    try:
        from candlescan.screener.chart import chart_symbol
    except ImportError:  # pragma: no cover - depends on the environment
        print(
            "candlescan: error: charts need matplotlib: pip install 'candlescan[chart]'",
            file=sys.stderr,
        )
        return 1
    chart = chart_symbol(
        args.symbol, args.formula, args.out, source=args.source, start=args.start, end=args.end
    )
    print(
        f"wrote {chart.path} ({chart.size[0]}x{chart.size[1]}, {len(chart.matches)} matches)",
        file=sys.stderr,
    )
    return 0
