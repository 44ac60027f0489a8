"""Friendly spellings accepted on input: keyword aliases and output selectors.

Indicators keep TA-Lib's parameter and output names (``timeperiod``, ``macdsignal``,
``upperband``); traders write ``period=14``, ``.signal``, ``.upper``. Everything here
maps the friendly spelling onto the real name at compile time; canonical texts always
use the real names.
"""

from __future__ import annotations

from candlescan.specs import IndicatorSpec

__all__ = ["DERIVED_OUTPUTS", "expand_keyword", "match_output"]

#: Keyword aliases accepted by any indicator that has ``timeperiod``.
_PERIOD_ALIASES = frozenset({"period", "length", "window", "n"})

#: Per-indicator keyword aliases that set several parameters at once.
_MULTI_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("bbands", "mult"): ("nbdevup", "nbdevdn"),
    ("bbands", "stddev"): ("nbdevup", "nbdevdn"),
}

#: Outputs computed from other outputs: (indicator, selector) -> (formula kind, outputs).
#: ``width`` is the normalised band width ``(upper - lower) / middle``.
DERIVED_OUTPUTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("bbands", "width"): ("band_width", ("upperband", "lowerband", "middleband")),
}


def expand_keyword(spec: IndicatorSpec, keyword: str) -> tuple[str, ...]:
    """The real parameter or input names a keyword argument sets (empty if unknown)."""
    names = {*spec.inputs, *(p.name for p in spec.params)}
    if keyword in names:
        return (keyword,)
    multi = _MULTI_ALIASES.get((spec.name, keyword))
    if multi and all(m in names for m in multi):
        return multi
    if keyword in _PERIOD_ALIASES and "timeperiod" in names:
        return ("timeperiod",)
    return ()


def match_output(spec: IndicatorSpec, selector: str) -> list[int]:
    """Indices of the outputs a ``.selector`` may mean (exact match wins)."""
    outputs = spec.outputs
    if selector in outputs:
        return [outputs.index(selector)]
    candidates = {
        selector if selector != "line" else spec.name,
        spec.name + selector,
        selector + "band",
        "slow" + selector,
        "fast" + selector,
    }
    return [i for i, out in enumerate(outputs) if out in candidates]
