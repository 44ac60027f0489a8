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
* ``kernel.warmup(tolerance=1e-9, **params)``: the bars an output needs before it to
  equal the full-history value within ``tolerance`` (the lookback for a window kernel,
  more for a recursive one; see :mod:`candlescan.kernels._warmup`);
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
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from candlescan.kernels._docs import with_parameters
from candlescan.kernels._params import ParamSpec

__all__ = ["REAL_MAX", "F64Array", "Kernel", "KernelInfo", "Param", "as_input", "indicator"]

F64Array: TypeAlias = npt.NDArray[np.float64]


#: TA-Lib's bound for real-valued parameters (``TA_REAL_MAX``).
REAL_MAX = 3e37


@dataclass(frozen=True, slots=True)
class Param:
    """Declares one parameter: its default, inclusive bounds (TA-Lib's) and what it means.

    ``doc`` is the parameter's line in the generated ``Parameters`` section (its kind,
    default and bounds are added to it).
    """

    default: int | float
    low: float
    high: float
    doc: str = ""


@dataclass(frozen=True, slots=True)
class KernelInfo:
    """What :func:`indicator` records about a kernel."""

    name: str
    inputs: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    outputs: tuple[str, ...]
    lookback: Callable[..., int]
    summary: str
    #: ``warmup(tolerance, **params) -> int`` of a recursive kernel; ``None`` for a window
    #: kernel, exact once its lookback is filled.
    warmup: Callable[..., int] | None = None


class Kernel(Protocol):
    """A public kernel: callable, with ``lookback``, ``warmup``, ``info`` and ``unchecked``."""

    info: KernelInfo
    #: The kernel without input coercion or parameter checks, for callers that already
    #: guarantee 1-D C-contiguous float64 inputs of equal length and checked parameters
    #: (the formula evaluator, which checks parameters once at compile time).
    unchecked: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def lookback(self, **params: Any) -> int: ...

    def warmup(self, tolerance: float = 1e-9, **params: Any) -> int: ...


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
    warmup: Callable[..., int] | None = None,
    about_inputs: str = "",
    **params: Param,
) -> Callable[[Callable[..., Any]], Kernel]:
    """Declare a public kernel's metadata and wrap it with input and parameter checks.

    :param inputs: array argument names, in TA-Lib's order (``("high", "low", "close")``).
    :param lookback: module-level function ``lookback(**params) -> int``.
    :param outputs: output names in TA-Lib's order; one output returns an array, several a tuple.
    :param warmup: module-level function ``warmup(tolerance, **params) -> int``: the bars an
        output needs before it to equal the full-history value within ``tolerance``
        (:mod:`candlescan.kernels._warmup`). Omit it for a window kernel (exact at its
        lookback); a kernel with a recursion must declare it.
    :param about_inputs: the inputs' line in the generated ``Parameters`` section (default:
        a description of the usual input sets, e.g. "Bar prices, same length.").
    :param params: each parameter's :class:`Param`, in positional order.

    The docstring keeps its hand-written summary, ``Returns`` and ``Notes``; the
    ``Parameters`` section is generated from ``inputs`` and ``params`` (see
    :mod:`candlescan.kernels._docs`).
    """

    def decorate(function: Callable[..., Any]) -> Kernel:
        specs = _param_specs(function, inputs, params)
        described = [(spec, param.doc) for spec, param in zip(specs, params.values(), strict=True)]
        function.__doc__ = with_parameters(function.__doc__, inputs, described, about_inputs)
        info = KernelInfo(
            name=function.__name__,
            inputs=tuple(inputs),
            params=specs,
            outputs=tuple(outputs),
            lookback=lookback,
            summary=_summary(function),
            warmup=warmup,
        )
        return _wrap(function, info, _Binder(function.__name__, info.inputs, specs))

    return decorate


def _param_specs(
    function: Callable[..., Any], inputs: tuple[str, ...], params: dict[str, Param]
) -> tuple[ParamSpec, ...]:
    """The declared parameters as specs, after checking them against the signature."""
    signature = inspect.signature(function)
    names = list(signature.parameters)
    expected = [*inputs, *params]
    if names != expected:
        raise TypeError(
            f"{function.__name__}: signature {names} does not match declared {expected}"
        )
    specs = tuple(ParamSpec(name, p.default, p.low, p.high) for name, p in params.items())
    for spec in specs:
        if signature.parameters[spec.name].default != spec.default:
            raise TypeError(f"{function.__name__}: default of {spec.name!r} differs from Param")
    return specs


def _summary(function: Callable[..., Any]) -> str:
    lines = (inspect.getdoc(function) or "").strip().splitlines()
    return lines[0] if lines else ""


@dataclass(frozen=True, slots=True)
class _Binder:
    """Binds a kernel call's arguments: inputs as arrays, parameters checked."""

    name: str
    inputs: tuple[str, ...]
    specs: tuple[ParamSpec, ...]
    #: Every argument name, inputs first (computed once: ``bind`` runs on every call).
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = (*self.inputs, *(spec.name for spec in self.specs))
        object.__setattr__(self, "names", names)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """Positional and keyword arguments in declared order (``_MISSING`` where omitted)."""
        expected = self.names
        if len(args) > len(expected):
            raise TypeError(
                f"{self.name}() takes at most {len(expected)} arguments, got {len(args)}"
            )
        values: list[Any] = list(args) + [_MISSING] * (len(expected) - len(args))
        for key, value in kwargs.items():
            try:
                index = expected.index(key)
            except ValueError:
                raise TypeError(f"{self.name}() got an unexpected argument {key!r}") from None
            if values[index] is not _MISSING:
                raise TypeError(f"{self.name}() got multiple values for argument {key!r}")
            values[index] = value
        return values

    def params(self, values: list[Any]) -> dict[str, int | float]:
        """The parameters, defaults filled in and each checked against its bounds."""
        checked: dict[str, int | float] = {}
        for spec, value in zip(self.specs, values[len(self.inputs) :], strict=True):
            missing = value is _MISSING or value is None
            checked[spec.name] = spec.default if missing else spec.check(value, self.name)
        return checked

    def arrays(self, values: list[Any]) -> list[F64Array]:
        """The inputs as kernel-ready arrays of one length."""
        arrays = []
        for input_name, value in zip(self.inputs, values, strict=False):
            if value is _MISSING:
                raise TypeError(f"{self.name}() missing input {input_name!r}")
            arrays.append(as_input(value, input_name))
        length = len(arrays[0])
        for input_name, array in zip(self.inputs, arrays, strict=True):
            if len(array) != length:
                raise ValueError(
                    f"{self.name}(): input {input_name!r} has {len(array)} values, "
                    f"{self.inputs[0]!r} has {length}"
                )
        return arrays

    def params_only(self, kwargs: dict[str, Any], method: str) -> dict[str, int | float]:
        """Checked parameters of a ``kernel.<method>(**params)`` call."""
        values = self.bind((), kwargs)
        if any(value is not _MISSING for value in values[: len(self.inputs)]):
            raise TypeError(f"{self.name}.{method}() takes parameters only")
        return self.params(values)


def _wrap(function: Callable[..., Any], info: KernelInfo, binder: _Binder) -> Kernel:
    """The public kernel: ``function`` behind the checks, with ``lookback``/``warmup``."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = binder.bind(args, kwargs)
        return function(*binder.arrays(values), **binder.params(values))

    def lookback_of(**kwargs: Any) -> int:
        return int(info.lookback(**binder.params_only(kwargs, "lookback")))

    def warmup_of(tolerance: float = 1e-9, **kwargs: Any) -> int:
        params = binder.params_only(kwargs, "warmup")
        lookback = int(info.lookback(**params))
        if info.warmup is None:
            return lookback
        return max(lookback, int(info.warmup(tolerance, **params)))

    kernel = cast(Kernel, wrapper)
    kernel.info = info
    kernel.lookback = lookback_of  # type: ignore[method-assign]
    kernel.warmup = warmup_of  # type: ignore[method-assign]
    kernel.unchecked = function
    return kernel


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
