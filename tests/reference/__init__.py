"""Naive NumPy twins of the kernels, one module per kernel family.

``tests/reference/<family>.py`` holds, for every public kernel of
``candlescan.kernels.<family>``, a plain-loop function with the same name and signature
(bottleneck's ``slow/``, stumpy's ``naive.py``). :func:`reference_for` finds a kernel's
twin from the registry, so the generic harness never keeps a hand-copied list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from candlescan.kernels import all_kernels

__all__ = ["family_of", "missing_twins", "reference_for"]


def family_of(name: str) -> str:
    """The family module a registered kernel lives in (``"sma"`` -> ``"overlap"``).

    :raises KeyError: ``name`` is not a registered kernel.
    """
    kernel = all_kernels()[name]
    # functools.wraps copies the wrapped function's ``__module__``: the family module.
    return str(kernel.__module__).rsplit(".", 1)[-1]


def reference_for(name: str) -> Callable[..., Any] | None:
    """The naive twin of kernel ``name``, or ``None`` when its family has none yet.

    :raises KeyError: ``name`` is not a registered kernel.
    """
    family = family_of(name)
    try:
        module = importlib.import_module(f"{__name__}.{family}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{family}":
            raise  # the twin module exists but one of its imports is broken: say so
        return None
    twin = getattr(module, name, None)
    return twin if callable(twin) else None


def missing_twins() -> list[str]:
    """``"family.name"`` of every registered kernel without a twin, sorted."""
    return sorted(
        f"{family_of(name)}.{name}" for name in all_kernels() if reference_for(name) is None
    )
