"""``python -m candlescan`` runs the command line."""

from __future__ import annotations

import sys

from candlescan.cli import main

if __name__ == "__main__":  # the guard matters: worker processes import this module
    sys.exit(main())
