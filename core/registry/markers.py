"""The pluggy markers bound to the project name ``candlescan``."""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "candlescan"

#: Marks a hook specification in :mod:`candlescan.registry.hookspecs`.
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

#: Marks a plugin's hook implementation: ``@candlescan.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
