"""The syntax tree the parser builds: plain frozen values carrying source positions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "Between",
    "Binary",
    "Bool",
    "Call",
    "Cross",
    "Index",
    "Keyword",
    "Name",
    "Node",
    "Not",
    "Number",
    "Param",
    "Select",
    "String",
    "Temporal",
    "Unary",
]


@dataclass(frozen=True, slots=True)
class Number:
    """A number; ``5%`` is stored as ``0.05``."""

    value: float
    is_int: bool
    pos: int


@dataclass(frozen=True, slots=True)
class Bool:
    """``true`` or ``false``."""

    value: bool
    pos: int


@dataclass(frozen=True, slots=True)
class String:
    """A quoted string (only meaningful as the timeframe of ``tf``)."""

    value: str
    pos: int


@dataclass(frozen=True, slots=True)
class Param:
    """``$name``: a job parameter, bound after parsing."""

    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Name:
    """A bare identifier: a price series such as ``close``."""

    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Keyword:
    """A ``name=value`` argument of a call."""

    name: str
    value: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args)``; ``args`` holds positional nodes and :class:`Keyword` nodes."""

    name: str
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Select:
    """``target.name``: one output of a multi-output indicator."""

    target: Node
    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Index:
    """``target[offset]``: the value ``offset`` bars ago."""

    target: Node
    offset: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``+x``."""

    op: str
    operand: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic (``+ - * /``), comparison (``> >= < <= == !=``) or ``and``/``or``."""

    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Not:
    """``not x``."""

    operand: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Between:
    """``x between low and high`` (inclusive)."""

    value: Node
    low: Node
    high: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Cross:
    """``a crosses above b`` / ``crosses below`` / ``crosses`` (direction ``"any"``)."""

    direction: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Temporal:
    """``c within n bars`` (kind ``"within"``) or ``c for n bars`` (kind ``"for"``)."""

    kind: str
    condition: Node
    count: Node
    pos: int


Node: TypeAlias = (
    Number
    | Bool
    | String
    | Param
    | Name
    | Keyword
    | Call
    | Select
    | Index
    | Unary
    | Binary
    | Not
    | Between
    | Cross
    | Temporal
)
