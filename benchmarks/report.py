"""Render a benchmark run as ``REPORT.md`` plus a PNG chart next to it.

``python -m benchmarks.report [RESULTS_JSON] [OUT_DIR]`` re-renders from the raw results
(default ``benchmarks/.results/kernels.json`` into ``benchmarks/``), e.g. after editing
:mod:`benchmarks.notes`.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.notes import FINDINGS, REASONS
from benchmarks.startup import COLD_START_TARGET_S, ColdStart, Startup

if TYPE_CHECKING:
    from benchmarks.bench_kernels import KernelResult, Run, SizeResult

__all__ = ["CHART", "REPORT", "load_run", "write_report"]

REPORT = "REPORT.md"
CHART = "kernels.png"
TARGET = 1.0
_TICKS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def _bars(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n == 10**exponent else f"{n:,}"


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.3f}" if seconds < 0.01 else f"{seconds * 1e3:.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _faults(count: float | None) -> str:
    return "-" if count is None else f"{count:.0f}"


def _largest(kernel: KernelResult) -> SizeResult:
    return max(kernel.sizes, key=lambda s: s.bars)


def _reason(kernel: KernelResult) -> str:
    size = _largest(kernel)
    if kernel.name in REASONS:
        return REASONS[kernel.name]
    if size.parity:
        return "does not match TA-Lib (see parity column); timing not meaningful yet"
    faults = _fault_note(size)
    if faults:
        return faults
    tight = size.tight_ratio
    if tight is not None and tight <= _TIGHT_OK:
        verdict = "as fast as TA-Lib or faster" if tight <= TARGET else "within 10% of TA-Lib"
        return (
            f"slower only when interleaved with other calls: back-to-back (best of 7, after "
            f"the run) {tight:.2f}x, the loop itself {verdict}; the gap is load or cache "
            "effects"
        )
    if size.ratio_q1 <= TARGET or size.ratio_best <= TARGET:
        return (
            f"within timing noise: per-repeat ratios {size.ratio_q1:.2f}-{size.ratio_q3:.2f} "
            f"(interquartile), fastest-call ratio {size.ratio_best:.2f}"
        )
    spread = f"{size.ratio_q1:.2f}-{size.ratio_q3:.2f}"
    again = "" if tight is None else f", {tight:.2f}x back-to-back"
    return f"consistently slower (per-repeat ratios {spread}{again}); not analysed"


#: A back-to-back re-check at or under this ratio clears the loop itself (10 % noise).
_TIGHT_OK = 1.1

#: Page faults per call above which fresh memory explains a slowdown (8 MB = 1953 pages).
_FAULTS = 100


def _fault_note(size: SizeResult) -> str:
    ours, theirs = size.ours_faults, size.talib_faults
    if ours is None or theirs is None or ours < _FAULTS or ours < 4 * max(theirs, 1.0):
        return ""
    return (
        f"about {ours:.0f} minor page faults per call (TA-Lib {theirs:.0f}): a fresh "
        f"{ours * 4 / 1024:.0f} MB of output or scratch memory is touched on every call "
        "(allocated inside Numba); allocating outputs with NumPy in the wrapper, as "
        "TA-Lib's are, avoids it"
    )


def _headline(run: Run) -> list[str]:
    kernels = run.kernels
    largest = max(run.sizes)
    at_largest = [_largest(k) for k in kernels]
    ratios = [s.ratio for s in at_largest]
    ok = [k for k in kernels if _largest(k).ratio <= TARGET]
    clean = [k for k in kernels if not any(s.parity for s in k.sizes)]
    lines = [
        f"- **{len(kernels)} kernel{'s' if len(kernels) != 1 else ''}** with a TA-Lib "
        f"namesake; **{len(clean)}** equal TA-Lib "
        f"(1e-9 relative, NaN positions included) at every size.",
    ]
    if run.without_talib:
        lines.append(f"- Not benchmarked (no TA-Lib namesake): {', '.join(run.without_talib)}.")
    if ratios:
        worst = max(kernels, key=lambda k: _largest(k).ratio)
        lines.append(
            f"- Median time ratio ours/TA-Lib at {_bars(largest)} bars: "
            f"**{statistics.median(ratios):.2f}x**; {len(ok)} of {len(kernels)} kernels at "
            f"or under 1.0x; slowest {worst.name} {_largest(worst).ratio:.2f}x."
        )
        best = [s.ratio_best for s in at_largest]
        lines.append(
            f"- Median fastest-call ratio at {_bars(largest)} bars (best repeat of each, "
            f"least disturbed by other load): {statistics.median(best):.2f}x; "
            f"{sum(b <= TARGET for b in best)} of {len(best)} at or under 1.0x."
        )
    for bars in sorted(run.sizes):
        if bars == largest:
            continue
        at = [s.ratio for k in kernels for s in k.sizes if s.bars == bars]
        if at:
            lines.append(f"- Median ratio at {_bars(bars)} bars: {statistics.median(at):.2f}x.")
    startup = run.startup
    if startup is not None and startup.cold:
        cold = [c.total_s for c in startup.cold]
        slowest = max(startup.cold, key=lambda c: c.total_s)
        met = sum(c <= COLD_START_TARGET_S for c in cold)
        lines.append(
            f"- Cold start (fresh process: `import candlescan.kernels` + first call of a "
            f"cached kernel): median **{statistics.median(cold):.2f} s**, max "
            f"{slowest.total_s:.2f} s ({slowest.kernel}); target ≤ {COLD_START_TARGET_S} s "
            f"met for {met} of {len(cold)} kernels."
            + (
                f" Numba's own floor (trivial cached function): {startup.floor.total_s:.2f} s."
                if startup.floor
                else ""
            )
        )
    if startup is not None and startup.compile_s:
        first = next(iter(startup.compile_s))
        lines.append(
            f"- Compile from scratch (empty cache): {startup.compile_total_s:.1f} s for all "
            f"{len(startup.compile_s)} kernels in one process; the first, {first}, "
            f"{startup.compile_s[first]:.1f} s on its own."
        )
    return lines


def _ratio_table(run: Run) -> list[str]:
    largest = max(run.sizes)
    sizes = sorted(run.sizes)
    head = " | ".join(_bars(n) for n in sizes)
    lines = [
        f"| kernel | family | {head} | fastest-call ratio ({_bars(largest)}) | "
        f"ours ms ({_bars(largest)}) | TA-Lib ms ({_bars(largest)}) | parity |",
        "|---|---|" + "---:|" * len(sizes) + "---:|---:|---:|---|",
    ]
    for kernel in sorted(run.kernels, key=lambda k: (k.family, k.name)):
        by_bars = {s.bars: s for s in kernel.sizes}
        cells = []
        for n in sizes:
            ratio = by_bars[n].ratio
            text = f"{ratio:.2f}"
            cells.append(f"**{text}**" if n == largest and ratio > TARGET else text)
        big = by_bars[largest]
        problems = [p for s in kernel.sizes for p in s.parity]
        parity = "✓" if not problems else "✗ " + "; ".join(problems)[:160]
        lines.append(
            f"| {kernel.name} | {kernel.family} | {' | '.join(cells)} | {big.ratio_best:.2f} | "
            f"{_ms(big.ours_s)} | {_ms(big.talib_s)} | {parity} |"
        )
    return lines


def _slow_table(run: Run) -> list[str]:
    slow = [k for k in run.kernels if _largest(k).ratio > TARGET]
    if not slow:
        return ["Every kernel is at or under 1.0x TA-Lib's time."]
    lines = [
        "| kernel | ratio | per-repeat ratios (IQR) | fastest-call ratio | back-to-back ratio "
        "| ours ms | TA-Lib ms | page faults/call ours, TA-Lib | reason |",
        "|---|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for kernel in sorted(slow, key=lambda k: -_largest(k).ratio):
        size = _largest(kernel)
        lines.append(
            f"| {kernel.name} | {size.ratio:.2f} | {size.ratio_q1:.2f}-{size.ratio_q3:.2f} | "
            f"{size.ratio_best:.2f} | {_ratio(size.tight_ratio)} | {_ms(size.ours_s)} | "
            f"{_ms(size.talib_s)} | {_faults(size.ours_faults)}, "
            f"{_faults(size.talib_faults)} | {_reason(kernel)} |"
        )
    return lines


def _baseline_table(run: Run) -> list[str]:
    largest = max(run.sizes)
    rows = [k for k in run.kernels if k.baseline is not None]
    if not rows:
        return ["No kernel with a pandas/NumPy equivalent was benchmarked."]
    lines = [
        f"At {_bars(largest)} bars. Δ = max |ours - theirs| / max |ours| over the second half "
        "of the series (after any seeding difference has decayed).",
        "",
        "| kernel | pandas / NumPy | ours ms | theirs ms | ours/theirs | Δ | caveat |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for kernel in sorted(rows, key=lambda k: k.name):
        size = _largest(kernel)
        if size.baseline_s is None:
            continue
        delta = "-" if size.baseline_delta is None else f"{size.baseline_delta:.1e}"
        lines.append(
            f"| {kernel.name} | {kernel.baseline} | {_ms(size.ours_s)} | "
            f"{_ms(size.baseline_s)} | {size.ours_s / size.baseline_s:.2f} | {delta} | "
            f"{kernel.baseline_caveat} |"
        )
    return lines


def _startup_table(run: Run) -> list[str]:
    startup = run.startup
    if startup is None:
        return ["Not measured in this run."]
    lines = []
    if startup.cold:
        lines += [
            "| kernel | import s (numpy+numba, candlescan package, kernels) | "
            "first cached call s | cold start s | whole process s |",
            "|---|---|---:|---:|---:|",
        ]
        rows = [*startup.cold, *([startup.floor] if startup.floor else [])]
        for c in rows:
            flag = " ✗" if c.total_s > COLD_START_TARGET_S else ""
            parts = ""
            if c.split:
                parts = " ({numpy_numba_s:.2f}, {package_s:.2f}, {kernels_s:.2f})".format(**c.split)
            lines.append(
                f"| {c.kernel} | {c.import_s:.3f}{parts} | {c.call_s:.3f} | "
                f"{c.total_s:.3f}{flag} | {c.process_s:.2f} |"
            )
        lines.append("")
    if startup.compile_s:
        lines += [
            f"Compile increments, one process, empty cache, in this order (import took "
            f"{startup.compile_import_s:.2f} s; total {startup.compile_total_s:.1f} s):",
            "",
            ", ".join(f"{name} {seconds:.2f} s" for name, seconds in startup.compile_s.items()),
            "",
        ]
    return lines


def write_chart(run: Run, path: Path) -> None:
    """Ratio ours/TA-Lib per kernel and size, log scale, with the 1.0x target line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

    kernels = sorted(run.kernels, key=lambda k: (k.family, k.name))
    sizes = sorted(run.sizes)
    height = 0.8 / max(1, len(sizes))
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.28 * len(kernels) * max(1, len(sizes)) / 2))
    for offset, bars in enumerate(sizes):
        ratios = [next(s.ratio for s in k.sizes if s.bars == bars) for k in kernels]
        positions = [i + (offset - (len(sizes) - 1) / 2) * height for i in range(len(kernels))]
        ax.barh(positions, ratios, height=height, label=f"{bars:,} bars")
    ax.axvline(TARGET, color="black", linewidth=1, linestyle="--", label="TA-Lib (1.0x)")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(_TICKS))
    ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in _TICKS]))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(
        min(_TICKS[0], *(s.ratio for k in kernels for s in k.sizes)) * 0.9,
        max(_TICKS[-1], *(s.ratio for k in kernels for s in k.sizes)) * 1.1,
    )
    ax.grid(axis="x", which="major", linewidth=0.3)
    ax.set_yticks(range(len(kernels)))
    ax.set_yticklabels([k.name for k in kernels], fontsize=7)
    ax.set_ylim(len(kernels) - 0.5, -0.5)  # first kernel on top, no empty band
    ax.set_xlabel("time ratio ours / TA-Lib (lower is faster)")
    ax.set_title(f"candlescan kernels vs TA-Lib {run.machine.get('talib', '')}", pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(run: Run, out: Path) -> Path:
    """Write ``REPORT.md`` and the chart into ``out``; return the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    if run.kernels:
        write_chart(run, out / CHART)
    machine = ", ".join(f"{k} {v}" for k, v in run.machine.items())
    repeats = ", ".join(f"{_bars(n)}: {r}" for n, r in sorted(run.repeats.items()))
    largest = _bars(max(run.sizes)) if run.sizes else "?"
    text = [
        "# Kernel benchmarks: candlescan vs TA-Lib",
        "",
        f"Generated by `python -m benchmarks.bench_kernels` on {run.created}. Machine: "
        f"{machine}. Method and how to re-run: [README.md](README.md).",
        "",
        "## Headline",
        "",
        *_headline(run),
        "",
        "## Findings",
        "",
        *(f"- {finding}" for finding in FINDINGS),
        "",
        "## Time ratio ours / TA-Lib",
        "",
        "Median seconds per call of ours divided by TA-Lib's, from interleaved repeats in "
        f"the same process (repeats per size: {repeats}), on the same synthetic bars, with "
        "default parameters. Below 1.0 we are faster. The fastest-call ratio (best of the "
        "repeats for each) is the one least disturbed by other processes on a shared "
        "machine. At 10^3 bars a call takes "
        "microseconds and our Python wrapper's argument checks dominate; the target "
        f"(≤ 1.0x) is judged at {largest} bars. Parity with TA-Lib is checked before timing.",
        "",
        *_ratio_table(run),
        "",
        f"![ratio chart]({CHART})",
        "",
        f"## Kernels missing the ≤ 1.0x target at {largest} bars",
        "",
        *_slow_table(run),
        "",
        "## pandas / NumPy equivalents",
        "",
        *_baseline_table(run),
        "",
        "## Start-up: compile and cold start (fresh processes)",
        "",
        "Cold start: a fresh process with a filled cache runs `import candlescan.kernels` "
        "(numpy and numba included) and the first call of one kernel on 1,000 bars, "
        f"loaded from the cache; target ≤ {COLD_START_TARGET_S} s. Whole process adds "
        "interpreter start-up and building the input. Compile: one fresh process with an "
        "empty `NUMBA_CACHE_DIR` calls every kernel once; each kernel's time is what its "
        "call chain still had to compile (helpers shared with earlier kernels are reused).",
        "",
        *_startup_table(run),
        "",
    ]
    path = out / REPORT
    path.write_text("\n".join(text))
    return path


def load_run(path: Path) -> Run:
    """A :class:`~benchmarks.bench_kernels.Run` back from its JSON."""
    from benchmarks.bench_kernels import KernelResult, Run, SizeResult

    raw: dict[str, Any] = json.loads(path.read_text())
    kernels = []
    for item in raw["kernels"]:
        sizes = [SizeResult(**s) for s in item.pop("sizes")]
        kernels.append(KernelResult(**item, sizes=sizes))
    startup = None
    if raw.get("startup"):
        data = raw["startup"]
        startup = Startup(
            compile_import_s=data["compile_import_s"],
            compile_s=data["compile_s"],
            cold=[ColdStart(**c) for c in data["cold"]],
            floor=ColdStart(**data["floor"]) if data.get("floor") else None,
        )
    return Run(
        created=raw["created"],
        machine=raw["machine"],
        sizes=raw["sizes"],
        repeats={int(k): v for k, v in raw["repeats"].items()},
        kernels=kernels,
        startup=startup,
        without_talib=raw.get("without_talib", []),
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    here = Path(__file__).resolve().parent
    source = Path(args[0]) if args else here / ".results" / "kernels.json"
    out = Path(args[1]) if len(args) > 1 else here
    print(f"wrote {write_report(load_run(source), out)}")


if __name__ == "__main__":
    main()
