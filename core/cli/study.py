"""``candlescan study FORMULA --horizons 1,5,20``: forward returns after the matches."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from typing import Any

from candlescan.cli._output import print_columns

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``study`` sub-command to the ``candlescan`` parser."""
    parser = commands.add_parser(
        "study",
        help="forward returns after a formula's matches, against all bars",
        description="Run FORMULA over the history and report the forward returns after its "
        "matches (enter at the next open, exit at the close HORIZON bars after the signal).",
    )
    parser.add_argument("formula")
    parser.add_argument("--horizons", default="1,5,20", help="bars ahead (default: %(default)s)")
    parser.add_argument("--source", default="sample", help="data source (default: %(default)s)")
    parser.add_argument("--symbols", default="all", help="A,B, all, or @watchlist.txt")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first signal date")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last signal date")
    parser.add_argument(
        "--overlap",
        choices=("all", "skip"),
        default="all",
        help="count every matching bar, or skip matches until the previous one exited",
    )
    parser.add_argument(
        "--by",
        choices=("all", "year", "sector"),
        action="append",
        help="tables to print (default: all three)",
    )
    parser.add_argument("--plot", help="also write the study's chart to this PNG")
    parser.add_argument("--workers", type=int)
    parser.add_argument(
        "--backend", default="process", choices=("process", "thread", "serial", "dask")
    )
    parser.set_defaults(run=run)


def _horizons(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(h) for h in text.split(",") if h.strip())
    except ValueError:
        values = ()
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"--horizons expects positive integers, got {text!r}")
    return values


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4f}"
    return str(value)


def run(args: argparse.Namespace) -> int:
    """Print the study tables (and write the plot)."""
    from candlescan.screener.study import STUDY_COLUMNS, study
    from candlescan.screener.universe import parse_where

    try:
        horizons = _horizons(args.horizons)
    except argparse.ArgumentTypeError as exc:
        print(f"candlescan: error: {exc}", file=sys.stderr)
        return 2
    frame = study(
        args.formula,
        horizons=horizons,
        source=args.source,
        symbols=args.symbols,
        start=args.start,
        end=args.end,
        where=parse_where(args.where) or None,
        overlap=args.overlap,
        workers=args.workers,
        backend=args.backend,
    )
    for by in args.by or ("all", "year", "sector"):
        part = frame[frame["by"] == by]
        print(f"\n== by {by} ==" if by != "all" else "== all symbols ==")
        header = list(STUDY_COLUMNS[1:])
        print_columns(header, [[_cell(v) for v in row[1:]] for row in part.itertuples(index=False)])
    if args.plot:
        from candlescan.screener.chart import plot_study

        plot_study(frame, args.plot, title=args.formula)
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0
