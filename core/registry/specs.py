"""The small frozen specs that plugins return from their ``register`` hooks.

Specs hold only text and numbers: code is named by ``"module:qualname"`` references
(see :mod:`candlescan.registry.refs`), so a whole catalogue pickles and travels to workers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from candlescan.entities import PRICE_COLUMNS
from candlescan.errors import PluginError
from candlescan.registry.refs import reference_of, resolve

if TYPE_CHECKING:
    from candlescan.kernels._params import ParamSpec

__all__ = ["IndicatorSpec", "ParamSpec", "PresetSpec", "SourceSpec"]


def __getattr__(name: str) -> Any:
    # ParamSpec lives with the kernels; importing them here would load Numba with
    # every import of candlescan, so it is re-exported on first use.
    if name == "ParamSpec":
        from candlescan.kernels._params import ParamSpec

        return ParamSpec
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Input names that a formula fills from the candles when the caller omits them.
PRICE_INPUTS = frozenset(PRICE_COLUMNS)


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """An indicator a plugin offers to formulas, e.g. ``rsi``.

    :ivar name: lowercase formula name (``"rsi"``); unique across all plugins.
    :ivar kernel_ref: ``"module:qualname"`` of a function called as
        ``kernel(*inputs, **params)`` that returns one float64 array, or a tuple of them
        in ``outputs`` order.
    :ivar inputs: names of the array arguments, in TA-Lib order. Inputs named ``open``,
        ``high``, ``low``, ``close`` or ``volume`` default to that candle column when a
        formula omits them (``atr(14)``); others (``real``) must be given (``rsi(close)``).
    :ivar params: numeric parameters, in positional order.
    :ivar outputs: output names (``("real",)`` for one output; ``("macd", "macdsignal",
        "macdhist")``). A formula selects one with ``.name``.
    :ivar lookback_ref: ``"module:qualname"`` of ``lookback(**params) -> int``: how many
        leading bars of the output are NaN (TA-Lib's lookback).
    :ivar warmup_ref: ``"module:qualname"`` of ``warmup(tolerance, **params) -> int``: how
        many bars before an output bar its value needs so that it equals the value over the
        whole history within ``tolerance`` (relative). Recursive indicators (EMA, RSI, ATR,
        ...) need more than their lookback (TA-Lib's "unstable period"); ``""`` declares a
        window indicator, exact once its lookback is filled.
    :ivar summary: one line for ``candlescan indicators``.
    :ivar plugin: name of the plugin that registered it (filled in by the registry).
    """

    name: str
    kernel_ref: str
    inputs: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    outputs: tuple[str, ...]
    lookback_ref: str
    summary: str = ""
    plugin: str = ""
    warmup_ref: str = ""

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise PluginError(f"indicator name {self.name!r} must be a lowercase identifier")
        if not self.inputs:
            raise PluginError(f"indicator {self.name!r} declares no inputs")
        if not self.outputs:
            raise PluginError(f"indicator {self.name!r} declares no outputs")
        names = [*self.inputs, *(p.name for p in self.params)]
        if len(set(names)) != len(names):
            raise PluginError(f"indicator {self.name!r} repeats an input or parameter name")

    @classmethod
    def from_kernel(
        cls, kernel: Callable[..., Any], *, name: str = "", plugin: str = ""
    ) -> IndicatorSpec:
        """Build the spec of a function decorated with :func:`candlescan.kernels.indicator`.

        ``warmup_ref`` names the kernel's declared ``warmup`` (``""`` for a window kernel).
        """
        info = getattr(kernel, "info", None)
        if info is None:
            raise PluginError(
                f"{kernel!r} is not decorated with candlescan.kernels.indicator; "
                "build an IndicatorSpec by hand instead"
            )
        return cls(
            name=name or info.name,
            kernel_ref=reference_of(kernel, "indicator kernel"),
            inputs=info.inputs,
            params=info.params,
            outputs=info.outputs,
            lookback_ref=reference_of(info.lookback, "lookback function"),
            summary=info.summary,
            plugin=plugin,
            warmup_ref=reference_of(info.warmup, "warmup function") if info.warmup else "",
        )

    def param(self, name: str) -> ParamSpec:
        """The parameter called ``name``."""
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def bind_params(self, values: Mapping[str, object]) -> dict[str, int | float]:
        """Defaults overlaid with ``values``, each checked against its bounds."""
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise TypeError(f"{self.name}() has no parameter {unknown[0]!r} (parameters: {known})")
        return {p.name: p.check(values.get(p.name, p.default), self.name) for p in self.params}

    def lookback(self, **params: object) -> int:
        """TA-Lib lookback for these parameters (defaults for the ones omitted)."""
        bound = self.bind_params(params)
        result: int = resolve(self.lookback_ref)(**bound)
        return result

    def warmup(self, tolerance: float = 1e-9, **params: object) -> int:
        """Bars an output needs before it equals the full-history value within ``tolerance``.

        Never less than :meth:`lookback`; equal to it for a window indicator.
        """
        lookback = self.lookback(**params)
        if not self.warmup_ref:
            return lookback
        bound = self.bind_params(params)
        return max(lookback, int(resolve(self.warmup_ref)(tolerance, **bound)))

    def kernel(self) -> Callable[..., Any]:
        """Import and return the kernel function."""
        function: Callable[..., Any] = resolve(self.kernel_ref)
        return function


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A data source scheme, e.g. ``csv`` in ``--source csv:/data/daily``.

    :ivar scheme: the text before the colon; unique across all plugins.
    :ivar factory_ref: ``"module:qualname"`` of ``factory(argument: str | None) ->
        ICandleRepository``; ``argument`` is the text after the colon (or ``None``).
    :ivar summary: one line for ``candlescan sources``.
    :ivar example: an example ``--source`` value.
    :ivar plugin: name of the plugin that registered it (filled in by the registry).
    """

    scheme: str
    factory_ref: str
    summary: str = ""
    example: str = ""
    plugin: str = ""

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        if not self.scheme.isidentifier() or self.scheme != self.scheme.lower():
            raise PluginError(f"source scheme {self.scheme!r} must be a lowercase identifier")


@dataclass(frozen=True, slots=True)
class PresetSpec:
    """A named, ready-made scan (``candlescan scan --preset golden-cross``).

    :ivar name: kebab-case name, unique across all plugins.
    :ivar formula: the formula text.
    :ivar summary: one line for ``candlescan presets``.
    :ivar parameters: default values for the formula's ``$name`` placeholders.
    :ivar plugin: name of the plugin that registered it (filled in by the registry).
    """

    name: str
    formula: str
    summary: str = ""
    parameters: tuple[tuple[str, int | float | bool | str], ...] = field(default=())
    plugin: str = ""

    __module__ = "candlescan"
