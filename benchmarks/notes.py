"""Written findings behind the numbers, rendered into ``REPORT.md`` by :mod:`benchmarks.report`.

``FINDINGS`` are general observations, each backed by a measurement described in it;
``REASONS`` explains a kernel that misses the target when the automatic diagnosis
(parity, page faults, timing noise) does not. Edit, then re-render without re-running
the timings: ``python -m benchmarks.report``.
"""

from __future__ import annotations

__all__ = ["FINDINGS", "REASONS"]

#: General findings (Markdown bullets), measured on the 2-vCPU development machine.
FINDINGS: list[str] = [
    "**The machine is shared and noisy.** The load average above says how busy it was; "
    "in an earlier run at load 4 the per-repeat ratios of one kernel at 10^6 bars spread "
    "over 2-4x. The fastest-call ratio is the better estimate of a kernel's own speed; a "
    "kernel whose per-repeat ratios or fastest-call ratio reach 1.0 is listed as within "
    "noise, and every kernel above 1.0x is re-timed back-to-back after the run (the "
    "back-to-back column) to tell a slow loop from interleaving or load effects.",
    "**Fixed cost per call.** At 10^3 bars our Python wrapper's argument binding, bounds "
    "checks and input coercion dominate: `sma` on 10 bars took 4.7 µs against 2.3 µs for "
    "`talib.SMA`, and on 1,000 bars the public `sma` took 5.3 µs where its compiled loop "
    "alone took 2.0 µs (timeit, best of 5). This is why the 10^3-bar ratios sit above "
    "1.0 while the 10^5 and 10^6 ones do not; a caller that has already validated its "
    "parameters (the formula evaluator) can skip that layer.",
    "**Fresh memory on every call.** Some kernels took ~1,900 minor page faults per "
    "10^6-bar call (one new 8 MB buffer) when other large arrays were allocated and "
    "freed in between, as in any real workload; TA-Lib's NumPy-allocated outputs took "
    "none. Checked on `var`: the same compiled loop writing into an output allocated "
    "with NumPy took 0 faults instead of 1,921 (12.7 ms vs 14.5 ms interleaved with "
    "pandas). Kernel owners have been moving outputs to NumPy allocations; the "
    "page-fault column shows where it still happens.",
    "**Cold start is mostly Numba's floor.** On a quiet machine a trivial cached `@njit` "
    "function took 0.46-0.50 s (import numpy+numba 0.18 s, first dispatch 0.31 s: LLVM "
    "and typing set-up). Our kernels took 0.60-0.66 s while `import candlescan` also "
    "loaded the engine and formula modules (~0.08 s); since those load on first use, "
    "the kernels take 0.48-0.53 s, a few hundredths over the floor (the kernel modules "
    "and loading a kernel's cached call chain). Under load (an earlier run at load 4) "
    "everything took 2-3x longer, the floor included. Workers pay it once per process "
    "(long-lived, warmed).",
    "**Compile from scratch.** In the one-process compile run most kernels added 0.1-1.5 "
    "s; `ma` (the 14-type moving-average dispatcher, which compiles every type) added "
    "8.4 s even after dema, ema, hma and kama had compiled, and stoch 4.1 s (36-40 s "
    "for all 72). The on-disk cache makes it a once-per-install cost. The public "
    "averages (`sma`, `ema`, ...) call their own loop, not the dispatcher: through it, "
    "a cold `sma` took 11.7 s to compile instead of 0.8 s.",
]

#: Kernel name -> why it is slower than TA-Lib (and what would fix it).
REASONS: dict[str, str] = {
    "rsi": (
        "slower only interleaved with the pandas/TA-Lib calls: back-to-back it runs at "
        "about 0.5x TA-Lib. Its output is allocated by NumPy in the wrapper (as TA-Lib's), "
        "yet the interleaved run counts ~390 minor page faults a call where TA-Lib's count "
        "0: an allocator effect of the large arrays freed in between, not of the loop; "
        "not resolved"
    ),
    "var": (
        "a heavier loop by design (kernels/volatility.py `_var_run`): the sums are kept "
        "relative to a shift that moves to each window's first bar (no cancellation "
        "against the price level) and the last change is tracked so a flat window is "
        "exactly 0; per bar that is a few more multiply-adds, a comparison and a load of "
        "the bar leaving the window on top of TA-Lib's two running sums, plus a full "
        "re-sum every 1,024 bars. stddev runs the same loop and is within noise"
    ),
}
