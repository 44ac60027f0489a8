"""Kept for imports written before the helper moved to :mod:`candlescan.data.window`."""

from candlescan.data.window import check_warmup, native_warmup_bars, select_window

__all__ = ["check_warmup", "native_warmup_bars", "select_window"]
