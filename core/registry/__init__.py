"""The plugin machinery: hook specifications, the specs plugins return, and the registry.

==================  ==========================================================
module              what it holds
==================  ==========================================================
``hookspecs``       every hook a plugin may implement (the plugin author's docs)
``markers``         ``hookspec`` / ``hookimpl`` bound to the project name
``specs``           the frozen, picklable specs hooks return
``refs``            ``"module:qualname"`` references that workers import
``catalogue``       ``Catalogue``: the resolved, picklable result of the plugins
``plugin_registry`` ``PluginRegistry``: owns a pluggy manager, builds catalogues
==================  ==========================================================

Only ``plugin_registry`` and ``markers`` import pluggy, and only on first use of
``PluginRegistry`` or a marker: workers unpickle a ``Catalogue`` and must not load pluggy.
"""

from typing import TYPE_CHECKING, Any

from candlescan.registry.catalogue import Catalogue

if TYPE_CHECKING:
    from candlescan.registry.plugin_registry import PluginRegistry

__all__ = ["Catalogue", "PluginRegistry"]


def __getattr__(name: str) -> Any:
    if name == "PluginRegistry":
        from candlescan.registry import plugin_registry

        return getattr(plugin_registry, name)
    raise AttributeError(f"module 'candlescan.registry' has no attribute {name!r}")
