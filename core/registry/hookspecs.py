"""Hook specifications: the contract between candlescan and its plugins.

A plugin is any module or object with functions named after these hooks and marked
with :data:`candlescan.hookimpl`. Third-party plugins are found through the entry-point
group ``candlescan``::

    # pyproject.toml of your plugin
    [project.entry-points.candlescan]
    my_indicators = "my_package.plugin"

Every hook is called once, in the parent process, when the registry builds its
catalogue. Hooks return frozen specs that name code by ``"module:qualname"``; worker
processes import those references and never run pluggy. Everything a spec names must
therefore live at module level in an importable module.
"""

from __future__ import annotations

from candlescan.registry.backend_spec import BackendSpec
from candlescan.registry.markers import hookspec
from candlescan.registry.specs import IndicatorSpec, PresetSpec, SourceSpec

__all__ = [
    "candlescan_register_backends",
    "candlescan_register_indicators",
    "candlescan_register_presets",
    "candlescan_register_sources",
]

# --- indicators --------------------------------------------------------------------------


@hookspec
def candlescan_register_indicators() -> list[IndicatorSpec]:
    """Return the indicators this plugin adds to the formula language.

    :return: a list of :class:`~candlescan.IndicatorSpec`. For a kernel decorated with
        :func:`candlescan.kernels.indicator`, ``IndicatorSpec.from_kernel(func)`` builds
        the spec. Names must be unique across all plugins: a clash raises
        :class:`~candlescan.PluginError` naming both plugins.

    The results of all plugins are concatenated.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


# --- data sources ------------------------------------------------------------------------


@hookspec
def candlescan_register_sources() -> list[SourceSpec]:
    """Return the data-source schemes this plugin provides.

    :return: a list of :class:`~candlescan.SourceSpec`. ``PluginRegistry.open_source
        ("scheme:argument")`` calls the spec's factory with ``"argument"`` and expects an
        :class:`~candlescan.ICandleRepository`. The repository must be picklable (it is
        sent to every worker): hold paths and settings, open connections lazily.

    The results of all plugins are concatenated; schemes must be unique.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover


# --- presets -----------------------------------------------------------------------------


@hookspec
def candlescan_register_presets() -> list[PresetSpec]:
    """Return named, ready-made scans (``candlescan scan --preset NAME``).

    :return: a list of :class:`~candlescan.PresetSpec`; names must be unique.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover


# --- execution backends ------------------------------------------------------------------


@hookspec
def candlescan_register_backends() -> list[BackendSpec]:
    """Return execution backends (where a job's chunks run) this plugin provides.

    :return: a list of :class:`candlescan.backends.BackendSpec`. The spec's factory is
        called as ``factory(max_workers)`` and must return a
        :class:`candlescan.backends.Backend`; ``ProcessingEngine(backend="name")`` and
        ``candlescan.backends.make_backend("name", ...)`` find it. Prove the backend with
        :class:`candlescan.testing.BackendContract` (one result per symbol, per-symbol
        errors, timeouts, crash reporting). Names must be unique and cannot be a
        built-in backend's.

    .. versionadded:: 0.2
    """
    raise NotImplementedError  # pragma: no cover
