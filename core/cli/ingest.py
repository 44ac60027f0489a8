"""``candlescan ingest SOURCE --into PATH``: load any source into a store file.

Every symbol of ``SOURCE`` (any ``--source`` value: ``csv:DIR``, ``parquet:PATH``,
``duckdb:OTHER``, a plugin's scheme ...) is copied into the DuckDB store at ``PATH`` in one
transaction; running it again upserts newer bars. Symbols with bad data are listed on
stderr with their row and skipped; the exit code is then 3 (the others are ingested).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

__all__ = ["add_ingest_command"]

EXIT_OK, EXIT_SOME_FAILED = 0, 3


def add_ingest_command(commands: Any) -> None:
    """Add the ``ingest`` subcommand to ``commands`` (an argparse subparsers action)."""
    parser = commands.add_parser(
        "ingest",
        help="load a data source into a store file (DuckDB)",
        description="Copy every bar of SOURCE into the store at PATH (one transaction; "
        "re-running upserts by symbol, timeframe and time). Scan it with "
        "--source duckdb:PATH.",
    )
    parser.add_argument("source", help="what to load, SCHEME[:ARGUMENT] (e.g. csv:./bars)")
    parser.add_argument("--into", required=True, metavar="PATH", help="the store file")
    parser.add_argument("--symbols", default="all", help="comma-separated symbols, or 'all'")
    parser.add_argument("--timeframe", help="timeframe to read and store (default: native)")
    parser.add_argument("--quiet", action="store_true", help="no summary line")
    parser.set_defaults(run=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    """Run ``candlescan ingest``; ``CandlescanError`` propagates to ``main``."""
    from candlescan.plugins.sources.ingest import ingest
    from candlescan.registry import PluginRegistry

    source = PluginRegistry.default().open_source(args.source)
    symbols = None
    if args.symbols.strip().lower() != "all":
        symbols = [s.strip() for s in args.symbols.split(",") if s.strip()]
    started = time.perf_counter()
    try:
        report = ingest(source, args.into, symbols=symbols, timeframe=args.timeframe)
    finally:
        source.close()
    for problem in report.problems:
        print(f"candlescan ingest: skipped {problem}", file=sys.stderr)
    if not args.quiet:
        print(
            f"ingested {report.symbols} symbols, {report.bars} {report.timeframe.value} bars "
            f"into {report.path} in {time.perf_counter() - started:.1f} s"
            + (f"; {len(report.problems)} skipped" if report.problems else "")
        )
    return EXIT_SOME_FAILED if report.problems else EXIT_OK
