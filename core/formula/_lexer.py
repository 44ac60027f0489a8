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
    return _Scanner(text).run()


#: What to write instead of a character the language does not have.
_CHARACTER_HINTS = {
    "&": "write 'and'",
    "|": "write 'or'",
    "!": "write 'not', or '!=' for 'not equal'",
    "%": "a percentage is written right after a number, e.g. 5%",
}


class _Scanner:
    """One pass over ``text``: each ``_scan_*`` method reads one token at ``self.i``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.tokens: list[Token] = []
        self.brackets: list[tuple[str, int]] = []  # open brackets and their positions

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch.isspace():
                self.i += 1
                continue
            if len(self.tokens) >= MAX_TOKENS:
                raise FormulaLimitError(f"formula has more than {MAX_TOKENS} tokens", text, self.i)
            self._scan(ch)
        if self.brackets:
            opener, pos = self.brackets[-1]
            raise _error(f"{opener!r} is never closed", text, pos, f"add {_OPENERS[opener]!r}")
        self.tokens.append(Token("end", "", n))
        return self.tokens

    def _scan(self, ch: str) -> None:
        text, i = self.text, self.i
        if ch in _DIGITS or (ch == "." and i + 1 < len(text) and text[i + 1] in _DIGITS):
            self._scan_number()
        elif ch in _WORD:
            word = self._word(i)
            self._emit(Token("name", word.lower(), i), len(word))
        elif ch == "$":
            self._scan_parameter()
        elif ch in "'\"":
            self._scan_string(ch)
        elif text[i : i + 2] in _TWO_CHAR:
            self._emit(Token("op", text[i : i + 2], i), 2)
        elif ch in _ONE_CHAR:
            self._track_bracket(ch)
            self._emit(Token("op", ch, i), 1)
        else:
            hint = _CHARACTER_HINTS.get(ch, "")
            raise _error(f"unexpected character {ch!r}", text, i, hint)

    def _emit(self, token: Token, width: int) -> None:
        self.tokens.append(token)
        self.i += width

    def _word(self, start: int) -> str:
        end = start
        while end < len(self.text) and self.text[end] in _WORD:
            end += 1
        return self.text[start:end]

    def _scan_number(self) -> None:
        start = self.i
        token = _number(self.text, start)
        end = start + len(token.text)
        if end < len(self.text) and self.text[end] == "%":
            token = Token("num", self.text[start : end + 1], start, token.value / 100.0)
        self._emit(token, len(token.text))

    def _scan_parameter(self) -> None:
        start = self.i
        name = self._word(start + 1)
        if not name or not name.isidentifier():
            raise _error(
                "'$' must be followed by a parameter name", self.text, start, "e.g. $period"
            )
        self._emit(Token("param", name, start), 1 + len(name))

    def _scan_string(self, quote: str) -> None:
        start = self.i
        end = self.text.find(quote, start + 1)
        if end < 0:
            raise _error("unterminated string", self.text, start)
        self._emit(Token("str", self.text[start + 1 : end], start), end + 1 - start)

    def _track_bracket(self, ch: str) -> None:
        if ch in _OPENERS:
            self.brackets.append((ch, self.i))
            if len(self.brackets) > MAX_DEPTH:
                raise FormulaLimitError(
                    f"brackets nest more than {MAX_DEPTH} deep", self.text, self.i
                )
        elif ch in ")]":
            if not self.brackets or _OPENERS[self.brackets[-1][0]] != ch:
                raise _error(f"unmatched {ch!r}", self.text, self.i)
            self.brackets.pop()


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
