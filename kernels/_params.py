"""``ParamSpec``: one numeric parameter of a kernel, with TA-Lib's name, default and bounds.

It lives with the kernels so that ``candlescan.kernels`` imports nothing of the plugin
machinery; :mod:`candlescan.registry.specs` and the package facade re-export it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from candlescan.errors import InvalidParameterError, PluginError

__all__ = ["ParamSpec"]


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One numeric parameter of an indicator, with TA-Lib's name and default.

    :ivar name: parameter name, e.g. ``"timeperiod"``.
    :ivar default: default value; its type (``int`` or ``float``) is the parameter's kind.
    :ivar low: smallest allowed value (inclusive).
    :ivar high: largest allowed value (inclusive).
    """

    name: str
    default: int | float
    low: float
    high: float

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise PluginError(f"parameter name {self.name!r} is not an identifier")
        if not self.low <= self.default <= self.high:
            raise PluginError(
                f"parameter {self.name!r}: default {self.default!r} is outside "
                f"[{self.low}, {self.high}]"
            )

    @property
    def kind(self) -> Literal["int", "float"]:
        """``"int"`` for window-like parameters, ``"float"`` for multipliers."""
        return "int" if isinstance(self.default, int) else "float"

    def check(self, value: object, function: str = "") -> int | float:
        """``value`` coerced to this parameter's kind.

        :raises InvalidParameterError: the value is not a number or is out of range.
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidParameterError(self.name, value, self.low, self.high, function)
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise InvalidParameterError(self.name, value, self.low, self.high, function)
            value = int(value)
        else:
            value = float(value)
        if not (math.isfinite(value) and self.low <= value <= self.high):
            raise InvalidParameterError(self.name, value, self.low, self.high, function)
        return value
