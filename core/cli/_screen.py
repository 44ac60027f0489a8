"""The screener options of ``candlescan scan``: columns, sort, top-N, watchlists, filters.

``--columns``, ``--sort``, ``--top``, ``--where``, ``--symbols @FILE`` and
``--format parquet`` route a scan through :func:`candlescan.scan` (and its
:class:`~candlescan.ScanResults`); a plain scan keeps the engine's direct path.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from candlescan.cli._output import report_failures, write_csv, write_table
from candlescan.entities import Matches, ParameterValue, ProcessingResult
from candlescan.errors import InvalidJobError

if TYPE_CHECKING:  # the screener loads only when a scan uses it (CLI start-up stays lean)
    from candlescan.screener.results import ScanResults

__all__ = ["add_screen_options", "join_sort_value", "run_screen", "split_columns", "wants_screen"]

#: Version of the ``--format json`` document of a screener scan (docs/screener.md).
JSON_SCHEMA_VERSION = 1


def add_screen_options(scan: argparse.ArgumentParser) -> None:
    """Add the screener options to the ``scan`` sub-command."""
    scan.add_argument(
        "--columns", help='extra columns, comma-separated: "rsi(close, 14), roc(close, 63)"'
    )
    scan.add_argument("--sort", help="order by a column; -COLUMN for descending")
    scan.add_argument("--top", type=int, help="keep the first N matching symbols")
    scan.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FIELD=VALUE[,VALUE]",
        help="keep symbols whose metadata matches, e.g. sector=Energy (repeatable)",
    )
    scan.add_argument("--out", help="output file (required for --format parquet)")


def join_sort_value(argv: Sequence[str]) -> list[str]:
    """``--sort -x`` -> ``--sort=-x``: argparse would read ``-x`` as an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--sort" and arg.startswith("-"):
            out[-1] = f"--sort={arg}"
        else:
            out.append(arg)
    return out


def wants_screen(args: argparse.Namespace) -> bool:
    """Whether ``args`` use a screener option (otherwise the plain scan path runs)."""
    return bool(
        args.columns
        or args.sort
        or args.top is not None
        or args.where
        or args.symbols.startswith("@")
        or args.format == "parquet"
    )


def split_columns(text: str | None) -> list[str]:
    """Split on the commas that are outside parentheses: ``"rsi(close, 14), atr(14)"``."""
    if not text:
        return []
    columns: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            columns.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    columns.append("".join(current).strip())
    return [c for c in columns if c]


def run_screen(
    args: argparse.Namespace, formula: str, parameters: dict[str, ParameterValue]
) -> int:
    """Run a screener scan from parsed ``args``; return the exit code."""
    from candlescan.formula import FormulaService
    from candlescan.registry import PluginRegistry
    from candlescan.screener.api import compile_columns, default_range, run_plan
    from candlescan.screener.results import ScanResults, build_rows
    from candlescan.screener.universe import parse_where, resolve_symbols

    if args.top is not None and args.top < 1:
        raise InvalidJobError(f"--top must be a positive integer, got {args.top}")
    if args.format == "parquet" and not args.out:
        raise InvalidJobError("--format parquet needs --out FILE")
    registry = PluginRegistry.default()
    repo = registry.open_source(args.source)
    plan, key = compile_columns(
        FormulaService(registry),
        formula,
        parameters,
        args.timeframe,
        split_columns(args.columns),
        args.sort,
        args.warmup,
    )
    symbols = resolve_symbols(repo, args.symbols, parse_where(args.where))
    if not symbols:
        raise InvalidJobError("no symbol is left after --symbols and --where")
    date_range = default_range(repo, args.start, args.end)
    started = time.perf_counter()
    results, panel = run_plan(
        plan,
        repo,
        symbols,
        date_range,
        timeframe=args.timeframe,
        workers=args.workers,
        backend=args.backend,
        timeout=args.timeout,
    )
    elapsed = time.perf_counter() - started
    shown_columns = tuple(dict.fromkeys(plan.columns))
    rows = build_rows(results, shown_columns, repo.symbol_metadata(list(symbols)), key)
    everything = ScanResults(formula, date_range, shown_columns, rows, panel, key)
    shown = everything if args.all else everything.matched()
    if args.top is not None:
        shown = shown.head(args.top)
    _write(args, shown, list(plan.indicator_terms))
    failed = [r for r in results if r.error is not None]
    matched = sum(1 for r in results if r.matches)
    print(
        f"{matched} of {len(results)} symbols matched between {date_range.start} and "
        f"{date_range.end} ({len(failed)} failed) in {elapsed:.2f} s",
        file=sys.stderr,
    )
    report_failures(failed)
    return 3 if args.strict and failed else 0


def json_document(results: ScanResults, top: int | None) -> dict[str, Any]:
    """The ``--format json`` document of a screener scan (schema in docs/screener.md)."""
    sort = results.sort
    return {
        "schema": JSON_SCHEMA_VERSION,
        "formula": results.formula,
        "from": results.date_range.start.isoformat(),
        "to": results.date_range.end.isoformat(),
        "columns": list(results.columns),
        "sort": None if sort is None else {"column": sort.column, "descending": sort.descending},
        "top": top,
        "results": results.to_dicts(),
    }


def _write(args: argparse.Namespace, shown: ScanResults, terms: list[str]) -> None:
    if args.format == "json":
        json.dump(json_document(shown, args.top), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if args.format == "parquet":
        parquet = importlib.import_module("pyarrow.parquet")  # optional: the arrow extra
        parquet.write_table(shown.to_arrow(), args.out)
        print(f"wrote {len(shown)} rows to {args.out}", file=sys.stderr)
        return
    columns = list(shown.columns) + [t for t in terms if t not in shown.columns]
    legacy = [
        ProcessingResult(
            r.symbol,
            Matches(r.matches),
            r.values,
            r.processing_time_ms,
            r.error,
            r.last_bar,
            r.bars,
        )
        for r in shown
    ]
    (write_csv if args.format == "csv" else write_table)(legacy, columns, sys.stdout)
