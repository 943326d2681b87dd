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

import gc
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress, islice, repeat
from typing import Any

from django.utils.translation import gettext as _

from commons.surveys.xlsform import Form, Question

MIN_GROUP = 5
CHOICE_TYPES = {"select_one", "select_multiple"}
NUMBER_TYPES = {"integer", "decimal"}
_BYTE_OF_BIT = bytes.maketrans(b"01", b"\x00\x01")
_AT_ONCE = 4_096  # responses indexed at a time
_OTHER = 255  # in _OneChoice's codes: an answer to read by itself
_UNANSWERED = {None: 0, "": 0}  # the hashable answers that are no answer
_ANY = b"0" + b"1" * 255  # a translation table: byte 0 to "0", any other to "1"
_ONLY = [b"0" * number + b"1" + b"0" * (255 - number) for number in range(256)]


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
        """1. One builder per question asked (``Form.asked``: notes ask nothing).
        2. The responses, a few thousand at a time: each builder gets its question's
           answers as one sequence (transposed by ``zip``, not a loop over every response
           and question) and turns them into codes or flags, one byte per response.
        3. The bytes become bitsets at C speed (``_flag_bits``).

        The cyclic garbage collector waits meanwhile (``_no_cycle_collection``)."""
        self.form = form
        self.columns: dict[str, _Column] = {}
        builders: dict[str, _Values | _OneChoice | _Choices] = {}
        for question in form.asked:
            column = _Column(question)
            if question.type in CHOICE_TYPES:
                column.chosen = {choice.name: 0 for choice in question.choices}
                builders[question.name] = (
                    _OneChoice(column.chosen)
                    if question.type == "select_one" and len(column.chosen) < _OTHER
                    else _Choices(column.chosen)
                )
            else:
                column.values = []
                builders[question.name] = _Values(column.values)
            self.columns[question.name] = column
        self.size = 0
        names = list(builders)
        responses = iter(answers)
        with _no_cycle_collection():
            while chunk := list(islice(responses, _AT_ONCE)):
                # A row of answers per response, then turned into a column per question.
                rows = [[*map(response.get, names)] for response in chunk]
                for builder, column_answers in zip(
                    builders.values(), zip(*rows, strict=True), strict=True
                ):
                    builder.add(column_answers, self.size)
                self.size += len(chunk)
        for name, builder in builders.items():
            builder.finish(self.columns[name])
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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector. Indexing makes millions of objects (decoded
    answers, rows) that form no cycle and are freed by reference counting; while a few
    thousand of them are alive, the collections their numbers set off took half the
    time of indexing 100,000 responses (bench/surveys.py). The pause is for the whole
    process, other threads included, for the few seconds indexing takes; it is left
    alone when it was off already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bitset(positions: Iterable[int], size: int) -> int:
    """The positions as the bits of one integer (set in a byte array, then converted once:
    setting bits of a large integer one by one copies it every time)."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _flag_bits(flags: bytes | bytearray, table: bytes = _ANY) -> int:
    """A bitset of one bit per byte of ``flags``: set where ``table`` turns the byte into
    "1" (by default, a byte other than 0). Reversed and read as a binary number, so each
    step runs at C speed."""
    return int(flags.translate(table)[::-1], 2) if flags else 0


def answered(value: Any) -> bool:
    """Whether a stored answer is one: None, empty text and an empty list are not."""
    return not (value is None or value == "" or value == [])


class _Values:
    """The answers of a number, text or date question, kept in order."""

    def __init__(self, values: list) -> None:
        self.values = values

    def add(self, answers: Sequence, offset: int) -> None:
        self.values += answers

    def finish(self, column: _Column) -> None:
        try:
            flags = bytes(map(_UNANSWERED.get, self.values, repeat(1)))
        except TypeError:  # an unhashable answer (a list)
            flags = bytes(map(answered, self.values))
        column.answered = _flag_bits(flags)


class _Choices:
    """The answers of a question with choices, one response at a time: a flag per choice
    (and one for answering) per response. A choice not in the list counts as an answer
    but has no flag; an answer that is not a list counts as one choice."""

    def __init__(self, chosen: dict[str, int]) -> None:
        self.answered = bytearray()
        self.flags = {name: bytearray() for name in chosen}

    def add(self, answers: Sequence, offset: int) -> None:
        answered = bytearray(len(answers))
        flags = {name: bytearray(len(answers)) for name in self.flags}
        for position, value in enumerate(answers):
            if value.__class__ is not list:
                if value is None or value == "" or value == []:
                    continue
                if not isinstance(value, list | tuple):
                    value = (value,)  # one choice
            elif not value:
                continue
            answered[position] = 1
            for choice in value:
                if (flag := flags.get(choice)) is not None:  # else not one of its choices
                    flag[position] = 1
        self.answered += answered
        for name, chunk in flags.items():
            self.flags[name] += chunk

    def finish(self, column: _Column) -> None:
        column.answered = _flag_bits(self.answered)
        column.chosen = {name: _flag_bits(flags) for name, flags in self.flags.items()}


class _OneChoice:
    """A single choice: one byte per response, 0 for no answer or the choice's number,
    found for a whole list of answers at once (``bytes(map(dict.get …))``). Anything
    else (an answer outside the list, a list of choices) is coded ``_OTHER`` and read one
    at a time as ``_Choices`` does."""

    def __init__(self, chosen: dict[str, int]) -> None:
        self.names = list(chosen)
        self.codes = {None: 0, "": 0, **{name: n for n, name in enumerate(self.names, 1)}}
        self.choices = set(self.names)
        self.coded = bytearray()
        self.others: dict[str, list[int]] = {}

    def add(self, answers: Sequence, offset: int) -> None:
        try:
            coded = bytearray(map(self.codes.get, answers, repeat(_OTHER)))
        except TypeError:  # an unhashable answer (a list): each one by itself
            coded = bytearray([_OTHER]) * len(answers)
        position = coded.find(_OTHER)
        while position != -1:
            value = answers[position]
            if value is None or value == "" or value == []:
                coded[position] = 0
            else:
                for choice in value if isinstance(value, list | tuple) else (value,):
                    if choice in self.choices:
                        self.others.setdefault(choice, []).append(offset + position)
            position = coded.find(_OTHER, position + 1)
        self.coded += coded

    def finish(self, column: _Column) -> None:
        size = len(self.coded)
        column.answered = _flag_bits(self.coded)
        column.chosen = {
            name: _flag_bits(self.coded, _ONLY[number]) | _bitset(self.others.get(name, ()), size)
            for number, name in enumerate(self.names, 1)
        }


def _selected(values: list, bits: int, size: int) -> list:
    """The values of the responses in ``bits``, in order, through a byte mask: found one
    by one (``bytes.find``) when they are few, as in a group, else picked by ``compress``,
    which runs at C speed but goes through every response."""
    mask = format(bits, "b").zfill(size)[::-1].encode().translate(_BYTE_OF_BIT)
    if bits.bit_count() * 8 >= size:
        return [value for value in compress(values, mask) if value is not None]
    found, find = [], mask.find
    position = find(1)
    while position != -1:
        if (value := values[position]) is not None:
            found.append(value)
        position = find(1, position + 1)
    return found


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


def without_raw_answers(found: dict, *, filtered: bool, min_group: int = MIN_GROUP) -> dict:
    """A report (``report``) as a reader of the published findings sees it, who may not
    read the responses: no open answer (each is one person's own words, in every group
    too), and no figure at all when filters leave fewer than ``min_group`` responses
    (the figures would be those few people's answers); ``too_few`` then says so."""
    if filtered and found["responses"] < min_group:
        return {**found, "questions": [], "too_few": True}

    def figures(entry: dict) -> dict:
        return {**entry, "answers": []} if "answers" in entry else entry

    questions = []
    for question in found["questions"]:
        question = figures(question)
        if "by" in question:
            question["by"] = {group: figures(f) for group, f in question["by"].items()}
        questions.append(question)
    return {**found, "questions": questions}


def label(labels: Mapping[str, str], language: str) -> str:
    """A label in ``language``, or in the form's only language, or any."""
    return labels.get(language) or labels.get("") or next(iter(labels.values()), "")
