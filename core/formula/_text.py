"""Canonical text: how compiled terms are printed (``"sma(close, 200)"``).

Canonical text is the key of :attr:`Evaluation.computed_indicators`, so it must not
depend on how the user spelled the term: spacing, case, keyword arguments, aliases and
``$parameters`` all print the same way.
"""

from __future__ import annotations

import math

__all__ = [
    "ATOM",
    "COMPARE",
    "NOT",
    "POSTFIX",
    "PRODUCT",
    "SUM",
    "TEMPORAL",
    "UNARY",
    "format_number",
    "wrap",
]

# Binding strength of each grammar level, loosest first.
OR, AND, NOT, TEMPORAL, COMPARE, SUM, PRODUCT, UNARY, POSTFIX, ATOM = range(1, 11)


def format_number(value: float) -> str:
    """``200`` for 200.0, ``0.05`` for 5%, ``inf``/``nan`` spelled out."""
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def wrap(text: str, precedence: int, minimum: int) -> str:
    """``text`` in parentheses when it binds looser than ``minimum``."""
    return f"({text})" if precedence < minimum else text
