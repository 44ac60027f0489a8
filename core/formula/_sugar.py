"""Friendly spellings accepted on input: keyword aliases and output selectors.

Indicators keep TA-Lib's parameter and output names (``timeperiod``, ``macdsignal``,
``upperband``); traders write ``period=14``, ``.signal``, ``.upper``. Everything here
maps the friendly spelling onto the real name at compile time; canonical texts always
use the real names.
"""

from __future__ import annotations

from candlescan.registry.specs import IndicatorSpec

__all__ = ["BAND_OUTPUTS", "expand_keyword", "has_width", "match_output"]

#: Keyword aliases accepted by any indicator that has ``timeperiod``.
_PERIOD_ALIASES = frozenset({"period", "length", "window", "n"})

#: Per-indicator keyword aliases that set several parameters at once.
_MULTI_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("bbands", "mult"): ("nbdevup", "nbdevdn"),
    ("bbands", "stddev"): ("nbdevup", "nbdevdn"),
}

#: The outputs ``.width`` is computed from: the normalised band width
#: ``(upper - lower) / middle`` of any band indicator (bbands, keltner, donchian ...).
BAND_OUTPUTS = ("upperband", "lowerband", "middleband")


def has_width(spec: IndicatorSpec) -> bool:
    """True when ``spec`` has upper, lower and middle bands and no output called width."""
    return "width" not in spec.outputs and all(o in spec.outputs for o in BAND_OUTPUTS)


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
