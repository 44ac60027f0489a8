"""The built-in data sources: memory, csv, synthetic and sample."""

from __future__ import annotations

from candlescan._markers import hookimpl
from candlescan.specs import SourceSpec

__all__ = ["candlescan_register_sources"]


@hookimpl
def candlescan_register_sources() -> list[SourceSpec]:
    """The built-in source schemes."""
    return []
