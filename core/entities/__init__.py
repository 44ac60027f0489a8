"""The values a host hands to candlescan and gets back.

All entities are frozen, slotted dataclasses holding only picklable data (str, int,
float, tuple, dict, numpy arrays), so they cross process boundaries unchanged. They
validate their arguments at construction and raise :class:`~candlescan.InvalidJobError`
(a ``ValueError``) with a message naming the bad argument.

==============  ==============================================================
module          what it holds
==============  ==============================================================
``timeframes``  ``Timeframe``, ``DateRange``, ``stamp_text``
``jobs``        ``ProcessingJob``, ``Formula``, ``JobType``, ``Warmup``
``candles``     ``Candles`` and ``PRICE_COLUMNS``
``results``     ``ProcessingResult``, ``Evaluation``, ``Matches``
==============  ==============================================================
"""

from candlescan.entities.candles import PRICE_COLUMNS, Candles
from candlescan.entities.jobs import (
    FULL_HISTORY_BARS,
    Formula,
    JobType,
    ParameterValue,
    ProcessingJob,
    Warmup,
)
from candlescan.entities.results import (
    NO_MATCHES,
    Evaluation,
    Matches,
    ProcessingResult,
    same_indicators,
)
from candlescan.entities.timeframes import DateRange, Timeframe, stamp_text

__all__ = [
    "FULL_HISTORY_BARS",
    "NO_MATCHES",
    "PRICE_COLUMNS",
    "Candles",
    "DateRange",
    "Evaluation",
    "Formula",
    "JobType",
    "Matches",
    "ParameterValue",
    "ProcessingJob",
    "ProcessingResult",
    "Timeframe",
    "Warmup",
    "same_indicators",
    "stamp_text",
]
