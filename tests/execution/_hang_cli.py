"""Child process for ``test_signals``: the ``candlescan`` command on a source whose every
symbol hangs in a nogil Numba loop (so only killing the workers stops them).

Run as ``python -m tests.execution._hang_cli ARGS...`` from the repository root.
"""

from __future__ import annotations

import sys

from candlescan import PluginRegistry
from candlescan.cli import main as cli

from .faults import FaultRepository

_open_source = PluginRegistry.open_source


def _hanging_source(self: PluginRegistry, source: str) -> FaultRepository:
    base = _open_source(self, source)
    return FaultRepository(base, dict.fromkeys(base.symbols(), "hang_numba"))


if __name__ == "__main__":
    PluginRegistry.open_source = _hanging_source  # type: ignore[method-assign]
    sys.exit(cli(sys.argv[1:]))
