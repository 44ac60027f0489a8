"""Source options on the command line: ``SCHEME:ARGUMENT?key=value&key=value``.

``csv:./bars?check_bounds=0&date_format=%m/%d/%Y`` passes ``check_bounds`` and
``date_format`` to the csv source. Values are taken literally (``%`` is not a URL escape
here, so strftime formats need no quoting); an unknown key is refused with the list of
known ones, so a typo never passes silently.
"""

from __future__ import annotations

from collections.abc import Collection

from candlescan import DataSourceError

__all__ = ["parse_bool", "split_options"]


def split_options(
    argument: str, allowed: Collection[str], scheme: str
) -> tuple[str, dict[str, str]]:
    """``"PATH?a=1&b=2"`` -> ``("PATH", {"a": "1", "b": "2"})``, checking the keys."""
    path, _, query = argument.partition("?")
    options: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise DataSourceError(f"{scheme} source: option {pair!r} is not key=value")
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise DataSourceError(f"{scheme} source: unknown option {key!r} (known: {known})")
        options[key] = value
    return path, options


def parse_bool(value: str, key: str, scheme: str) -> bool:
    """``1/0``, ``true/false``, ``yes/no``, ``on/off`` (any case)."""
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise DataSourceError(f"{scheme} source: option {key}={value!r} is not a boolean (1 or 0)")
