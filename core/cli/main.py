"""The ``candlescan`` command.

``candlescan scan FORMULA`` screens every symbol of a data source (by default the bundled
S&P 500 sample) and prints the symbols where the formula held; ``indicators``,
``sources`` and ``presets`` list what the installed plugins provide.

Exit codes: 0 success (matches or not), 1 a job-level failure (bad formula, unknown
source or preset), 2 bad usage, 3 with ``--strict`` when any symbol failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from candlescan.cli import signals
from candlescan.cli._output import (
    print_columns,
    report_failures,
    write_csv,
    write_json,
    write_table,
)
from candlescan.data.repository import ICandleRepository
from candlescan.entities import DateRange, ParameterValue, ProcessingJob, ProcessingResult
from candlescan.errors import CandlescanError, InvalidJobError
from candlescan.registry import PluginRegistry

if TYPE_CHECKING:
    from candlescan.execution.backends import Backend

__all__ = ["main"]

EXIT_OK, EXIT_JOB_FAILED, EXIT_USAGE, EXIT_SYMBOLS_FAILED = 0, 1, 2, 3

DEFAULT_SOURCE = "sample"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        with signals.handled():  # SIGTERM (docker stop, systemd) unwinds like Ctrl-C
            code: int = args.run(args)
    except CandlescanError as exc:
        print(f"candlescan: error: {exc}", file=sys.stderr)
        return EXIT_JOB_FAILED
    except KeyboardInterrupt as exc:
        return signals.exit_code(exc)  # 130 for SIGINT, 143 for SIGTERM
    return code


# --- argument parsing --------------------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="candlescan",
        description="Screen stocks with indicator formulas, in parallel.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = commands.add_parser(
        "scan",
        help="screen symbols with a formula",
        description="Screen symbols with a formula, e.g. "
        "'rsi(close, 14) < 30 and close > sma(close, 200)'.",
    )
    scan.add_argument("formula", nargs="?", help="the formula (or use --preset)")
    scan.add_argument("--preset", help="run a named preset scan (see `candlescan presets`)")
    scan.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        help="data source, SCHEME[:ARGUMENT] (default: %(default)s; see `candlescan sources`)",
    )
    scan.add_argument(
        "--symbols", default="all", help="comma-separated symbols, or 'all' (default)"
    )
    scan.add_argument("--timeframe", default="1d", help="bar size (default: %(default)s)")
    scan.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        help="first date of the range (default: one year before --to)",
    )
    scan.add_argument(
        "--to",
        dest="end",
        type=_iso_date,
        help="last date of the range (default: the source's last date, else today)",
    )
    scan.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a $NAME placeholder of the formula (repeatable)",
    )
    scan.add_argument("--workers", type=_positive_int, help="worker processes (default: CPUs)")
    scan.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="per-symbol timeout in seconds (default: %(default)s)",
    )
    scan.add_argument(
        "--backend",
        default="process",
        choices=("process", "thread", "serial", "dask"),
        help="execution backend (default: %(default)s)",
    )
    scan.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --backend dask: an existing Dask scheduler (tcp://HOST:PORT; default: "
        "$CANDLESCAN_DASK_SCHEDULER, else a local cluster); only the client is closed",
    )
    scan.add_argument(
        "--format", default="table", choices=("table", "csv", "json"), help="output format"
    )
    scan.add_argument(
        "--all", action="store_true", help="list every symbol, not only those that matched"
    )
    scan.add_argument("--strict", action="store_true", help="exit with code 3 if any symbol failed")
    scan.add_argument("--quiet", action="store_true", help="no progress display")
    scan.set_defaults(run=_run_scan)

    indicators = commands.add_parser("indicators", help="list the indicators formulas can use")
    indicators.add_argument("--format", default="table", choices=("table", "json"))
    indicators.set_defaults(run=_run_indicators)

    sources = commands.add_parser("sources", help="list the data sources")
    sources.set_defaults(run=_run_sources)

    presets = commands.add_parser("presets", help="list the preset scans")
    presets.set_defaults(run=_run_presets)

    cache = commands.add_parser("cache", help="show or clear the compiled-kernel cache")
    cache.add_argument("action", choices=("info", "clear"))
    cache.set_defaults(run=_run_cache)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer: {text!r}")
    return value


def _parse_param(text: str) -> tuple[str, ParameterValue]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise InvalidJobError(f"--param expects NAME=VALUE, got {text!r}")
    value: ParameterValue
    lowered = raw.strip().lower()
    if lowered in {"true", "false"}:
        value = lowered == "true"
    else:
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
    return name.strip().lstrip("$"), value


# --- scan --------------------------------------------------------------------------------


def _run_scan(args: argparse.Namespace) -> int:
    from candlescan.execution.backends import prelaunch
    from candlescan.execution.engine import ProcessingEngine
    from candlescan.formula import FormulaService

    if (args.formula is None) == (args.preset is None):
        print("candlescan: error: give a FORMULA or --preset NAME (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.backend == "process":
        prelaunch()  # the warm forkserver starts while we build the registry and the job
    registry = PluginRegistry.default()
    service = FormulaService(registry)
    parameters: dict[str, ParameterValue] = {}
    formula = args.formula
    if args.preset is not None:
        preset = service.preset(args.preset)
        formula = preset.formula
        parameters.update(dict(preset.parameters))
    parameters.update(dict(_parse_param(p) for p in args.param))

    repository = registry.open_source(args.source)
    date_range = _date_range(args.start, args.end, repository)
    symbols = _symbols(args.symbols, repository)
    job = ProcessingJob(
        id=f"cli-{uuid.uuid4().hex[:8]}",
        symbols=symbols,
        timeframe=args.timeframe,
        date_range=date_range,
        formula=formula,
        parameters=parameters,
    )
    # Compiled here for its indicator terms; a bad formula fails before any worker starts.
    plan = service.compile(formula, parameters, timeframe=job.timeframe)
    progress = _Progress(len(symbols), enabled=not args.quiet and sys.stderr.isatty())
    started = time.perf_counter()
    engine = ProcessingEngine(
        repository, service, args.workers, timeout=args.timeout, backend=_backend(args)
    )
    with engine:
        results = asyncio.run(engine.process_batch(job, progress))
    elapsed = time.perf_counter() - started
    progress.done()

    results.sort(key=lambda r: r.symbol)
    terms = list(plan.indicator_terms)
    shown = [r for r in results if args.all or r.matches]
    writers: dict[str, Callable[[list[ProcessingResult], list[str], TextIO], None]] = {
        "table": write_table,
        "csv": write_csv,
    }
    if args.format == "json":
        write_json(job, results, terms, elapsed, sys.stdout)
    else:
        writers[args.format](shown, terms, sys.stdout)
    failed = [r for r in results if r.error is not None]
    matched = sum(1 for r in results if r.matches)
    print(
        f"{matched} of {len(results)} symbols matched between {date_range.start} and "
        f"{date_range.end} ({len(failed)} failed) in {elapsed:.2f} s",
        file=sys.stderr,
    )
    report_failures(failed)
    return EXIT_SYMBOLS_FAILED if args.strict and failed else EXIT_OK


def _backend(args: argparse.Namespace) -> str | Backend:
    """``--backend``, with ``--scheduler`` for dask (an error for any other backend)."""
    from candlescan.execution.backends import DaskBackend

    if args.scheduler is None:
        return str(args.backend)
    if args.backend != "dask":
        raise InvalidJobError("--scheduler needs --backend dask")
    return DaskBackend(args.workers or 1, address=args.scheduler)


def _date_range(start: date | None, end: date | None, repository: ICandleRepository) -> DateRange:
    if end is None:
        coverage = repository.coverage()
        end = coverage.end if coverage is not None else date.today()
    if start is None:
        start = end - timedelta(days=365)
    return DateRange(start, end)


def _symbols(text: str, repository: ICandleRepository) -> tuple[str, ...]:
    if text.strip().lower() == "all":
        return repository.symbols()
    return tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))


class _Progress:
    """``progress_callback`` that redraws one status line on a terminal."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._last = 0.0

    def __call__(self, completed: int, total: int) -> None:
        now = time.monotonic()
        if self.enabled and (completed == total or now - self._last > 0.1):
            self._last = now
            print(f"\rscanning {completed}/{total} symbols", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.enabled:
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)


# --- listings ----------------------------------------------------------------------------


def _run_indicators(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    specs = sorted(catalogue.indicators, key=lambda s: s.name)
    if args.format == "json":
        document = [
            {
                "name": s.name,
                "inputs": list(s.inputs),
                "params": {p.name: p.default for p in s.params},
                "bounds": {p.name: [p.low, p.high] for p in s.params},
                "outputs": list(s.outputs),
                "summary": s.summary,
                "plugin": s.plugin,
            }
            for s in specs
        ]
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    rows = [
        [
            s.name,
            ", ".join(s.inputs),
            ", ".join(f"{p.name}={p.default}" for p in s.params),
            ", ".join(s.outputs),
            s.summary,
        ]
        for s in specs
    ]
    print_columns(["name", "inputs", "params", "outputs", "summary"], rows)
    return EXIT_OK


def _run_sources(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    rows = [
        [s.scheme, s.example, s.summary] for s in sorted(catalogue.sources, key=lambda s: s.scheme)
    ]
    print_columns(["scheme", "example", "summary"], rows)
    return EXIT_OK


def _run_presets(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    rows = [[p.name, p.formula, p.summary] for p in sorted(catalogue.presets, key=lambda p: p.name)]
    print_columns(["name", "formula", "summary"], rows)
    return EXIT_OK


def _run_cache(args: argparse.Namespace) -> int:
    # Importing the config module is what sets NUMBA_CACHE_DIR when the user did not.
    from candlescan.kernels._config import CACHE_ENABLED, default_cache_dir

    directory = Path(os.environ.get("NUMBA_CACHE_DIR", ""))
    if directory == default_cache_dir():
        directory = directory.parent  # every fingerprint, i.e. older versions' caches too
    files = list(directory.rglob("*.nb[ic]")) if directory.is_dir() else []
    if args.action == "clear":
        for path in files:
            path.unlink(missing_ok=True)
        print(f"removed {len(files)} cached files from {directory}")
        return EXIT_OK
    size = sum(p.stat().st_size for p in files)
    state = "enabled" if CACHE_ENABLED else "disabled (CANDLESCAN_NUMBA_CACHE=0)"
    print(f"cache {state}: {directory} ({len(files)} files, {size / 1e6:.1f} MB)")
    return EXIT_OK
