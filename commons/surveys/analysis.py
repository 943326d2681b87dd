"""The findings of a survey: valid-N percentages, numbers, filters and breakdowns.

- **Valid N** of a question: the responses (after the filters) that answered it.
- A choice's **percent** is 100 * its count / valid N, rounded half away from zero to
  one decimal; for a multiple-choice question each choice has its own, so they may add
  up to more than 100.
- Numbers give N, mean, median, minimum and maximum; text answers are listed.
- **Filters** keep the responses whose answer to a question is a value (for a multiple
  choice: includes it); several filters must all hold. **Group by** a question breaks
  every question down by that question's answers.
- A group of fewer than ``MIN_GROUP`` responses shows no figures ("too few responses"),
  so that nobody's answers can be read off a small group.

The responses are indexed once (``Index``): for every question, the set of responses
that answered it and, per choice, the set that chose it, each as one Python integer
used as a bitset, so a count under any filter is an AND and a ``bit_count``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress
from typing import Any

from django.utils.translation import gettext as _

from commons.surveys.xlsform import Form, Question

MIN_GROUP = 5
CHOICE_TYPES = {"select_one", "select_multiple"}
NUMBER_TYPES = {"integer", "decimal"}
_BYTE_OF_BIT = bytes.maketrans(b"01", b"\x00\x01")


def percent(count: int, valid_n: int) -> float | None:
    """100 * count / valid_n, rounded half away from zero to one decimal."""
    if not valid_n:
        return None
    exact = Decimal(100 * count) / Decimal(valid_n)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class FilterError(ValueError):
    """A filter or group-by that names no question of the form, or a value it cannot take."""


@dataclass
class _Column:
    question: Question
    answered: int = 0  # bitset of responses
    chosen: dict[str, int] | None = None  # choice name -> bitset
    values: list | None = None  # numbers and texts, by response (None: no answer)


class Index:
    """The answers of a survey's responses, by question, for counting under filters."""

    def __init__(self, form: Form, answers: Iterable[Mapping[str, Any]]) -> None:
        self.form = form
        self.columns: dict[str, _Column] = {}
        questions = [q for q in form.questions if q.type != "note"]
        for question in questions:
            column = _Column(question)
            if question.type in CHOICE_TYPES:
                column.chosen = {choice.name: 0 for choice in question.choices}
            else:
                column.values = []
            self.columns[question.name] = column
        self.size = 0
        answered = {name: [] for name in self.columns}
        chosen = {name: {} for name in self.columns}
        for position, response in enumerate(answers):
            for name, column in self.columns.items():
                value = response.get(name)
                if column.values is not None:
                    column.values.append(value)
                if value is None or value == "" or value == []:
                    continue
                answered[name].append(position)
                if column.chosen is not None:
                    for choice in value if isinstance(value, list | tuple) else (value,):
                        chosen[name].setdefault(choice, []).append(position)
            self.size = position + 1
        for name, column in self.columns.items():
            column.answered = _bitset(answered[name], self.size)
            if column.chosen is not None:
                for choice, positions in chosen[name].items():
                    if choice in column.chosen:
                        column.chosen[choice] = _bitset(positions, self.size)
        self.everyone = (1 << self.size) - 1

    def column(self, reference: str) -> _Column:
        question = self.form.question(reference)
        name = question.name if question is not None else ""
        if name not in self.columns:
            raise FilterError(
                _("%(column)s: no question of this form has this name.") % {"column": reference}
            )
        return self.columns[name]

    def matching(self, filters: Mapping[str, str]) -> int:
        """The responses whose answers meet every filter, as a bitset."""
        selected = self.everyone
        for reference, value in filters.items():
            selected &= self._having(self.column(reference), value)
        return selected

    def _having(self, column: _Column, value: str) -> int:
        if column.chosen is not None:
            if value not in column.chosen:
                raise FilterError(
                    _("%(column)s: %(value)s is not one of its choices (%(choices)s).")
                    % {
                        "column": column.question.name,
                        "value": repr(value),
                        "choices": ", ".join(column.chosen),
                    }
                )
            return column.chosen[value]
        if column.question.type in NUMBER_TYPES:
            try:
                wanted: Any = float(value)
            except ValueError:
                raise FilterError(
                    _("%(column)s: %(value)s is not a number.")
                    % {"column": column.question.name, "value": repr(value)}
                ) from None
            return _bitset(
                (i for i, v in enumerate(column.values) if v is not None and v == wanted),
                self.size,
            )
        return _bitset((i for i, v in enumerate(column.values) if v == value), self.size)

    def groups(self, reference: str, within: int) -> dict[str, int]:
        """The responses of ``within`` by their answer to a choice question."""
        column = self.column(reference)
        if column.chosen is None:
            raise FilterError(
                _("%(column)s: only a question with choices can group the responses.")
                % {"column": column.question.name}
            )
        return {choice: bits & within for choice, bits in column.chosen.items()}


def _bitset(positions: Iterable[int], size: int) -> int:
    """The positions as the bits of one integer (set in a byte array, then converted once:
    setting bits of a large integer one by one copies it every time)."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _selected(values: list, bits: int, size: int) -> list:
    """The values of the responses in ``bits``, in order (C speed: a byte mask)."""
    mask = format(bits, "b").zfill(size)[::-1].encode().translate(_BYTE_OF_BIT)
    return [value for value in compress(values, mask) if value is not None]


def summary(index: Index, column: _Column, within: int, language: str = "") -> dict:
    """The figures of one question over the responses in ``within``."""
    question = column.question
    answered = column.answered & within
    valid_n = answered.bit_count()
    found: dict[str, Any] = {"valid_n": valid_n}
    if column.chosen is not None:
        found["choices"] = [
            {
                "name": choice.name,
                "label": label(choice.labels, language),
                "count": (count := (column.chosen[choice.name] & within).bit_count()),
                "percent": percent(count, valid_n),
            }
            for choice in question.choices
        ]
    elif question.type in NUMBER_TYPES:
        numbers = _selected(column.values, answered, index.size)
        found.update(
            n=len(numbers),
            mean=round(statistics.fmean(numbers), 2) if numbers else None,
            median=round(statistics.median(numbers), 2) if numbers else None,
            min=min(numbers) if numbers else None,
            max=max(numbers) if numbers else None,
        )
    else:
        found["answers"] = [str(value) for value in _selected(column.values, answered, index.size)]
    return found


def report(
    index: Index,
    *,
    filters: Mapping[str, str] | None = None,
    by: str | None = None,
    language: str = "",
    min_group: int = MIN_GROUP,
) -> dict:
    """Every question's figures (``summary``), under ``filters``, and with ``by`` broken
    down by that question's answers; groups smaller than ``min_group`` show none.

    Raises ``FilterError`` for a filter or group-by the form cannot answer."""
    within = index.matching(filters or {})
    groups = index.groups(by, within) if by else {}
    language = language or index.form.default_language
    questions = []
    for column in index.columns.values():
        question = column.question
        entry = {
            "name": question.name,
            "type": question.type,
            "label": label(question.labels, language),
            **summary(index, column, within, language),
        }
        if by:
            entry["by"] = {
                value: (
                    {"responses": members.bit_count(), **summary(index, column, members, language)}
                    if members.bit_count() >= min_group
                    else {"responses": None, "too_few": True}
                )
                for value, members in groups.items()
            }
        questions.append(entry)
    return {"responses": within.bit_count(), "questions": questions}


def label(labels: Mapping[str, str], language: str) -> str:
    """A label in ``language``, or in the form's only language, or any."""
    return labels.get(language) or labels.get("") or next(iter(labels.values()), "")
