"""Which symbols a scan runs on: lists, watchlist files and metadata filters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from candlescan.data.repository import ICandleRepository
from candlescan.errors import InvalidJobError

__all__ = ["parse_where", "read_watchlist", "resolve_symbols"]


def read_watchlist(path: str | Path) -> tuple[str, ...]:
    """Symbols of a watchlist file: one or more per line (commas or spaces), ``#`` comments.

    :raises InvalidJobError: the file cannot be read or lists no symbol.
    """
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidJobError(f"cannot read the watchlist {str(path)!r}: {exc}") from exc
    symbols: list[str] = []
    for line in text.splitlines():
        symbols.extend(line.split("#", 1)[0].replace(",", " ").split())
    if not symbols:
        raise InvalidJobError(f"the watchlist {str(path)!r} lists no symbol")
    return tuple(dict.fromkeys(symbols))


def parse_where(clauses: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``["sector=Energy,Utilities", "name=Apple Inc."]`` -> ``{field: allowed values}``."""
    where: dict[str, tuple[str, ...]] = {}
    for clause in clauses:
        field, sep, values = clause.partition("=")
        allowed = tuple(v.strip() for v in values.split(",") if v.strip())
        if not sep or not field.strip() or not allowed:
            raise InvalidJobError(f"--where expects FIELD=VALUE[,VALUE...], got {clause!r}")
        where[field.strip().lower()] = allowed
    return where


def resolve_symbols(
    repo: ICandleRepository,
    symbols: Sequence[str] | str | None,
    where: Mapping[str, Sequence[str] | str] | None = None,
) -> tuple[str, ...]:
    """The job's symbols: ``None``/``"all"`` = every symbol, ``"@file"`` = a watchlist,
    a ``"A,B"`` string or a sequence; then kept only where every ``where`` field matches
    (case-insensitive) the symbol's metadata.

    :raises InvalidJobError: a ``where`` field the source has no metadata for.
    """
    if symbols is None or (isinstance(symbols, str) and symbols.strip().lower() == "all"):
        chosen = repo.symbols()
    elif isinstance(symbols, str) and symbols.startswith("@"):
        chosen = read_watchlist(symbols[1:])
    elif isinstance(symbols, str):
        chosen = tuple(dict.fromkeys(s.strip() for s in symbols.split(",") if s.strip()))
    else:
        chosen = tuple(dict.fromkeys(symbols))
    if not where:
        return chosen
    metadata = repo.symbol_metadata(list(chosen))
    fields = {f for entry in metadata.values() for f in entry}
    for field in where:
        if field not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise InvalidJobError(
                f"--where {field}: {repo.describe()} has no metadata field {field!r} "
                f"(fields: {known})"
            )
    wanted = {
        field: {v.lower() for v in ([allowed] if isinstance(allowed, str) else allowed)}
        for field, allowed in where.items()
    }
    return tuple(
        s
        for s in chosen
        if all(metadata.get(s, {}).get(f, "").lower() in ok for f, ok in wanted.items())
    )
