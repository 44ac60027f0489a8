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
    "**The machine is shared and noisy.** Other processes ran during the run (see the "
    "load average above); per-repeat ratios at 10^6 bars then spread over 2-4x for the "
    "same kernel. The fastest-call ratio is the better estimate of a kernel's own speed; "
    "a kernel whose per-repeat ratios or fastest-call ratio reach 1.0 is listed as within "
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
    "**Cold start is Numba's floor.** A trivial cached `@njit` function costs as much as "
    "our kernels: importing numba (0.4-0.7 s here) and the first dispatch of any cached "
    "function (0.4-0.8 s: LLVM and typing set-up) already exceed the 0.5 s target on "
    "this machine, before any candlescan code. Of our own import, `import candlescan` "
    "(the package, which also loads the engine and formula modules) takes ~0.15-0.2 s "
    "and the kernel modules ~0.06-0.17 s. Workers pay this once per process "
    "(long-lived, warmed in the pool initializer).",
    "**Compile from scratch.** In the one-process compile run most kernels added 0.2-2 s; "
    "`ma` (the 14-type moving-average dispatcher, which compiles every type) added ~21 s "
    "even after dema, ema, hma and kama had compiled, stoch ~6 s and midpoint ~4 s. The "
    "on-disk cache makes it a once-per-install cost, but a worker that finds no cache "
    "and calls `ma` waits that long.",
]

#: Kernel name -> why it is slower than TA-Lib (and what would fix it).
REASONS: dict[str, str] = {}
