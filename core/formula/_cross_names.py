"""Names of the cross-sectional operators, shared by the per-symbol compiler and the splitter.

A cross-sectional operator (``rank(x)``, ``top(x, 20)``, ``median(x, by=sector)``...)
compares the job's symbols with each other on each bar, so it can only be evaluated
after every symbol's per-symbol values are known (see :mod:`._cross`). The per-symbol
compiler therefore rejects one wherever the splitter could not lift it out: inside
``tf()`` or as the input of an indicator.
"""

from __future__ import annotations

from typing import NoReturn

from candlescan.errors import FormulaTypeError
from candlescan.formula._nodes import Call
from candlescan.registry import Catalogue

__all__ = ["CROSS_SECTIONAL", "is_cross_call", "reject_cross_call"]

#: name -> usage. ``by=FIELD`` groups by a symbol-metadata field (e.g. ``sector``).
CROSS_SECTIONAL = {
    "rank": "rank(x) or rank(x, by=sector)",
    "percentile": "percentile(x) or percentile(x, by=sector)",
    "zscore": "zscore(x) or zscore(x, by=sector)",
    "demean": "demean(x) or demean(x, by=sector)",
    "median": "median(x) or median(x, by=sector)",
    "top": "top(x, n) or top(x, n, by=sector)",
    "bottom": "bottom(x, n) or bottom(x, n, by=sector)",
}


def is_cross_call(node: object, catalogue: Catalogue) -> bool:
    """Whether ``node`` calls a cross-sectional operator.

    A plugin indicator of the same name wins (a formula that worked before keeps its
    meaning), so ``zscore(close, 20)`` stays the demo plugin's indicator when it is installed.
    """
    return (
        isinstance(node, Call)
        and node.name in CROSS_SECTIONAL
        and node.name not in catalogue.indicator_names
    )


def reject_cross_call(node: Call, text: str, in_tf: bool) -> NoReturn:
    """The compile-time error for a cross-sectional operator the splitter could not lift."""
    if in_tf:
        message = f"{node.name}() cannot be used inside tf()"
        hint = "cross-sectional operators compare symbols on the job's own bars; move it out"
    else:
        message = f"{node.name}() cannot be the input of an indicator"
        hint = "cross-sectional values exist only after every symbol is computed"
    raise FormulaTypeError(message, text, node.pos, hint)
