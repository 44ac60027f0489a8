"""Safety limits, checked before any real work so hostile formulas fail fast.

Every limit raises :class:`~candlescan.FormulaLimitError`. The parser is recursive
descent, so :data:`MAX_DEPTH` is also what keeps a deeply nested formula from ever
reaching Python's recursion limit (the crash that ``ast``-based evaluators suffer).
"""

from __future__ import annotations

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_NODES", "MAX_TOKENS", "MAX_WINDOW"]

#: Longest formula text, in characters (the trend template is about 300).
MAX_LENGTH = 4096
#: Most tokens in one formula.
MAX_TOKENS = 1024
#: Deepest nesting of parentheses, brackets, calls and prefix operators.
MAX_DEPTH = 64
#: Most syntax-tree nodes in one formula.
MAX_NODES = 512
#: Largest window, bars-ago offset or ``within``/``for`` count (20 years of daily bars).
MAX_WINDOW = 5000
