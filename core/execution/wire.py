"""The result wire format: one chunk's results as a handful of arrays.

A chunk of results crosses the process boundary as one :class:`ChunkResults`: the
matches of every symbol concatenated into one ``int64`` array (nanoseconds) with
offsets, the indicator values as one ``float64`` table under one tuple of names, and
the per-symbol scalars as arrays. Pickling it costs a few array copies however many
matches there are (27 M matches: 216 MB of ``int64``, not 27 M Python objects), and
:func:`decode_results` hands each symbol a zero-copy view of its matches.

Indicator dicts that do not fit the table (other names than the chunk's first result,
or values that are not ``float``) travel as they are, in :attr:`ChunkResults.odd`.
"""

from __future__ import annotations

import operator
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.entities import Matches, ProcessingResult

__all__ = ["ChunkResults", "ResultsBuilder", "decode_results", "describe_error", "encode_results"]

_NAT = np.iinfo(np.int64).min  # numpy's NaT as int64: "no last bar"
_EMPTY_NS = np.empty(0, dtype=np.int64)


def describe_error(exc: BaseException) -> str:
    """``"TypeName: message"`` on one line (multi-line messages are joined with spaces)."""
    try:
        message = str(exc)
    except Exception:  # a broken __str__ must not cost the other symbols of the chunk
        message = "<exception message unavailable>"
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(frozen=True, slots=True)
class ChunkResults:
    """The results of one chunk, column by column (see the module docstring).

    ``matches[offsets[i]:offsets[i + 1]]`` are symbol ``i``'s match times (ns);
    ``values[i]`` its indicator values under ``terms`` unless ``i in odd``;
    ``stamps[i]`` its last bar, first evaluated bar and indicators' bar (ns, NaT: none).
    """

    symbols: tuple[str, ...]
    errors: tuple[str | None, ...]
    ms: npt.NDArray[np.float64]
    stamps: npt.NDArray[np.int64]
    bars: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]
    matches: npt.NDArray[np.int64]
    terms: tuple[str, ...]
    values: npt.NDArray[np.float64]
    odd: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: warnings of the few symbols that have some, by index
    warnings: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.symbols)


class ResultsBuilder:
    """Collects a chunk's results one symbol at a time; :meth:`build` packs them.

    :param check_pickle: the results will be pickled: refuse (raise ``TypeError`` from
        :meth:`add`, so it becomes that symbol's error) indicator values that cannot be.
    """

    __slots__ = (
        "_bars",
        "_check",
        "_errors",
        "_matches",
        "_ms",
        "_odd",
        "_rows",
        "_stamps",
        "_symbols",
        "_terms",
        "_warnings",
    )

    def __init__(self, *, check_pickle: bool = False) -> None:
        self._check = check_pickle
        self._symbols: list[str] = []
        self._errors: list[str | None] = []
        self._ms: list[float] = []
        # (last bar, evaluated from, indicators at): timestamps or None, converted in bulk
        self._stamps: list[tuple[Any, Any, Any]] = []
        self._bars: list[int] = []
        self._matches: list[npt.NDArray[np.int64]] = []
        self._terms: tuple[str, ...] | None = None
        self._rows: list[list[float] | None] = []
        self._odd: dict[int, dict[str, Any]] = {}
        self._warnings: dict[int, tuple[str, ...]] = {}

    def add(
        self,
        symbol: str,
        matches: Any,
        computed: Mapping[str, Any],
        ms: float,
        last_bar: Any = None,
        bars: int = 0,
        error: str | None = None,
        evaluated_from: Any = None,
        indicators_at: Any = None,
        warnings: tuple[str, ...] = (),
    ) -> None:
        """Append one symbol; raises (adding nothing) if a value cannot be encoded."""
        ns = _as_ns(matches)
        # Converted here so a bad value fails for this symbol only.
        stamps = (_stamp(last_bar), _stamp(evaluated_from), _stamp(indicators_at))
        bars = operator.index(bars)
        row, odd = self._row(computed)
        if odd is not None and self._check:
            try:
                pickle.dumps(odd, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                raise TypeError(f"result is not picklable: {describe_error(exc)}") from exc
        index = len(self._symbols)
        self._symbols.append(symbol)
        self._errors.append(error)
        self._ms.append(float(ms))
        self._stamps.append(stamps)
        self._bars.append(bars)
        self._matches.append(ns)
        self._rows.append(row)
        if odd is not None:
            self._odd[index] = odd
        if warnings:
            self._warnings[index] = tuple(warnings)

    def fail(self, symbol: str, error: str, ms: float = 0.0) -> None:
        """Append a symbol that failed with ``error``."""
        self.add(symbol, _EMPTY_NS, {}, ms, error=error)

    def _row(self, computed: Mapping[str, Any]) -> tuple[list[float] | None, dict[str, Any] | None]:
        values = list(computed.values())
        if not all(type(v) is float for v in values):
            return None, dict(computed)
        if self._terms is None and values:
            self._terms = tuple(computed)
        if values and tuple(computed) == self._terms:
            return values, None
        return None, dict(computed)

    def build(self) -> ChunkResults:
        """The collected results as one :class:`ChunkResults`."""
        n = len(self._symbols)
        lengths = np.fromiter((len(m) for m in self._matches), dtype=np.int64, count=n)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        matches = np.concatenate(self._matches) if n else _EMPTY_NS
        terms = self._terms or ()
        nan_row = [np.nan] * len(terms)
        return ChunkResults(
            symbols=tuple(self._symbols),
            errors=tuple(self._errors),
            ms=np.array(self._ms, dtype=np.float64),
            stamps=np.array(self._stamps, dtype="datetime64[ns]").reshape(n, 3).view(np.int64),
            bars=np.array(self._bars, dtype=np.int64),
            offsets=offsets,
            matches=matches.astype(np.int64, copy=False),
            terms=terms,
            values=np.array(
                [nan_row if row is None else row for row in self._rows], dtype=np.float64
            ).reshape(n, len(terms)),
            odd=self._odd,
            warnings=self._warnings,
        )


def _stamp(value: Any) -> np.datetime64 | None:
    if value is None or type(value) is np.datetime64:
        return value
    return np.datetime64(value, "ns")


def _as_ns(matches: Any) -> npt.NDArray[np.int64]:
    """Match times as ``int64`` nanoseconds (a view where they already are ``[ns]``)."""
    if isinstance(matches, Matches):
        array = matches.array
    else:
        array = np.asarray(matches, dtype="datetime64[ns]")
    if array.ndim != 1:
        raise ValueError(f"matches must be 1-D timestamps, got {array.ndim}-D")
    ns: npt.NDArray[np.int64] = array.view(np.int64)
    return ns


def encode_results(results: Sequence[ProcessingResult]) -> ChunkResults:
    """Pack finished :class:`~candlescan.ProcessingResult` s (any mix) into the wire format."""
    builder = ResultsBuilder()
    for r in results:
        builder.add(
            r.symbol,
            r.matches,
            r.computed_indicators,
            r.processing_time_ms,
            r.last_bar,
            r.bars,
            r.error,
            r.evaluated_from,
            r.indicators_at,
            r.warnings,
        )
    return builder.build()


def decode_results(
    payload: bytes | ChunkResults | Sequence[ProcessingResult],
) -> list[ProcessingResult]:
    """The results a chunk returned: pickled, packed, or already a list."""
    if isinstance(payload, bytes | bytearray):
        payload = pickle.loads(payload)
    if not isinstance(payload, ChunkResults):
        return list(payload)  # type: ignore[arg-type]
    chunk = payload
    times = chunk.matches.view("datetime64[ns]")
    times.flags.writeable = False  # so every symbol's slice is a read-only view too
    wrap = Matches._wrap
    bounds = chunk.offsets.tolist()
    stamps = [
        [None if missing else stamp for stamp, missing in zip(times_, nat, strict=True)]
        for times_, nat in zip(
            chunk.stamps.view("datetime64[ns]"), (chunk.stamps == _NAT).tolist(), strict=True
        )
    ]
    rows = chunk.values.tolist()
    terms, odd, warnings = chunk.terms, chunk.odd, chunk.warnings
    return [
        ProcessingResult(
            symbol,
            wrap(times[start:stop]),
            odd[i] if i in odd else dict(zip(terms, row, strict=True)),
            ms,
            error,
            last,
            bars,
            evaluated_from,
            indicators_at,
            warnings.get(i, ()),
        )
        for i, (
            symbol,
            start,
            stop,
            row,
            ms,
            error,
            (last, evaluated_from, indicators_at),
            bars,
        ) in enumerate(
            zip(
                chunk.symbols,
                bounds,
                bounds[1:],
                rows,
                chunk.ms.tolist(),
                chunk.errors,
                stamps,
                chunk.bars.tolist(),
                strict=False,  # bounds has one more entry than there are symbols
            )
        )
    ]
