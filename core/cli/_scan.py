"""``candlescan scan``: its arguments, the job they describe, and the run.

Without dates a scan answers "what signals on the last bar of the data"; ``--as-of DATE``
asks the same of an earlier bar; ``--from``/``--to`` list the matches over a range.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from candlescan.cli._exit import EXIT_JOB_FAILED, EXIT_OK, EXIT_SYMBOLS_FAILED
from candlescan.cli._output import (
    report_failures,
    report_short_histories,
    report_warnings,
    shared_failure,
    write_results,
)
from candlescan.cli._screen import add_screen_options, run_screen, wants_screen
from candlescan.data.repository import ICandleRepository
from candlescan.entities import DateRange, Formula, ParameterValue, ProcessingJob, Warmup
from candlescan.errors import InvalidJobError
from candlescan.registry import PluginRegistry

if TYPE_CHECKING:
    from candlescan.execution.backends import Backend

__all__ = ["UsageError", "add_scan_parser"]

DEFAULT_SOURCE = "sample"


class UsageError(Exception):
    """Bad usage of the command line; the message names the flags (exit code 2)."""


def add_scan_parser(commands: Any) -> None:
    """Add ``scan`` and its options to the subcommand parsers."""
    scan = commands.add_parser(
        "scan",
        help="screen symbols with a formula",
        description="Screen symbols with a formula, e.g. "
        "'rsi(close, 14) < 30 and close > sma(close, 200)'. Without dates: the symbols "
        "that match on the last bar of the data.",
    )
    scan.add_argument("formula", nargs="?", help="the formula (or use --preset)")
    scan.add_argument("--preset", help="run a named preset scan (see `candlescan presets`)")
    _add_data_options(scan)
    _add_dates(scan)
    _add_execution_options(scan)
    _add_output_options(scan)
    add_screen_options(scan)  # --columns --sort --top --where --out (candlescan.cli._screen)
    scan.set_defaults(run=run_scan)


def _add_data_options(scan: argparse.ArgumentParser) -> None:
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
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a $NAME placeholder of the formula (repeatable)",
    )
    scan.add_argument(
        "--warmup",
        default=Warmup.CONVERGED.value,
        choices=[w.value for w in Warmup],
        help="history loaded before the range: 'converged' (default: indicator values equal "
        "the full-history ones within 1e-9), 'full' (all history), 'lookback' (TA-Lib's "
        "minimum: fastest, approximate for EMA/RSI/ATR-like indicators)",
    )


def _add_dates(scan: argparse.ArgumentParser) -> None:
    scan.add_argument(
        "--as-of",
        dest="as_of",
        type=_iso_date,
        metavar="DATE",
        help="screen the bar of DATE (default, without --from/--to: the last bar of the data)",
    )
    scan.add_argument(
        "--from", dest="start", type=_iso_date, metavar="DATE", help="first date of a range"
    )
    scan.add_argument(
        "--to",
        dest="end",
        type=_iso_date,
        metavar="DATE",
        help="last date of a range (default with --from: the last date of the data)",
    )


def _add_execution_options(scan: argparse.ArgumentParser) -> None:
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


def _add_output_options(scan: argparse.ArgumentParser) -> None:
    scan.add_argument(
        "--format",
        default="table",
        choices=("table", "csv", "json", "parquet"),
        help="output format (parquet needs --out)",
    )
    scan.add_argument(
        "--all", action="store_true", help="list every symbol, not only those that matched"
    )
    scan.add_argument("--strict", action="store_true", help="exit with code 3 if any symbol failed")
    scan.add_argument("--quiet", action="store_true", help="no progress display")


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


def parse_param(text: str) -> tuple[str, ParameterValue]:
    """``NAME=VALUE`` with VALUE read as a bool, an int, a float or else text."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--param expects NAME=VALUE, got {text!r}")
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


# --- the job -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scan:
    """What the arguments ask for, resolved against the registry and the source."""

    job: ProcessingJob
    repository: ICandleRepository
    as_of: bool


def _check_usage(args: argparse.Namespace) -> None:
    if (args.formula is None) == (args.preset is None):
        raise UsageError("give a FORMULA or --preset NAME (not both)")
    if args.as_of is not None and (args.start is not None or args.end is not None):
        raise UsageError("--as-of screens one bar; it cannot be combined with --from/--to")
    if args.start is not None and args.end is not None and args.start > args.end:
        raise UsageError(f"--from {args.start} is after --to {args.end}")


def _date_range(args: argparse.Namespace, repository: ICandleRepository) -> DateRange:
    """``--as-of``, ``--from/--to``, or the last date of the data (one bar)."""
    if args.as_of is not None:
        return DateRange(args.as_of, args.as_of)
    end = args.end
    if end is None:
        coverage = repository.coverage()
        end = coverage.end if coverage is not None else date.today()
        if args.start is not None and args.start > end:
            raise UsageError(f"--from {args.start} is after the last date of the data, {end}")
    if args.start is None and args.end is not None:
        return DateRange(end - timedelta(days=365), end)
    return DateRange(args.start if args.start is not None else end, end)


def _symbols(text: str, repository: ICandleRepository) -> tuple[str, ...]:
    if text.strip().lower() == "all":
        return repository.symbols()
    wanted = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    if not wanted:
        raise UsageError("--symbols lists no symbol")
    known = set(repository.symbols())
    by_case = {s.casefold(): s for s in known}
    for symbol in wanted:
        other = by_case.get(symbol.casefold())
        if symbol not in known and other is not None:
            raise UsageError(f"--symbols: unknown symbol {symbol!r}; did you mean {other!r}?")
    return wanted


def _formula(args: argparse.Namespace, service: Any) -> tuple[str, dict[str, ParameterValue]]:
    """The formula text and its parameters (a preset's defaults, then ``--param``)."""
    parameters: dict[str, ParameterValue] = {}
    formula = args.formula
    if args.preset is not None:
        preset = service.preset(args.preset)
        formula = preset.formula
        parameters.update(dict(preset.parameters))
    parameters.update(dict(parse_param(p) for p in args.param))
    return formula, parameters


def _resolve(
    args: argparse.Namespace,
    registry: PluginRegistry,
    formula: str,
    parameters: dict[str, ParameterValue],
) -> _Scan:
    repository = registry.open_source(args.source)
    date_range = _date_range(args, repository)
    try:
        job = ProcessingJob(
            id=f"cli-{uuid.uuid4().hex[:8]}",
            symbols=_symbols(args.symbols, repository),
            timeframe=args.timeframe,
            date_range=date_range,
            formula=Formula(formula),
            parameters=parameters,
            warmup=args.warmup,
        )
    except InvalidJobError as exc:
        raise UsageError(str(exc)) from None
    as_of = args.start is None and args.end is None
    return _Scan(job, repository, as_of)


# --- the run -------------------------------------------------------------------------------


def _backend(args: argparse.Namespace) -> str | Backend:
    """``--backend``, with ``--scheduler`` for dask (a usage error for any other backend)."""
    from candlescan.execution.backends import DaskBackend

    if args.scheduler is None:
        return str(args.backend)
    if args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    return DaskBackend(args.workers or 1, address=args.scheduler)


def run_scan(args: argparse.Namespace) -> int:
    """Run ``candlescan scan``; return the exit code."""
    from candlescan.execution.backends import prelaunch
    from candlescan.execution.engine import ProcessingEngine
    from candlescan.formula import FormulaService

    _check_usage(args)
    if args.backend == "process":
        prelaunch()  # the warm forkserver starts while we build the registry and the job
    registry = PluginRegistry.default()
    service = FormulaService(registry)
    formula, parameters = _formula(args, service)
    if wants_screen(args):  # --columns --sort --top --where @watchlist parquet
        if args.scheduler is not None:  # the screener's engine takes a backend name only
            raise UsageError("--scheduler is not supported with screener options yet")
        if args.as_of is not None:
            args.start = args.end = args.as_of
        return run_screen(args, formula, parameters)
    scan = _resolve(args, registry, formula, parameters)
    job = scan.job
    engine = ProcessingEngine(
        scan.repository, service, args.workers, timeout=args.timeout, backend=_backend(args)
    )
    # The engine's own plan: a bad formula or a range without data fails here, before
    # any worker starts, and its indicator terms head the output's columns.
    terms = list(getattr(engine.plan(job), "indicator_terms", ()))
    progress = _Progress(len(job.symbols), enabled=not args.quiet and sys.stderr.isatty())
    started = time.perf_counter()
    with engine:
        results = asyncio.run(engine.process_batch(job, progress))
    elapsed = time.perf_counter() - started
    progress.done()
    results.sort(key=lambda r: r.symbol)
    failed = [r for r in results if r.error is not None]
    if results and len(failed) == len(results):
        reason = shared_failure(failed)
        if reason and scan.as_of and reason.startswith("NoBarsInRangeError"):
            reason += f" (is {job.date_range.end} a trading day of this data?)"
        what = f": {reason}" if reason else " (first ones below)"
        print(f"candlescan: error: every symbol failed{what}", file=sys.stderr)
        if not reason:
            report_failures(failed)
        return EXIT_JOB_FAILED
    write_results(job, results, terms, elapsed, args, as_of=scan.as_of)
    _summary(job, results, elapsed, as_of=scan.as_of)
    report_short_histories(results)
    report_warnings(results)
    report_failures(failed)
    return EXIT_SYMBOLS_FAILED if args.strict and failed else EXIT_OK


def _summary(job: ProcessingJob, results: list[Any], elapsed: float, *, as_of: bool) -> None:
    failed = sum(1 for r in results if r.error is not None)
    matched = sum(1 for r in results if r.matches)
    span = job.date_range
    when = f"on {span.end}" if as_of else f"between {span.start} and {span.end}"
    verb = "match" if as_of else "matched"
    print(
        f"{matched} of {len(results)} symbols {verb} {when} ({failed} failed) in {elapsed:.2f} s",
        file=sys.stderr,
    )


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
