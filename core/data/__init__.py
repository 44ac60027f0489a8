"""The data contract: the repository interface sources implement, and resampling.

``repository`` defines :class:`ICandleRepository`; ``resample`` turns bars of one
timeframe into a coarser one. Built-in sources live in :mod:`candlescan.plugins.sources`.
"""

from candlescan.data.repository import ICandleRepository
from candlescan.data.resample import resample

__all__ = ["ICandleRepository", "resample"]
