"""Skip logic and constraints of XLSForm questions: the subset of ODK's XPath that
surveys here support, read with pyxform's own lexer and evaluated in Python.

Supported: ``${question}`` and ``.`` (the question itself, in a constraint), text in
quotes, numbers, the comparisons ``= != < <= > >=``, ``selected(${q}, 'choice')``,
``and``, ``or``, ``not(…)`` and parentheses. Anything else is refused when the form is
read (``ExpressionError``), so a form never holds logic that nobody evaluates.

Answers are given as a mapping of question name to value: text for text and
single-choice questions, a tuple of choice names for multiple choice, a number for
numbers, None (or absent) for no answer. As in ODK, no answer compares as empty text,
and a comparison with a number compares numbers (an empty or non-numeric side makes it
false).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyxform.parsing.expression import parse_expression

Answers = Mapping[str, Any]
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class ExpressionError(ValueError):
    """An expression outside the supported subset, or not well formed."""


@dataclass(frozen=True)
class Expression:
    """A compiled expression: ``evaluate(answers, itself)`` gives True or False.

    ``tree`` is the same expression as nested lists, for the answer page's script to
    evaluate in the browser with the same rules (``static/js/survey-form.js``):
    ``["or", a, b]``, ``["and", a, b]``, ``["not", a]``, ``["selected", x, y]``,
    ``["compare", operator, x, y]``, and the operands ``["answer", name]``,
    ``["itself"]``, ``["text", value]`` and ``["number", value]``.
    """

    text: str
    evaluate: Callable[[Answers, Any], bool] = field(compare=False, repr=False)
    references: frozenset[str] = frozenset()
    tree: list = field(default_factory=list, compare=False, repr=False)


def compile_expression(text: str) -> Expression:
    """Compile an XLSForm ``relevant`` or ``constraint`` expression.

    Raises ``ExpressionError`` saying what is not supported or not well formed."""
    tokens = _tokens(text)
    parser = _Parser(tokens, text)
    tree = parser.expression()
    if parser.position != len(tokens):
        raise ExpressionError(
            _("%(expression)s: unexpected %(token)s.")
            % {"expression": text, "token": tokens[parser.position][1]}
        )
    return Expression(
        text=text, evaluate=_evaluator(tree), references=frozenset(parser.references), tree=tree
    )


def both(outer: Expression | None, inner: Expression | None) -> Expression | None:
    """Both expressions hold (a question inside a group is relevant when both are)."""
    if outer is None or inner is None:
        return outer or inner
    tree = ["and", outer.tree, inner.tree]
    return Expression(
        text=f"({outer.text}) and ({inner.text})",
        evaluate=_evaluator(tree),
        references=outer.references | inner.references,
        tree=tree,
    )


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for token in parse_expression(text):
        kind, value = token.type, str(token)
        if kind == "WHITESPACE":
            continue
        if kind == "OPS_BOOL":
            value = value.strip()
        # The lexer reads ">=" as ">" then "=".
        merges = kind == "OPS_COMP" and value == "=" and tokens
        if merges and tokens[-1] in (("OPS_COMP", "<"), ("OPS_COMP", ">")):
            tokens[-1] = ("OPS_COMP", tokens[-1][1] + "=")
            continue
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent into a tree: or → and → not / comparison → operand."""

    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens, self.text, self.position = tokens, text, 0
        self.references: set[str] = set()

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, kind: str, value: str | None = None) -> str:
        token = self._peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = token[1] if token else _("the end")
            raise ExpressionError(
                _("%(expression)s: expected %(expected)s, found %(found)s.")
                % {"expression": self.text, "expected": value or kind.lower(), "found": found}
            )
        self.position += 1
        return token[1]

    def expression(self) -> list:
        left = self._conjunction()
        while self._peek() == ("OPS_BOOL", "or"):
            self.position += 1
            left = ["or", left, self._conjunction()]
        return left

    def _conjunction(self) -> list:
        left = self._term()
        while self._peek() == ("OPS_BOOL", "and"):
            self.position += 1
            left = ["and", left, self._term()]
        return left

    def _term(self) -> list:
        token = self._peek()
        if token == ("FUNC_CALL", "not("):
            self.position += 1
            inner = self.expression()
            self._take("CLOSE_PAREN")
            return ["not", inner]
        if token == ("FUNC_CALL", "selected("):
            self.position += 1
            question = self._operand()
            self._take("COMMA")
            choice = self._operand()
            self._take("CLOSE_PAREN")
            return ["selected", question, choice]
        if token is not None and token[0] == "FUNC_CALL":
            raise ExpressionError(
                _("%(expression)s: the function %(function)s is not supported here.")
                % {"expression": self.text, "function": token[1] + ")"}
            )
        if token is not None and token[0] == "OPEN_PAREN":
            self.position += 1
            inner = self.expression()
            self._take("CLOSE_PAREN")
            return inner
        left = self._operand()
        operator_token = self._peek()
        if operator_token is None or operator_token[0] != "OPS_COMP":
            raise ExpressionError(
                _("%(expression)s: expected a comparison such as ${question} = 'value'.")
                % {"expression": self.text}
            )
        self.position += 1
        return ["compare", operator_token[1], left, self._operand()]

    def _operand(self) -> list:
        token = self._peek()
        if token is None:
            raise ExpressionError(
                _("%(expression)s: it ends too early.") % {"expression": self.text}
            )
        kind, value = token
        self.position += 1
        if kind == "PYXFORM_REF":
            name = value[2:-1]
            self.references.add(name)
            return ["answer", name]
        if kind == "SELF_REF":
            return ["itself"]
        if kind == "SYSTEM_LITERAL":
            return ["text", value[1:-1]]
        if kind == "NUMBER":
            return ["number", float(value)]
        raise ExpressionError(
            _("%(expression)s: %(token)s is not supported here.")
            % {"expression": self.text, "token": value}
        )


def _evaluator(node: list) -> Callable[[Answers, Any], Any]:
    """The tree as nested Python closures, built once per form."""
    kind = node[0]
    if kind in {"or", "and"}:
        left, right = _evaluator(node[1]), _evaluator(node[2])
        if kind == "or":
            return lambda answers, itself: left(answers, itself) or right(answers, itself)
        return lambda answers, itself: left(answers, itself) and right(answers, itself)
    if kind == "not":
        inner = _evaluator(node[1])
        return lambda answers, itself: not inner(answers, itself)
    if kind == "selected":
        question, choice = _evaluator(node[1]), _evaluator(node[2])
        return lambda answers, itself: _selected(question(answers, itself), choice(answers, itself))
    if kind == "compare":
        compare = _COMPARISONS[node[1]]
        left, right = _evaluator(node[2]), _evaluator(node[3])
        return lambda answers, itself: _compare(
            compare, left(answers, itself), right(answers, itself)
        )
    if kind == "answer":
        name = node[1]
        return lambda answers, itself: answers.get(name)
    if kind == "itself":
        return lambda answers, itself: itself
    value = node[1]  # text or number
    return lambda answers, itself: value


def _selected(answer: Any, choice: Any) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list | tuple | set | frozenset):
        return str(choice) in {str(item) for item in answer}
    return str(choice) in str(answer).split()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return math.nan


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    if isinstance(left, float) or isinstance(right, float) or _numeric(left, right):
        a, b = _number(left), _number(right)
        if math.isnan(a) or math.isnan(b):
            return compare is operator.ne
        return compare(a, b)
    return compare(_text(left), _text(right))


def _numeric(left: Any, right: Any) -> bool:
    return any(isinstance(side, int) and not isinstance(side, bool) for side in (left, right))
