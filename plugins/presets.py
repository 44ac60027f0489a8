"""The built-in presets: named example scans (``candlescan scan --preset NAME``)."""

from __future__ import annotations

from candlescan._markers import hookimpl
from candlescan.specs import PresetSpec

__all__ = ["candlescan_register_presets"]


@hookimpl
def candlescan_register_presets() -> list[PresetSpec]:
    """The example scans shipped with candlescan."""
    return []
