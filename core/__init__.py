"""candlescan: a plugin-based stock-screening engine.

This package lives in the repository's ``core/`` folder; ``candlescan.kernels`` in
``kernels/`` and ``candlescan.plugins`` in ``plugins/``.
"""

from candlescan._markers import hookimpl, hookspec
from candlescan.engine import ProcessingEngine
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
from candlescan.formula import FormulaService
from candlescan.registry import Catalogue, PluginRegistry
from candlescan.repository import ICandleRepository
from candlescan.specs import IndicatorSpec, ParamSpec, PresetSpec, SourceSpec

__version__ = "0.1.0"

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
