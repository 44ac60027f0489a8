"""A hand-written recursive-descent parser: tokens to a syntax tree.

Grammar (lowest precedence first)::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | temporal
    temporal := compare (("within" | "for") sum ("bars" | "bar"))*
    compare  := sum [ COMP sum
                    | "crosses" ["above" | "below"] sum
                    | "between" sum "and" sum ]
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := ("-" | "+") unary | postfix
    postfix  := atom ("." NAME | "[" expr "]")*
    atom     := NUMBER | PERCENT | STRING | "$" NAME | "true" | "false"
              | NAME ["(" [arg ("," arg)*] ")"] | "(" expr ")"
    arg      := NAME "=" expr | expr

Recursion depth is counted and capped at :data:`~._limits.MAX_DEPTH`, and so is the
number of nodes, so no input can exhaust the interpreter's stack.
"""

from __future__ import annotations

from candlescan.errors import FormulaLimitError, FormulaSyntaxError
from candlescan.formula._lexer import KEYWORDS, Token, tokenize
from candlescan.formula._limits import MAX_DEPTH, MAX_NODES
from candlescan.formula._nodes import (
    Between,
    Binary,
    Bool,
    Call,
    Cross,
    Index,
    Keyword,
    Name,
    Node,
    Not,
    Number,
    Param,
    Select,
    String,
    Temporal,
    Unary,
)

__all__ = ["parse"]

_COMPARISONS = frozenset({">", ">=", "<", "<=", "==", "!="})


def parse(text: str) -> Node:
    """Parse formula ``text`` into a syntax tree.

    :raises FormulaSyntaxError: the text does not follow the grammar.
    :raises FormulaLimitError: the text exceeds a size, depth or node-count limit.
    """
    return _Parser(text, tokenize(text)).parse()


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the formula"
    if token.kind == "str":
        return "a string"
    if token.kind == "param":
        return f"'${token.text}'"
    return f"{token.text!r}"


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.nodes = 0

    # --- helpers ----------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def at_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def at_word(self, *words: str) -> bool:
        return self.tok.kind == "name" and self.tok.text in words

    def error(self, message: str, token: Token | None = None, hint: str = "") -> None:
        token = token or self.tok
        raise FormulaSyntaxError(message, self.text, token.pos, hint)

    def expect_op(self, op: str, context: str) -> Token:
        if not self.at_op(op):
            self.error(f"expected {op!r} {context}, found {_describe(self.tok)}")
        return self.advance()

    def node(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaLimitError(
                f"formula has more than {MAX_NODES} terms", self.text, self.tok.pos
            )
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaLimitError(
                f"formula nests more than {MAX_DEPTH} levels deep", self.text, self.tok.pos
            )

    # --- grammar ----------------------------------------------------------------------

    def parse(self) -> Node:
        if self.tok.kind == "end":
            self.error("the formula is empty", hint="e.g. rsi(close, 14) < 30")
        tree = self.expr()
        if self.tok.kind != "end":
            hint = ""
            if self.at_op("="):
                hint = "use '==' to compare"
            elif self.at_op("(") and self.i >= 2 and self.tokens[self.i - 2].text == ".":
                hint = "there are no methods; '.name' only selects an indicator's output"
            elif self.tok.kind in {"name", "num", "param", "str"} or self.at_op("("):
                hint = "two terms need an operator between them, e.g. 'and'"
            self.error(f"unexpected {_describe(self.tok)}", hint=hint)
        return tree

    def expr(self) -> Node:
        self.enter()
        try:
            return self.or_()
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        left = self.and_()
        while self.at_word("or"):
            token = self.advance()
            left = self.node(Binary("or", left, self.and_(), token.pos))
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.at_word("and"):
            token = self.advance()
            left = self.node(Binary("and", left, self.not_(), token.pos))
        return left

    def not_(self) -> Node:
        if self.at_word("not"):
            token = self.advance()
            self.enter()
            try:
                return self.node(Not(self.not_(), token.pos))
            finally:
                self.depth -= 1
        return self.temporal()

    def temporal(self) -> Node:
        node = self.compare()
        while self.at_word("within", "for"):
            token = self.advance()
            count = self.sum()
            if not self.at_word("bars", "bar"):
                self.error(
                    f"expected 'bars' after '{token.text} {_describe(self.tokens[self.i - 1])}'",
                    hint=f"e.g. '{token.text} 5 bars'",
                )
            self.advance()
            node = self.node(Temporal(token.text, node, count, token.pos))
        return node

    def compare(self) -> Node:
        left = self.sum()
        token = self.tok
        if self.at_op(*_COMPARISONS):
            self.advance()
            node = self.node(Binary(token.text, left, self.sum(), token.pos))
            if self.at_op(*_COMPARISONS):
                self.error(
                    "comparisons cannot be chained",
                    hint="write 'a < b and b < c', or 'x between low and high'",
                )
            return node
        if self.at_op("="):
            self.error("'=' is not a comparison", hint="use '==' to compare")
        if self.at_word("crosses"):
            self.advance()
            direction = "any"
            if self.at_word("above", "below"):
                direction = self.advance().text
            return self.node(Cross(direction, left, self.sum(), token.pos))
        if self.at_word("between"):
            self.advance()
            low = self.sum()
            if not self.at_word("and"):
                self.error("expected 'and' in 'x between low and high'")
            self.advance()
            return self.node(Between(left, low, self.sum(), token.pos))
        return left

    def sum(self) -> Node:
        left = self.product()
        while self.at_op("+", "-"):
            token = self.advance()
            left = self.node(Binary(token.text, left, self.product(), token.pos))
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.at_op("*", "/"):
            token = self.advance()
            left = self.node(Binary(token.text, left, self.unary(), token.pos))
        return left

    def unary(self) -> Node:
        if self.at_op("-", "+"):
            token = self.advance()
            self.enter()
            try:
                return self.node(Unary(token.text, self.unary(), token.pos))
            finally:
                self.depth -= 1
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while True:
            if self.at_op("."):
                token = self.advance()
                if self.tok.kind != "name":
                    self.error(f"expected an output name after '.', found {_describe(self.tok)}")
                name = self.advance()
                node = self.node(Select(node, name.text, token.pos))
            elif self.at_op("["):
                token = self.advance()
                offset = self.expr()
                self.expect_op("]", "to close '['")
                node = self.node(Index(node, offset, token.pos))
            else:
                return node

    def atom(self) -> Node:
        token = self.tok
        if token.kind == "num":
            self.advance()
            return self.node(Number(token.value, token.is_int, token.pos))
        if token.kind == "str":
            self.advance()
            return self.node(String(token.text, token.pos))
        if token.kind == "param":
            self.advance()
            return self.node(Param(token.text, token.pos))
        if token.kind == "name":
            if token.text in {"true", "false"}:
                self.advance()
                return self.node(Bool(token.text == "true", token.pos))
            if token.text in KEYWORDS:
                self.error(f"unexpected keyword {token.text!r}", hint="a value is missing here")
            self.advance()
            if self.at_op("("):
                return self.call(token)
            return self.node(Name(token.text, token.pos))
        if self.at_op("("):
            self.advance()
            node = self.expr()
            self.expect_op(")", "to close '('")
            return node
        self.error(f"expected a value, found {_describe(token)}")
        raise AssertionError("unreachable")

    def call(self, name: Token) -> Node:
        self.advance()  # "("
        args: list[Node] = []
        self.enter()
        try:
            if not self.at_op(")"):
                while True:
                    args.append(self.argument())
                    if not self.at_op(","):
                        break
                    self.advance()
            self.expect_op(")", f"to close the call of {name.text}()")
        finally:
            self.depth -= 1
        return self.node(Call(name.text, tuple(args), name.pos))

    def argument(self) -> Node:
        token = self.tok
        following = self.tokens[self.i + 1] if token.kind != "end" else token
        if token.kind == "name" and following.kind == "op" and following.text == "=":
            self.advance()
            self.advance()
            return self.node(Keyword(token.text, self.expr(), token.pos))
        return self.expr()
