"""Kernel metadata and the validating wrapper: :func:`indicator`.

Every public kernel is a thin Python function around a private ``@njit`` loop,
decorated with :func:`indicator`, which declares the TA-Lib-style metadata once and
derives from it:

* input coercion: each array input becomes a 1-D, C-contiguous, *writable* float64
  array (a read-only, strided or float32 input would otherwise make Numba compile a
  second specialisation in every worker), and all inputs must have the same length;
* parameter checks: each parameter is checked against its bounds and coerced to its
  kind, raising :class:`~candlescan.InvalidParameterError` naming it and the range;
* ``kernel.lookback(**params)``: TA-Lib's lookback (leading NaN count);
* ``kernel.info``: the :class:`KernelInfo` the built-in indicator plugin registers.

Example::

    def _sma_lookback(timeperiod: int) -> int:
        return timeperiod - 1

    @indicator(inputs=("real",), lookback=_sma_lookback,
               timeperiod=Param(30, 1, 100_000))
    def sma(real, timeperiod=30):
        '''Simple moving average ...'''
        return _sma(real, timeperiod)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from candlescan.kernels._params import ParamSpec

__all__ = ["F64Array", "Kernel", "KernelInfo", "Param", "as_input", "indicator"]

F64Array: TypeAlias = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Param:
    """Declares one parameter: its default and inclusive bounds (TA-Lib's)."""

    default: int | float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class KernelInfo:
    """What :func:`indicator` records about a kernel."""

    name: str
    inputs: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    outputs: tuple[str, ...]
    lookback: Callable[..., int]
    summary: str


class Kernel(Protocol):
    """A public kernel: callable, with ``lookback``, ``info`` and ``unchecked``."""

    info: KernelInfo
    #: The kernel without input coercion or parameter checks, for callers that already
    #: guarantee 1-D C-contiguous float64 inputs of equal length and checked parameters
    #: (the formula evaluator, which checks parameters once at compile time).
    unchecked: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def lookback(self, **params: Any) -> int: ...


def as_input(values: object, name: str = "real") -> F64Array:
    """Return ``values`` as a 1-D, C-contiguous, writable float64 array (copying only if needed)."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"input {name!r} must be 1-D, got {array.ndim}-D")
    if not array.flags.writeable:
        array = array.copy()
    return array


def indicator(
    *,
    inputs: tuple[str, ...],
    lookback: Callable[..., int],
    outputs: tuple[str, ...] = ("real",),
    **params: Param,
) -> Callable[[Callable[..., Any]], Kernel]:
    """Declare a public kernel's metadata and wrap it with input and parameter checks.

    :param inputs: array argument names, in TA-Lib's order (``("high", "low", "close")``).
    :param lookback: module-level function ``lookback(**params) -> int``.
    :param outputs: output names in TA-Lib's order; one output returns an array, several a tuple.
    :param params: each parameter's :class:`Param`, in positional order.
    """

    def decorate(function: Callable[..., Any]) -> Kernel:
        signature = inspect.signature(function)
        names = list(signature.parameters)
        expected = [*inputs, *params]
        if names != expected:
            raise TypeError(
                f"{function.__name__}: signature {names} does not match declared {expected}"
            )
        specs = tuple(
            ParamSpec(name, param.default, param.low, param.high) for name, param in params.items()
        )
        for spec in specs:
            default = signature.parameters[spec.name].default
            if default != spec.default:
                raise TypeError(f"{function.__name__}: default of {spec.name!r} differs from Param")
        summary = (inspect.getdoc(function) or "").strip().splitlines()
        info = KernelInfo(
            name=function.__name__,
            inputs=tuple(inputs),
            params=specs,
            outputs=tuple(outputs),
            lookback=lookback,
            summary=summary[0] if summary else "",
        )
        n_inputs = len(inputs)
        n_total = len(expected)
        name = function.__name__

        def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
            if len(args) > n_total:
                raise TypeError(f"{name}() takes at most {n_total} arguments, got {len(args)}")
            values: list[Any] = list(args) + [_MISSING] * (n_total - len(args))
            for key, value in kwargs.items():
                try:
                    index = expected.index(key)
                except ValueError:
                    raise TypeError(f"{name}() got an unexpected argument {key!r}") from None
                if values[index] is not _MISSING:
                    raise TypeError(f"{name}() got multiple values for argument {key!r}")
                values[index] = value
            return values

        def check_params(values: list[Any]) -> dict[str, int | float]:
            checked: dict[str, int | float] = {}
            for offset, spec in enumerate(specs):
                value = values[n_inputs + offset]
                checked[spec.name] = (
                    spec.default if value is _MISSING or value is None else spec.check(value, name)
                )
            return checked

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = bind(args, kwargs)
            arrays = []
            for index, input_name in enumerate(inputs):
                if values[index] is _MISSING:
                    raise TypeError(f"{name}() missing input {input_name!r}")
                arrays.append(as_input(values[index], input_name))
            length = len(arrays[0])
            for input_name, array in zip(inputs, arrays, strict=True):
                if len(array) != length:
                    raise ValueError(
                        f"{name}(): input {input_name!r} has {len(array)} values, "
                        f"{inputs[0]!r} has {length}"
                    )
            return function(*arrays, **check_params(values))

        def lookback_of(**kwargs: Any) -> int:
            values = bind((), {k: v for k, v in kwargs.items()})
            if any(values[i] is not _MISSING for i in range(n_inputs)):
                raise TypeError(f"{name}.lookback() takes parameters only")
            return int(lookback(**check_params(values)))

        kernel = cast(Kernel, wrapper)
        kernel.info = info
        kernel.lookback = lookback_of  # type: ignore[method-assign]
        kernel.unchecked = function
        return kernel

    return decorate


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
