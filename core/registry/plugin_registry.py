"""The plugin registry and the immutable catalogue it produces.

:class:`PluginRegistry` owns one pluggy ``PluginManager``: there is no module-global
manager and nothing is loaded at import. Built-in plugins are ordinary plugins
registered by module name; third-party plugins come from the entry-point group
``candlescan``. The registry calls every hook once and resolves the results into a
:class:`Catalogue`, a frozen, picklable value that workers use without pluggy.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pluggy

from candlescan.data.repository import ICandleRepository
from candlescan.errors import PluginError
from candlescan.registry import hookspecs
from candlescan.registry.backend_spec import BackendSpec
from candlescan.registry.catalogue import Catalogue
from candlescan.registry.markers import PROJECT_NAME
from candlescan.registry.refs import resolve
from candlescan.registry.specs import IndicatorSpec, PresetSpec, SourceSpec

__all__ = [
    "DEFAULT_PLUGINS",
    "DISABLE_ENV",
    "PluginFailure",
    "PluginInfo",
    "PluginRegistry",
    "PluginWarning",
]

#: Environment variable naming plugins (entry-point or module names) not to load.
DISABLE_ENV = "CANDLESCAN_DISABLE_PLUGINS"

#: Built-in plugins, registered by module name like any third-party plugin.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "candlescan.plugins.indicators",
    "candlescan.plugins.sources",
    "candlescan.plugins.presets",
)

_Spec = TypeVar("_Spec", IndicatorSpec, SourceSpec, PresetSpec, BackendSpec)


class PluginWarning(UserWarning):
    """An installed plugin failed to load and was skipped (the message names it)."""

    __module__ = "candlescan"


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A registered plugin: its name and, for an installed one, where it comes from.

    :ivar name: the registered name (the entry-point name for an installed plugin).
    :ivar entry_point: ``"module"`` or ``"module:attr"`` the entry point names, or ``""``.
    :ivar distribution: the installed distribution (``"candlescan-demo 0.1"``), or ``""``.
    """

    name: str
    entry_point: str = ""
    distribution: str = ""


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """An installed plugin that was skipped, and why.

    :ivar name: the entry-point name.
    :ivar entry_point: what the entry point names (``"module:attr"``).
    :ivar distribution: the installed distribution and its version.
    :ivar error: ``"TypeName: message"``.
    """

    name: str
    entry_point: str
    distribution: str
    error: str

    def __str__(self) -> str:
        return (
            f"plugin {self.name!r} (entry point {self.entry_point!r} of {self.distribution}) "
            f"failed and was skipped: {self.error}; disable it with {DISABLE_ENV}={self.name}"
        )


class PluginRegistry:
    """Loads plugins and resolves them into a :class:`Catalogue`.

    :param builtins: register :data:`DEFAULT_PLUGINS`.
    :param entrypoints: load third-party plugins from the ``candlescan`` entry-point group.
    :param blocked: plugin names (entry-point names or module names) never to load.
    :param disabled: more names never to load; the names listed (comma-separated) in the
        ``CANDLESCAN_DISABLE_PLUGINS`` environment variable are added to them.

    An installed plugin that fails to import, to register or in its hooks is skipped with
    a :class:`~candlescan.errors.PluginWarning` naming its entry point and distribution;
    :attr:`failures` lists them. ``PluginRegistry.default()`` is what most hosts want.
    Tests and hosts that ship their own plugins call :meth:`register`.
    """

    __module__ = "candlescan"

    def __init__(
        self,
        *,
        builtins: bool = True,
        entrypoints: bool = True,
        blocked: Iterable[str] = (),
        disabled: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._catalogue: Catalogue | None = None
        self._installed: dict[str, PluginInfo] = {}
        self._failures: list[PluginFailure] = []
        from_env = os.environ.get(DISABLE_ENV, "").split(",")
        for name in [*blocked, *disabled, *from_env]:
            if name.strip():
                self._pm.set_blocked(name.strip())
        if builtins:
            for module_name in DEFAULT_PLUGINS:
                if not self._pm.is_blocked(module_name):
                    self.register(importlib.import_module(module_name), name=module_name)
        if entrypoints:
            self._load_entrypoints()

    def _load_entrypoints(self) -> None:
        """Register every installed plugin; one that fails is named and skipped."""
        for dist in importlib.metadata.distributions():
            for ep in dist.entry_points:
                if ep.group != PROJECT_NAME or self._pm.is_blocked(ep.name):
                    continue
                if self._pm.has_plugin(ep.name):
                    continue
                where = f"{dist.metadata['Name']} {dist.version}"
                try:
                    self._pm.register(ep.load(), name=ep.name)
                    self._pm.check_pending()
                except Exception as exc:
                    if self._pm.has_plugin(ep.name):
                        self._pm.unregister(name=ep.name)
                    self._fail(PluginFailure(ep.name, ep.value, where, _describe(exc)))
                    continue
                self._installed[ep.name] = PluginInfo(ep.name, ep.value, where)

    def _fail(self, failure: PluginFailure) -> None:
        self._failures.append(failure)
        warnings.warn(str(failure), PluginWarning, stacklevel=3)

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """Installed plugins that were skipped because they failed."""
        return tuple(self._failures)

    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every registered plugin, with its entry point and distribution when installed."""
        return tuple(self._installed.get(name, PluginInfo(name)) for name in self.plugin_names())

    @classmethod
    def default(cls) -> PluginRegistry:
        """Built-in plugins plus every installed third-party plugin."""
        return cls()

    # --- registration ---------------------------------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register ``plugin`` (a module or object with hook implementations); return its name.

        :raises PluginError: when the plugin implements an unknown hook or with wrong
            arguments. Duplicate indicator/source/preset names are reported when the
            catalogue is next built.
        """
        try:
            registered = self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(f"cannot register plugin {name or plugin!r}: {exc}") from None
        if registered is None:
            raise PluginError(f"plugin {name or plugin!r} is blocked")
        self._check_pending()
        self._catalogue = None
        return registered

    def unregister(self, name: str) -> None:
        """Remove the plugin registered under ``name``."""
        if self._pm.unregister(name=name) is None:
            raise PluginError(f"no plugin named {name!r} is registered")
        self._catalogue = None

    def plugin_names(self) -> tuple[str, ...]:
        """Names of the registered plugins, in registration order."""
        return tuple(name for name, plugin in self._pm.list_name_plugin() if plugin is not None)

    def _check_pending(self) -> None:
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(str(exc)) from None

    # --- the catalogue --------------------------------------------------------------------

    @property
    def catalogue(self) -> Catalogue:
        """The resolved catalogue (built on first use, rebuilt after (un)registration).

        An installed plugin whose hooks fail is unregistered, named in :attr:`failures`
        and left out; the same failure in a plugin registered by hand raises PluginError.
        """
        while self._catalogue is None:
            try:
                self._catalogue = Catalogue(
                    indicators=self._collect(
                        "candlescan_register_indicators", IndicatorSpec, "name"
                    ),
                    sources=self._collect("candlescan_register_sources", SourceSpec, "scheme"),
                    presets=self._collect("candlescan_register_presets", PresetSpec, "name"),
                )
            except _InstalledPluginError as failed:
                info = self._installed.pop(failed.plugin)
                self._pm.unregister(name=failed.plugin)
                failure = PluginFailure(
                    info.name, info.entry_point, info.distribution, failed.error
                )
                self._fail(failure)
        return self._catalogue

    def _collect(self, hook_name: str, spec_type: type[_Spec], key: str) -> tuple[_Spec, ...]:
        hook = getattr(self._pm.hook, hook_name)
        owner: dict[str, str] = {}
        specs: list[_Spec] = []
        # Call each implementation separately so a failure names its plugin.
        for impl in hook.get_hookimpls():  # registration order
            plugin_name = impl.plugin_name
            try:
                returned = impl.function()
                found = _as_sequence(returned, plugin_name, hook_name)
                for spec in found:
                    _check_spec(spec, spec_type, plugin_name, hook_name)
            except Exception as exc:
                if plugin_name in self._installed:
                    raise _InstalledPluginError(
                        plugin_name, f"{_describe(exc)} (in {hook_name}())"
                    ) from exc
                if isinstance(exc, PluginError):
                    raise
                raise PluginError(f"plugin {plugin_name!r} failed in {hook_name}(): {exc}") from exc
            for spec in found:
                spec_key = getattr(spec, key)
                if spec_key in owner:
                    raise PluginError(
                        f"{spec_type.__name__} {spec_key!r} is registered twice: by plugin "
                        f"{owner[spec_key]!r} and by plugin {plugin_name!r}"
                    )
                owner[spec_key] = plugin_name
                specs.append(replace(spec, plugin=plugin_name))
        return tuple(specs)

    @property
    def backends(self) -> tuple[BackendSpec, ...]:
        """Execution backends registered by plugins (``candlescan_register_backends``)."""
        return self._collect("candlescan_register_backends", BackendSpec, "name")

    # --- conveniences ---------------------------------------------------------------------

    def open_source(self, source: str) -> ICandleRepository:
        """Open a data source from ``"scheme"`` or ``"scheme:argument"`` (``"csv:/data"``).

        :raises PluginError: no plugin provides the scheme.
        """
        scheme, _, argument = source.partition(":")
        try:
            spec = self.catalogue.source(scheme.strip().lower())
        except KeyError:
            known = ", ".join(sorted(s.scheme for s in self.catalogue.sources)) or "none"
            raise PluginError(f"unknown data source {scheme!r}; known sources: {known}") from None
        repository = resolve(spec.factory_ref)(argument or None)
        if not isinstance(repository, ICandleRepository):
            raise PluginError(
                f"source {scheme!r} factory returned {type(repository).__name__}, "
                "not an ICandleRepository"
            )
        return repository


def _as_sequence(returned: object, plugin_name: str, hook_name: str) -> Sequence[Any]:
    if returned is None:
        return ()
    if not isinstance(returned, list | tuple):
        raise PluginError(
            f"plugin {plugin_name!r} returned {type(returned).__name__} from {hook_name}(); "
            "expected a list"
        )
    return returned


class _InstalledPluginError(Exception):
    def __init__(self, plugin: str, error: str) -> None:
        super().__init__(plugin, error)
        self.plugin = plugin
        self.error = error


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_spec(spec: object, spec_type: type, plugin_name: str, hook_name: str) -> None:
    if not isinstance(spec, spec_type) or not isinstance(
        spec, IndicatorSpec | SourceSpec | PresetSpec | BackendSpec
    ):
        raise PluginError(
            f"plugin {plugin_name!r} returned {type(spec).__name__} from "
            f"{hook_name}(); expected {spec_type.__name__}"
        )
    _check_references(spec)


def _check_references(spec: IndicatorSpec | SourceSpec | PresetSpec | BackendSpec) -> None:
    refs: tuple[str, ...] = ()
    if isinstance(spec, IndicatorSpec):
        refs = (spec.kernel_ref, spec.lookback_ref)
        refs += (spec.warmup_ref,) if spec.warmup_ref else ()
    elif isinstance(spec, BackendSpec | SourceSpec):
        refs = (spec.factory_ref,)
    for ref in refs:
        if ref.startswith("__main__:"):
            raise PluginError(
                f"{ref!r} lives in __main__, which worker processes cannot import; "
                "move it into an importable module"
            )
        target = resolve(ref)
        if not callable(target):
            raise PluginError(f"{ref!r} is not callable")
