"""The ``candlescan`` command (``candlescan.cli:main``)."""

from candlescan.cli.main import main

__all__ = ["main"]
