"""Responses from KoboToolbox and ODK exports (CSV or XLSX), as those tools write them.

- A column is a question by its name, with or without its group path
  (``profile/populations`` or ``populations``).
- A multiple-choice question comes as one column of space-separated choice names, as
  0/1 columns named ``question/choice``, or both (which must then agree).
- Choice labels, in any language of the form, are taken for names when they name one
  choice only.
- Columns the devices and servers add (``_id``, ``_uuid``, ``_submission_time``,
  ``start``, ``end``, ``today``, ``deviceid``, ``meta/instanceID`` …) are kept as the
  response's metadata, not answers.
- A blank cell is no answer. A row with an unknown choice, a value that is not a
  number or a date where one is expected, an answer that breaks the form's constraint,
  or a value in a column that is no question of the form is rejected with its row number
  and the reason; every good row is kept.
- A submission already imported (the same ``_uuid`` or ``instanceID``) is skipped, so
  importing the same export again changes nothing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.lib.tabular import TabularError, read_table
from commons.surveys.models import Response, Survey
from commons.surveys.xlsform import Form, Question

# Columns KoboToolbox, ODK Central and the devices add to every submission.
METADATA_COLUMNS = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "instanceID",
    "instanceName",
    "KEY",
    "SubmissionDate",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
}
METADATA_PREFIXES = ("_", "meta/", "formhub/", "__")
# Where an export keeps the submission's own identifier, most specific first.
ID_COLUMNS = ("_uuid", "meta/instanceID", "instanceID", "KEY")
CHUNK = 1_000
TRUE, FALSE = {"1", "true", "yes"}, {"0", "false", "no", ""}
FLAGS = TRUE | FALSE


class RowRejected(ValueError):
    """A row that cannot be a response; the message says why."""


@dataclass
class ImportReport:
    accepted: int = 0
    skipped: int = 0  # submissions imported before
    rejected: list[tuple[int, str]] = field(default_factory=list)
    metadata_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """For a background job's result (JSON)."""
        return {
            "accepted": self.accepted,
            "skipped": self.skipped,
            "rejected": [list(pair) for pair in self.rejected],
            "metadata_columns": self.metadata_columns,
        }


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # answer, choice (a 0/1 column), metadata, note, unknown
    question: Question | None = None
    choice: str = ""


def is_metadata(column: str) -> bool:
    return column in METADATA_COLUMNS or column.startswith(METADATA_PREFIXES)


def plan_columns(form: Form, header: list[str]) -> list[_Column]:
    """What each column of an export holds: a question by its full path, else a 0/1
    column of a multiple choice, else a question by its name. In that order, because a
    choice may have a question's name (``capacity/needs/staff`` is the choice ``staff``
    of ``needs``, not the question ``staff``)."""
    by_path = {question.path: question for question in form.questions}
    plan = []
    for column in header:
        if is_metadata(column):
            plan.append(_Column(column, "metadata"))
            continue
        prefix, _slash, last = column.rpartition("/")
        parent = None if column in by_path or not prefix else form.question(prefix)
        if parent is not None and parent.type == "select_multiple" and parent.choice(last):
            plan.append(_Column(column, "choice", parent, last))
            continue
        found = form.question(column)
        if found is not None:
            plan.append(_Column(column, "note" if found.type == "note" else "answer", found))
        else:
            plan.append(_Column(column, "unknown"))
    named: dict[tuple[str, str], str] = {}  # two columns for one answer: one would be lost
    for column in plan:
        if column.question is not None and column.kind != "note":
            key = (column.question.name, column.choice)
            if key in named:
                raise TabularError(
                    _("The columns %(first)s and %(second)s are the same question.")
                    % {"first": repr(named[key]), "second": repr(column.name)}
                )
            named[key] = column.name
    return plan


def parse_row(plan: list[_Column], row: dict) -> tuple[dict, dict]:
    """A row's answers and metadata. Raises ``RowRejected``."""
    answers: dict[str, Any] = {}
    metadata: dict[str, str] = {}
    asked: dict[str, Question] = {}  # the questions of ``answers``, by name
    ticked: dict[str, set[str]] = {}  # choices of the 0/1 columns, by question name
    for column in plan:
        value = row.get(column.name, "") or ""
        if column.kind == "metadata":
            if value:
                metadata[column.name] = value
        elif column.kind == "unknown":
            if value:
                raise RowRejected(
                    _("%(column)s: no question of this form has this name.")
                    % {"column": column.name}
                )
        elif column.kind == "choice":
            flag = value.strip().casefold()
            if flag not in FLAGS:
                raise RowRejected(
                    _("%(column)s: %(value)s is neither 1 nor 0.")
                    % {"column": column.name, "value": repr(value)}
                )
            if value:
                asked[column.question.name] = column.question
                chosen = ticked.setdefault(column.question.name, set())
                if flag in TRUE:
                    chosen.add(column.choice)
        elif column.kind == "answer" and value:
            asked[column.question.name] = column.question
            answers[column.question.name] = _answer(column.question, value, column.name)
    for name, chosen in ticked.items():
        listed = answers.get(name)
        ordered = [choice.name for choice in asked[name].choices if choice.name in chosen]
        if listed is not None and set(listed) != set(ordered):
            raise RowRejected(
                _("%(question)s: its column and its 0/1 columns disagree.") % {"question": name}
            )
        if ordered:
            answers[name] = ordered
    for name, value in answers.items():
        constraint = asked[name].constraint
        if constraint is not None and not constraint.evaluate(answers, value):
            raise RowRejected(
                _("%(question)s: %(value)s does not meet the form's constraint (%(constraint)s).")
                % {"question": name, "value": value, "constraint": constraint.text}
            )
    return answers, metadata


def _answer(question: Question, value: str, column: str) -> Any:
    kind = question.type
    if kind == "select_one":
        return _choice(question, value, column)
    if kind == "select_multiple":
        return _choices(question, value, column)
    if kind in {"integer", "decimal"}:
        try:
            number = float(value)
        except ValueError:
            number = None
        # nan, inf and 1e400 are floats, but no answer: JSON cannot hold them.
        if (
            number is None
            or not math.isfinite(number)
            or (kind == "integer" and not number.is_integer())
        ):
            message = (
                _("%(column)s: %(value)s is not a whole number.")
                if kind == "integer"
                else _("%(column)s: %(value)s is not a number.")
            )
            raise RowRejected(message % {"column": column, "value": repr(value)})
        return int(number) if kind == "integer" else number
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            raise RowRejected(
                _("%(column)s: %(value)s is not a date (YYYY-MM-DD).")
                % {"column": column, "value": repr(value)}
            ) from None
    return value


def _labels(question: Question) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for choice in question.choices:
        for label in choice.labels.values():
            found.setdefault(label.strip().casefold(), set()).add(choice.name)
    return found


def _choice(question: Question, value: str, column: str) -> str:
    if question.choice(value):
        return value
    named = _labels(question).get(value.strip().casefold(), set())
    if len(named) == 1:
        return next(iter(named))
    raise RowRejected(
        _("%(column)s: %(value)s is not one of its choices (%(choices)s).")
        % {
            "column": column,
            "value": repr(value),
            "choices": ", ".join(choice.name for choice in question.choices),
        }
    )


def _choices(question: Question, value: str, column: str) -> list[str]:
    names = value.split()
    if all(question.choice(name) for name in names):
        chosen = set(names)
    else:
        labels = _labels(question)
        whole = labels.get(value.strip().casefold(), set())
        if len(whole) == 1:
            chosen = whole
        else:
            parts = [part for part in value.replace(";", ",").split(",") if part.strip()]
            chosen = {_choice(question, part.strip(), column) for part in parts}
    return [choice.name for choice in question.choices if choice.name in chosen]


def _external_id(metadata: dict[str, str]) -> str:
    for column in ID_COLUMNS:
        if metadata.get(column):
            return metadata[column].removeprefix("uuid:")[:100]
    return ""


def import_responses(
    *,
    survey: Survey,
    source: str | Path | IO[bytes] | bytes,
    by=None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import the responses of a KoboToolbox or ODK export into ``survey``.

    Side effects: the good rows become submitted responses, in one transaction; an
    audit event ``surveys.responses_imported``. Raises ``TabularError`` for a file that
    is not a table, or names one question (or choice) in two columns.
    """
    form = survey.form
    header, rows = read_table(source)
    plan = plan_columns(form, header)
    report = ImportReport(
        metadata_columns=[column.name for column in plan if column.kind == "metadata"]
    )
    known = set(
        Response.objects.filter(survey=survey)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        pending: list[Response] = []
        for number, row in rows:
            try:
                if row.get(None):
                    raise RowRejected(_("The row has more cells than the header has columns."))
                answers, metadata = parse_row(plan, row)
            except RowRejected as error:
                report.rejected.append((number, str(error)))
                continue
            external_id = _external_id(metadata)
            if external_id and external_id in known:
                report.skipped += 1
                continue
            known.add(external_id)
            pending.append(
                Response(
                    survey=survey,
                    source=Response.Source.IMPORT,
                    status=Response.Status.SUBMITTED,
                    external_id=external_id,
                    answers=answers,
                    metadata=metadata,
                    submitted_at=now,
                )
            )
            report.accepted += 1
            if len(pending) == CHUNK:
                Response.objects.bulk_create(pending)
                pending = []
                if progress is not None:
                    progress(number - 1, None)
        Response.objects.bulk_create(pending)
        record_audit(
            action=AuditEvent.Action.SURVEY_RESPONSES_IMPORTED,
            actor=by,
            target=survey,
            data={
                "accepted": report.accepted,
                "skipped": report.skipped,
                "rejected": len(report.rejected),
            },
        )
    return report
