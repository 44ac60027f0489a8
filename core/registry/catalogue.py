"""``Catalogue``: what the plugins registered, as plain picklable specs (no pluggy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from candlescan.registry.specs import IndicatorSpec, PresetSpec, SourceSpec

__all__ = ["Catalogue"]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything the plugins registered, resolved into plain, picklable specs.

    Look-ups are by name: :meth:`indicator`, :meth:`source`, :meth:`preset`.
    """

    indicators: tuple[IndicatorSpec, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    presets: tuple[PresetSpec, ...] = ()
    _by_name: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        index: dict[str, Any] = {}
        index.update({f"indicator:{s.name}": s for s in self.indicators})
        index.update({f"source:{s.scheme}": s for s in self.sources})
        index.update({f"preset:{s.name}": s for s in self.presets})
        object.__setattr__(self, "_by_name", index)

    def indicator(self, name: str) -> IndicatorSpec:
        """The indicator called ``name``; ``KeyError`` if none."""
        spec: IndicatorSpec = self._by_name[f"indicator:{name}"]
        return spec

    def source(self, scheme: str) -> SourceSpec:
        """The source for ``scheme``; ``KeyError`` if none."""
        spec: SourceSpec = self._by_name[f"source:{scheme}"]
        return spec

    def preset(self, name: str) -> PresetSpec:
        """The preset called ``name``; ``KeyError`` if none."""
        spec: PresetSpec = self._by_name[f"preset:{name}"]
        return spec

    @property
    def indicator_names(self) -> tuple[str, ...]:
        """Sorted names of all indicators."""
        return tuple(sorted(s.name for s in self.indicators))
