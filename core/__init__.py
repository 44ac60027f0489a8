"""candlescan: a plugin-based stock-screening engine.

This package lives in the repository's ``core/`` folder; ``candlescan.kernels`` in
``kernels/`` and ``candlescan.plugins`` in ``plugins/``.

The repository's folders are the subsystems: ``data/`` (the repository contract),
``execution/`` (engine, supervisor, workers, backends), ``formula/`` (the language),
``registry/`` (hooks, specs, the plugin registry), ``cli/`` (the command).

``ProcessingEngine``, ``FormulaService``, the registry and the hook markers are imported
on first use: worker processes import this package too (for the entities and errors),
and they need neither the engine's asyncio and multiprocessing machinery (~0.07 s of
every cold worker start) nor pluggy.
"""

from typing import TYPE_CHECKING, Any

from candlescan.data.repository import ICandleRepository
from candlescan.entities import (
    Candles,
    DateRange,
    Formula,
    JobType,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
    Warmup,
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
    NoBarsInRangeError,
    PluginError,
    SymbolNotFoundError,
    UnknownNameError,
    WorkerCrashedError,
    WorkerTimeoutError,
)
from candlescan.registry.catalogue import Catalogue
from candlescan.registry.specs import IndicatorSpec, PresetSpec, SourceSpec

if TYPE_CHECKING:
    from candlescan.execution.engine import ProcessingEngine
    from candlescan.formula import FormulaService
    from candlescan.kernels._params import ParamSpec
    from candlescan.registry import PluginRegistry
    from candlescan.registry.markers import hookimpl, hookspec
    from candlescan.registry.plugin_registry import PluginWarning
    from candlescan.screener import ScanResults, scan
    from candlescan.screener.study import study

__version__ = "0.1.0"

# Loaded on first use. The engine and the formula service bring asyncio and
# multiprocessing; the registry and the markers bring pluggy, which workers never need;
# ParamSpec lives with the kernels, which bring Numba.
_LAZY = {
    "ProcessingEngine": "candlescan.execution.engine",
    "FormulaService": "candlescan.formula",
    "ParamSpec": "candlescan.kernels._params",
    "PluginRegistry": "candlescan.registry",
    "PluginWarning": "candlescan.registry.plugin_registry",
    "hookimpl": "candlescan.registry.markers",
    "hookspec": "candlescan.registry.markers",
    "scan": "candlescan.screener",
    "ScanResults": "candlescan.screener",
    "study": "candlescan.screener.study",
}


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
    "NoBarsInRangeError",
    "ParamSpec",
    "PluginError",
    "PluginWarning",
    "PluginRegistry",
    "PresetSpec",
    "ProcessingEngine",
    "ProcessingJob",
    "ProcessingResult",
    "ScanResults",
    "SourceSpec",
    "SymbolNotFoundError",
    "Timeframe",
    "UnknownNameError",
    "Warmup",
    "WorkerCrashedError",
    "WorkerTimeoutError",
    "__version__",
    "hookimpl",
    "hookspec",
    "scan",
    "study",
]
