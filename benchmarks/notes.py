"""Reasons, written after reading the code and the numbers, for kernels that miss the target.

``REPORT.md`` lists every kernel slower than TA-Lib at 10^6 bars; the reason printed next
to it comes from here when a kernel is listed, otherwise from the automatic diagnosis
(timing noise, parity failure). Edit this file and re-render the report without
re-running the timings: ``python -m benchmarks.report``.
"""

from __future__ import annotations

__all__ = ["REASONS"]

#: Kernel name -> why it is slower than TA-Lib (and what would fix it).
REASONS: dict[str, str] = {}
