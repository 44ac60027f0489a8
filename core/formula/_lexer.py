"""Turns formula text into tokens; the first line of defence against hostile input."""

from __future__ import annotations

import math
from dataclasses import dataclass

from candlescan.errors import FormulaLimitError, FormulaSyntaxError
from candlescan.formula._limits import MAX_DEPTH, MAX_LENGTH, MAX_TOKENS

__all__ = ["KEYWORDS", "Token", "tokenize"]

#: Words with a meaning in the grammar; they cannot name a series or a function.
KEYWORDS = frozenset(
    {
        "and", "or", "not", "between", "crosses", "above", "below",
        "within", "for", "bars", "bar", "true", "false",
    }
)  # fmt: skip

_TWO_CHAR = frozenset({">=", "<=", "==", "!="})
_ONE_CHAR = frozenset("()[],.+-*/<>=")
_OPENERS = {"(": ")", "[": "]"}
_DIGITS = frozenset("0123456789")
# ASCII only: str.isdigit() and str.isalpha() accept other scripts ("²", "٣").
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") | _DIGITS


@dataclass(frozen=True, slots=True)
class Token:
    """One token.

    :ivar kind: ``"num"``, ``"str"``, ``"name"`` (identifier or keyword, lower-cased),
        ``"param"`` (``$name``), ``"op"`` or ``"end"``.
    :ivar text: the token's text (lower-cased for names, without ``$`` for params).
    :ivar pos: 0-based offset of its first character.
    :ivar value: the number for ``"num"`` tokens (percentages already divided by 100).
    :ivar is_int: ``True`` for a ``"num"`` written without a fraction, exponent or ``%``.
    """

    kind: str
    text: str
    pos: int
    value: float = 0.0
    is_int: bool = False


def _error(message: str, text: str, pos: int, hint: str = "") -> FormulaSyntaxError:
    return FormulaSyntaxError(message, text, pos, hint)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``"end"`` token.

    :raises FormulaLimitError: the text is too long, has too many tokens or nests too deep.
    :raises FormulaSyntaxError: an unexpected character, an unterminated string, or an
        unbalanced bracket.
    """
    if len(text) > MAX_LENGTH:
        # Keep only the start of a huge text in the error: it may be megabytes.
        raise FormulaLimitError(
            f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}",
            text[: MAX_LENGTH + 1],
            MAX_LENGTH,
        )
    tokens: list[Token] = []
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise FormulaLimitError(f"formula has more than {MAX_TOKENS} tokens", text, i)
        start = i
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            tokens.append(_number(text, i))
            i = start + len(tokens[-1].text)
            if i < n and text[i] == "%":
                last = tokens[-1]
                tokens[-1] = Token("num", text[start : i + 1], start, last.value / 100.0)
                i += 1
            continue
        if ch in _WORD:
            while i < n and text[i] in _WORD:
                i += 1
            word = text[start:i]
            tokens.append(Token("name", word.lower(), start))
            continue
        if ch == "$":
            i += 1
            while i < n and text[i] in _WORD:
                i += 1
            name = text[start + 1 : i]
            if not name or not name.isidentifier():
                raise _error(
                    "'$' must be followed by a parameter name", text, start, "e.g. $period"
                )
            tokens.append(Token("param", name, start))
            continue
        if ch in "'\"":
            end = text.find(ch, i + 1)
            if end < 0:
                raise _error("unterminated string", text, start)
            tokens.append(Token("str", text[i + 1 : end], start))
            i = end + 1
            continue
        pair = text[i : i + 2]
        if pair in _TWO_CHAR:
            tokens.append(Token("op", pair, start))
            i += 2
            continue
        if ch in _ONE_CHAR:
            if ch in _OPENERS:
                stack.append((ch, start))
                if len(stack) > MAX_DEPTH:
                    raise FormulaLimitError(
                        f"brackets nest more than {MAX_DEPTH} deep", text, start
                    )
            elif ch in ")]":
                if not stack or _OPENERS[stack[-1][0]] != ch:
                    raise _error(f"unmatched {ch!r}", text, start)
                stack.pop()
            tokens.append(Token("op", ch, start))
            i += 1
            continue
        hint = ""
        if ch == "&":
            hint = "write 'and'"
        elif ch == "|":
            hint = "write 'or'"
        elif ch == "!":
            hint = "write 'not', or '!=' for 'not equal'"
        elif ch == "%":
            hint = "a percentage is written right after a number, e.g. 5%"
        raise _error(f"unexpected character {ch!r}", text, start, hint)
    if stack:
        opener, pos = stack[-1]
        raise _error(f"{opener!r} is never closed", text, pos, f"add {_OPENERS[opener]!r}")
    tokens.append(Token("end", "", n))
    return tokens


def _number(text: str, start: int) -> Token:
    i, n = start, len(text)
    while i < n and text[i] in _DIGITS:
        i += 1
    is_int = True
    if i < n and text[i] == "." and not (i + 1 < n and text[i + 1] in _WORD - _DIGITS):
        is_int = False
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j] in _DIGITS:
            is_int = False
            i = j
            while i < n and text[i] in _DIGITS:
                i += 1
    literal = text[start:i]
    # float() never raises on a digit string and caps huge values at inf (int() would
    # refuse strings past 4300 digits).
    value = float(literal)
    if math.isinf(value):
        raise FormulaSyntaxError(f"number {literal[:20]!r} is too large", text, start)
    return Token("num", literal, start, value, is_int)
