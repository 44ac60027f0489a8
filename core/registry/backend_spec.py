"""``BackendSpec``: an execution backend a plugin offers (``candlescan_register_backends``)."""

from __future__ import annotations

from dataclasses import dataclass

from candlescan.errors import PluginError

__all__ = ["BackendSpec"]


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """An execution backend, e.g. ``ray`` in ``ProcessingEngine(backend="ray")``.

    :ivar name: lowercase identifier; the built-in names (``process``, ``thread``,
        ``serial``, ``dask``) cannot be taken.
    :ivar factory_ref: ``"module:qualname"`` of ``factory(max_workers: int) -> Backend``
        (a :class:`candlescan.backends.Backend` subclass, checked with
        :class:`candlescan.testing.BackendContract`).
    :ivar summary: one line for listings.
    :ivar plugin: name of the plugin that registered it (filled in by the registry).
    """

    name: str
    factory_ref: str
    summary: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise PluginError(f"backend name {self.name!r} must be a lowercase identifier")
