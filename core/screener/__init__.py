"""The screener's own features on top of the engine.

``scan()`` returns :class:`ScanResults` (ordered rows, pandas/Arrow/JSON), the
cross-sectional stage lives in :mod:`.panel`, the signal study in :mod:`.study` and the
charts in :mod:`.chart` (matplotlib, the ``chart`` extra). See ``docs/screener.md``.
"""

from candlescan.screener.api import scan
from candlescan.screener.results import ScanResults, ScanRow

__all__ = ["ScanResults", "ScanRow", "scan"]
