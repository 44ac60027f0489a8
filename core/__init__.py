"""candlescan: a plugin-based stock-screening engine.

This package lives in the repository's ``core/`` folder; ``candlescan.kernels`` in
``kernels/`` and ``candlescan.plugins`` in ``plugins/``.

``ProcessingEngine`` and ``FormulaService`` are imported on first use: worker processes
import this package too (for the entities and errors), and the engine's multiprocessing
and asyncio machinery would add ~0.07 s to every cold worker start.
"""

from typing import TYPE_CHECKING, Any

from candlescan._markers import hookimpl, hookspec
from candlescan.entities import (
    Candles,
    DateRange,
    Formula,
    JobType,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
)
from candlescan.errors import (
    CandlescanError,
    DataSourceError,
    FormulaError,
    FormulaLimitError,
    FormulaSyntaxError,
    FormulaTypeError,
    InsufficientHistoryError,
    InvalidCandlesError,
    InvalidJobError,
    InvalidParameterError,
    MissingParameterError,
    PluginError,
    SymbolNotFoundError,
    UnknownNameError,
    WorkerCrashedError,
    WorkerTimeoutError,
)
from candlescan.registry import Catalogue, PluginRegistry
from candlescan.repository import ICandleRepository
from candlescan.specs import IndicatorSpec, ParamSpec, PresetSpec, SourceSpec

if TYPE_CHECKING:
    from candlescan.engine import ProcessingEngine
    from candlescan.formula import FormulaService

__version__ = "0.1.0"

_LAZY = {"ProcessingEngine": "candlescan.engine", "FormulaService": "candlescan.formula"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'candlescan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Candles",
    "CandlescanError",
    "Catalogue",
    "DataSourceError",
    "DateRange",
    "Formula",
    "FormulaError",
    "FormulaLimitError",
    "FormulaService",
    "FormulaSyntaxError",
    "FormulaTypeError",
    "ICandleRepository",
    "IndicatorSpec",
    "InsufficientHistoryError",
    "InvalidCandlesError",
    "InvalidJobError",
    "InvalidParameterError",
    "JobType",
    "MissingParameterError",
    "ParamSpec",
    "PluginError",
    "PluginRegistry",
    "PresetSpec",
    "ProcessingEngine",
    "ProcessingJob",
    "ProcessingResult",
    "SourceSpec",
    "SymbolNotFoundError",
    "Timeframe",
    "UnknownNameError",
    "WorkerCrashedError",
    "WorkerTimeoutError",
    "__version__",
    "hookimpl",
    "hookspec",
]
