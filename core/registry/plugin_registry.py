"""The plugin registry and the immutable catalogue it produces.

:class:`PluginRegistry` owns one pluggy ``PluginManager``: there is no module-global
manager and nothing is loaded at import. Built-in plugins are ordinary plugins
registered by module name; third-party plugins come from the entry-point group
``candlescan``. The registry calls every hook once and resolves the results into a
:class:`Catalogue`, a frozen, picklable value that workers use without pluggy.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
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

__all__ = ["DEFAULT_PLUGINS", "PluginRegistry"]

#: Built-in plugins, registered by module name like any third-party plugin.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "candlescan.plugins.indicators",
    "candlescan.plugins.sources",
    "candlescan.plugins.presets",
)

_Spec = TypeVar("_Spec", IndicatorSpec, SourceSpec, PresetSpec, BackendSpec)


class PluginRegistry:
    """Loads plugins and resolves them into a :class:`Catalogue`.

    :param builtins: register :data:`DEFAULT_PLUGINS`.
    :param entrypoints: load third-party plugins from the ``candlescan`` entry-point group.
    :param blocked: plugin names (entry-point names or module names) never to load.

    ``PluginRegistry.default()`` is what most hosts want. Tests and hosts that ship their
    own plugins call :meth:`register`.
    """

    __module__ = "candlescan"

    def __init__(
        self,
        *,
        builtins: bool = True,
        entrypoints: bool = True,
        blocked: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._catalogue: Catalogue | None = None
        for name in blocked:
            self._pm.set_blocked(name)
        if builtins:
            for module_name in DEFAULT_PLUGINS:
                if not self._pm.is_blocked(module_name):
                    self.register(importlib.import_module(module_name), name=module_name)
        if entrypoints:
            try:
                self._pm.load_setuptools_entrypoints(PROJECT_NAME)
            except Exception as exc:  # a broken third-party package must say who it is
                raise PluginError(f"failed to load a '{PROJECT_NAME}' entry point: {exc}") from exc
            self._check_pending()

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
        """The resolved catalogue (built on first use, rebuilt after (un)registration)."""
        if self._catalogue is None:
            self._catalogue = Catalogue(
                indicators=self._collect("candlescan_register_indicators", IndicatorSpec, "name"),
                sources=self._collect("candlescan_register_sources", SourceSpec, "scheme"),
                presets=self._collect("candlescan_register_presets", PresetSpec, "name"),
            )
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
            except Exception as exc:
                raise PluginError(f"plugin {plugin_name!r} failed in {hook_name}(): {exc}") from exc
            for spec in _as_sequence(returned, plugin_name, hook_name):
                if not isinstance(spec, spec_type):
                    raise PluginError(
                        f"plugin {plugin_name!r} returned {type(spec).__name__} from "
                        f"{hook_name}(); expected {spec_type.__name__}"
                    )
                spec_key = getattr(spec, key)
                if spec_key in owner:
                    raise PluginError(
                        f"{spec_type.__name__} {spec_key!r} is registered twice: by plugin "
                        f"{owner[spec_key]!r} and by plugin {plugin_name!r}"
                    )
                owner[spec_key] = plugin_name
                _check_references(spec)
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


def _check_references(spec: IndicatorSpec | SourceSpec | PresetSpec | BackendSpec) -> None:
    refs: tuple[str, ...] = ()
    if isinstance(spec, IndicatorSpec):
        refs = (spec.kernel_ref, spec.lookback_ref)
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
