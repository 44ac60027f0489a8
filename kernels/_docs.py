"""The numpydoc ``Parameters`` section of a kernel, written from what :func:`indicator` declares.

A kernel's docstring holds its summary, ``Returns`` and ``Notes`` by hand; the inputs and
each :class:`~candlescan.kernels.Param` (kind, default, bounds, ``doc``) already say what
the ``Parameters`` section would, so it is generated and inserted before ``Returns``.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence

from candlescan.kernels._params import ParamSpec

__all__ = ["with_parameters"]

#: What each common input set is, when the kernel does not say (``about_inputs``).
_INPUTS: dict[tuple[str, ...], str] = {
    ("real",): "Input series.",
    ("volume",): "Volume series.",
    ("high", "low"): "Bar highs and lows, same length.",
    ("real0", "real1"): "The two series, same length.",
    ("real", "volume"): "Prices and their volume, same length.",
}

#: Bounds at least this large read as unbounded (TA-Lib's ``TA_REAL_MAX`` is 3e37).
_UNBOUNDED = 1e30


def with_parameters(
    doc: str | None,
    inputs: Sequence[str],
    params: Sequence[tuple[ParamSpec, str]],
    about_inputs: str,
) -> str:
    """``doc`` (cleaned) with the generated ``Parameters`` section before ``Returns``.

    ``params`` pairs each parameter with its description (``Param.doc``).
    """
    text = inspect.cleandoc(doc or "")
    section = "\n".join(["Parameters", "----------", *_input_lines(inputs, about_inputs)])
    for spec, about in params:
        section += "\n" + "\n".join(_param_lines(spec, about))
    marker = "\nReturns\n-------"
    at = text.find(marker)
    if at < 0:
        return f"{text}\n\n{section}" if text else section
    return f"{text[:at].rstrip()}\n\n{section}\n{text[at:]}"


def _input_lines(inputs: Sequence[str], about: str) -> list[str]:
    names = tuple(inputs)
    if not about:
        about = _INPUTS.get(names) or (
            "Bar prices and volume, same length."
            if "volume" in names
            else "Bar prices, same length."
        )
    return [f"{', '.join(names)} : array_like", *_wrapped(about)]


def _param_lines(spec: ParamSpec, about: str) -> list[str]:
    """``name : int in [2, 100000], default 14`` and the description, wrapped."""
    head = f"{spec.name} : {spec.kind}{_bounds(spec)}, default {spec.default!r}"
    return [head, *_wrapped(about)]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text.strip(), 84, initial_indent="    ", subsequent_indent="    ")


def _bounds(spec: ParamSpec) -> str:
    low, high = spec.low, spec.high
    if low <= -_UNBOUNDED and high >= _UNBOUNDED:
        return ""
    if high >= _UNBOUNDED:
        return f" >= {_number(spec, low)}"
    return f" in [{_number(spec, low)}, {_number(spec, high)}]"


def _number(spec: ParamSpec, value: float) -> str:
    return f"{int(value)}" if spec.kind == "int" else f"{value:g}"
