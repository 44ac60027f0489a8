"""``"module:qualname"`` references: how plugin objects cross process boundaries.

Workers never receive plugin objects or a pluggy manager; they receive the text of a
reference and import it. :func:`reference_of` refuses objects that could not be
re-imported in a fresh process (lambdas, closures, objects defined in ``__main__``),
so a bad plugin fails at registration, not at the 2,000th symbol.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from candlescan.errors import PluginError

__all__ = ["reference_of", "resolve"]


def reference_of(obj: Any, what: str = "object") -> str:
    """Return the ``"module:qualname"`` reference of a module-level object.

    :raises PluginError: when ``obj`` is a lambda, a closure, defined in ``__main__`` or
        does not resolve back to itself by import.
    """
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname:
        raise PluginError(f"{what} {obj!r} has no module/qualname; define it at module level")
    if module == "__main__":
        raise PluginError(
            f"{what} {qualname!r} is defined in __main__, which worker processes cannot "
            "import; move it into an importable module"
        )
    if "<lambda>" in qualname or "<locals>" in qualname:
        raise PluginError(
            f"{what} {module}.{qualname} is a lambda or closure, which worker processes "
            "cannot import; define it at module level"
        )
    ref = f"{module}:{qualname}"
    try:
        found = resolve(ref)
    except PluginError as exc:
        raise PluginError(f"{what} {ref} does not re-import: {exc}") from None
    if found is not obj:
        raise PluginError(f"{what} {ref} resolves to a different object than the one given")
    return ref


@functools.cache
def resolve(ref: str) -> Any:
    """Import and return the object named by ``"module:qualname"`` (cached per process)."""
    module_name, sep, qualname = ref.partition(":")
    if not sep or not module_name or not qualname:
        raise PluginError(f"bad reference {ref!r}; expected 'package.module:name'")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise PluginError(f"cannot import module {module_name!r} for {ref!r}: {exc}") from None
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise PluginError(f"{ref!r}: module {module_name!r} has no {qualname!r}") from None
    return obj
