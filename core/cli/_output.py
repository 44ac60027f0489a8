"""How the command line prints results: table, CSV and JSON writers."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import sys
from typing import Any, TextIO

import numpy as np

from candlescan.entities import ProcessingJob, ProcessingResult

__all__ = ["print_columns", "report_failures", "write_csv", "write_json", "write_table"]


def _day(stamp: np.datetime64 | None) -> str:
    if stamp is None:
        return ""
    text = str(np.datetime_as_string(stamp, unit="s"))
    return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    return f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.6g}"


def _row(result: ProcessingResult, terms: list[str]) -> list[str]:
    last_match = result.matches[-1] if result.matches else None
    return [
        result.symbol,
        str(len(result.matches)),
        _day(last_match),
        "yes" if result.signal else "",
        *(_number(result.computed_indicators.get(t, math.nan)) for t in terms),
        result.error or "",
    ]


_HEADER = ["symbol", "matches", "last_match", "on_last_bar"]


def write_table(results: list[ProcessingResult], terms: list[str], out: TextIO) -> None:
    header = [*_HEADER, *terms, "error"]
    rows = [_row(r, terms) for r in results]
    if not any(row[-1] for row in rows):  # no error column when nothing failed
        header, rows = header[:-1], [row[:-1] for row in rows]
    if not rows:
        print("no symbol matched", file=out)
        return
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    terminal = shutil.get_terminal_size((120, 24)).columns
    lines = [header, *rows]
    for line in lines:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells)[: max(terminal, 80)].rstrip(), file=out)


def write_csv(results: list[ProcessingResult], terms: list[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*_HEADER, *terms, "error"])
    writer.writerows(_row(r, terms) for r in results)


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
            "symbols": len(job.symbols),
        },
        "indicator_terms": terms,
        "elapsed_s": round(elapsed, 4),
        "results": [
            {
                "symbol": r.symbol,
                "matches": [_day(m) for m in r.matches],
                "on_last_bar": r.signal,
                "last_bar": _day(r.last_bar) or None,
                "bars": r.bars,
                "computed_indicators": {
                    k: _json_float(v) for k, v in r.computed_indicators.items()
                },
                "processing_time_ms": round(r.processing_time_ms, 3),
                "error": r.error,
            }
            for r in results
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")


def report_failures(failed: list[ProcessingResult], limit: int = 5) -> None:
    for result in failed[:limit]:
        print(f"  {result.symbol}: {result.error}", file=sys.stderr)
    if len(failed) > limit:
        print(f"  ... and {len(failed) - limit} more (use --format json for all)", file=sys.stderr)


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
