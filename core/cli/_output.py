"""How the command line prints results: table, CSV and JSON writers."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import sys
from collections import Counter
from typing import Any, TextIO

import numpy as np

from candlescan.entities import ProcessingJob, ProcessingResult

__all__ = [
    "print_columns",
    "report_failures",
    "report_short_histories",
    "shared_failure",
    "write_csv",
    "write_json",
    "write_results",
    "write_table",
]


def _day(stamp: np.datetime64 | None) -> str:
    if stamp is None:
        return ""
    text = str(np.datetime_as_string(stamp, unit="s"))
    return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    return f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.6g}"


def _values(result: ProcessingResult, terms: list[str]) -> list[str]:
    return [_number(result.computed_indicators.get(t, math.nan)) for t in terms]


def _row(result: ProcessingResult, terms: list[str]) -> list[str]:
    """A range scan's row: the matches, and the values on the bar they belong to."""
    last_match = result.matches[-1] if result.matches else None
    return [
        result.symbol,
        str(len(result.matches)),
        _day(last_match),
        "yes" if result.signal else "",
        _day(result.indicators_at),
        *_values(result, terms),
        result.error or "",
    ]


def _watch_row(result: ProcessingResult, terms: list[str]) -> list[str]:
    """An as-of scan's row: the symbol, its bar, whether it matched, its values there."""
    return [
        result.symbol,
        _day(result.last_bar),
        "yes" if result.signal else "",
        *_values(result, terms),
        result.error or "",
    ]


_HEADER = ["symbol", "matches", "last_match", "on_last_bar", "values_on"]
_WATCH_HEADER = ["symbol", "bar", "match"]


def write_results(
    job: ProcessingJob,
    results: list[ProcessingResult],
    terms: list[str],
    elapsed: float,
    args: Any,
    *,
    as_of: bool,
) -> None:
    """Print ``results`` in ``args.format``: every symbol with ``args.all``, else matches."""
    if args.format == "json":
        write_json(job, results, terms, elapsed, sys.stdout)
        return
    shown = [r for r in results if args.all or r.matches]
    header, make = (_WATCH_HEADER, _watch_row) if as_of else (_HEADER, _row)
    rows = [make(r, terms) for r in shown]
    if args.format == "csv":
        write_csv_rows([*header, *terms, "error"], rows, sys.stdout)
    else:
        write_table_rows([*header, *terms, "error"], rows, sys.stdout)


def write_table(results: list[ProcessingResult], terms: list[str], out: TextIO) -> None:
    """A range scan's table (one row per result)."""
    write_table_rows([*_HEADER, *terms, "error"], [_row(r, terms) for r in results], out)


def write_table_rows(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    if not any(row[-1] for row in rows):  # no error column when nothing failed
        header, rows = header[:-1], [row[:-1] for row in rows]
    if not rows:
        print("no symbol matched", file=out)
        return
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    terminal = shutil.get_terminal_size((120, 24)).columns
    for line in [header, *rows]:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells)[: max(terminal, 80)].rstrip(), file=out)


def write_csv(results: list[ProcessingResult], terms: list[str], out: TextIO) -> None:
    """A range scan's CSV (one row per result)."""
    write_csv_rows([*_HEADER, *terms, "error"], [_row(r, terms) for r in results], out)


def write_csv_rows(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value


def write_json(
    job: ProcessingJob,
    results: list[ProcessingResult],
    terms: list[str],
    elapsed: float,
    out: TextIO,
) -> None:
    document: dict[str, Any] = {
        "job": {
            "id": job.id,
            "formula": job.formula.expression if job.formula else None,
            "parameters": job.parameters,
            "timeframe": str(job.timeframe),
            "from": job.date_range.start.isoformat(),
            "to": job.date_range.end.isoformat(),
            "warmup": str(job.warmup),
            "symbols": len(job.symbols),
        },
        "indicator_terms": terms,
        "elapsed_s": round(elapsed, 4),
        "results": [_json_result(r) for r in results],
    }
    json.dump(document, out, indent=2)
    out.write("\n")


def _json_result(r: ProcessingResult) -> dict[str, Any]:
    return {
        "symbol": r.symbol,
        "matches": [_day(m) for m in r.matches],
        "on_last_bar": r.signal,
        "last_bar": _day(r.last_bar) or None,
        "bars": r.bars,
        "evaluated_from": _day(r.evaluated_from) or None,
        "indicators_at": _day(r.indicators_at) or None,
        "computed_indicators": {k: _json_float(v) for k, v in r.computed_indicators.items()},
        "processing_time_ms": round(r.processing_time_ms, 3),
        "error": r.error,
    }


def _reason(result: ProcessingResult) -> str:
    """The error with the symbol's name taken out, so shared causes group together."""
    # Messages quote the symbol (repr); a bare replace would also hit "D" in "DataSource".
    return (result.error or "").replace(repr(result.symbol), "<symbol>")


def shared_failure(failed: list[ProcessingResult]) -> str | None:
    """The one reason every failed symbol shares, if they share one."""
    reasons = {_reason(r) for r in failed}
    return reasons.pop() if len(reasons) == 1 else None


def report_failures(failed: list[ProcessingResult], limit: int = 5) -> None:
    """One line per distinct reason (with the symbols it cost), the first ``limit``."""
    groups: dict[str, list[str]] = {}
    for result in failed:
        groups.setdefault(_reason(result), []).append(result.symbol)
    for reason, symbols in list(groups.items())[:limit]:
        if len(symbols) == 1:
            print(f"  {symbols[0]}: {result_error(reason, symbols[0])}", file=sys.stderr)
            continue
        named = ", ".join(symbols[:5]) + (", ..." if len(symbols) > 5 else "")
        print(f"  {len(symbols)} symbols ({named}): {reason}", file=sys.stderr)
    if len(groups) > limit:
        more = sum(len(v) for v in list(groups.values())[limit:])
        print(f"  ... and {more} more (use --format json for all)", file=sys.stderr)


def result_error(reason: str, symbol: str) -> str:
    return reason.replace("<symbol>", repr(symbol))


def report_warnings(results: list[ProcessingResult], limit: int = 5) -> None:
    """One line per symbol whose result carries a warning (the first ``limit``)."""
    warned = [r for r in results if r.warnings]
    for result in warned[:limit]:
        print(f"  warning: {result.symbol}: {'; '.join(result.warnings)}", file=sys.stderr)
    if len(warned) > limit:
        print(f"  ... and {len(warned) - limit} more symbols with warnings", file=sys.stderr)


def report_short_histories(results: list[ProcessingResult]) -> None:
    """Name the symbols evaluated from a later bar than most (a short history)."""
    starts = Counter(r.evaluated_from for r in results if r.evaluated_from is not None)
    if not starts:
        return
    usual = max(starts.items(), key=lambda item: (item[1], -item[0].astype(np.int64)))[0]
    late = [r for r in results if r.evaluated_from is not None and r.evaluated_from > usual]
    if not late:
        return
    named = ", ".join(f"{r.symbol} from {_day(r.evaluated_from)}" for r in late[:5])
    more = f" and {len(late) - 5} more" if len(late) > 5 else ""
    print(
        f"  {len(late)} symbols with a short history were evaluated from a later bar "
        f"than the others ({_day(usual)}): {named}{more}",
        file=sys.stderr,
    )


def print_columns(header: list[str], rows: list[list[str]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if not rows:
        print("(none)", file=out)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    buffer = io.StringIO()
    for line in [header, *rows]:
        print(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip(), file=buffer
        )
    out.write(buffer.getvalue())
