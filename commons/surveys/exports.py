"""A survey's files to download: its report as a table, and its raw responses in the
layout KoboToolbox exports (so that they import back here, or into any tool that reads
a Kobo export).

The responses' layout:

- metadata first: ``_id`` (the response's number here), ``_uuid`` (the submission's own
  identifier, or one derived from the response for answers given on this site),
  ``_submission_time`` (UTC, as Kobo writes it) and ``_status``;
- then a column per question, by its group path (``profile/populations``); a multiple
  choice as one column of space-separated choice names followed by a 0/1 column per
  choice (``profile/populations/children``), blank when the question was not answered;
- numbers as numbers, dates as ISO text; notes have no column.

Only submitted responses are written, and nothing that names who answered: not the
respondent, their e-mail or account, nor the organisation they answered for, nor the
device metadata an import kept (``username``, ``deviceid``, ``phonenumber`` …).

These functions only read; the views write the export to the audit log.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from commons.lib.tabular import write_csv, write_xlsx
from commons.surveys.analysis import Index, answered
from commons.surveys.models import Response, Survey
from commons.surveys.queries import CSV_COLUMNS, report_rows
from commons.surveys.xlsform import Form

FORMATS = ("csv", "xlsx")
METADATA_COLUMNS = ["_id", "_uuid", "_submission_time", "_status"]
# The status Kobo gives every submission it received.
SUBMITTED = "submitted_via_web"
# Derives the ``_uuid`` of a response answered here: the same response always gets the
# same one, so that importing an export twice skips what it already holds.
RESPONSE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "freedom-commons:survey-response")
CHUNK = 2_000


def export_report(*, found: Mapping[str, Any], format: str, title: str = "") -> bytes:
    """A report as a CSV file or an XLSX workbook (``format``), one row per choice (see
    ``queries.report_rows``); ``title`` names the workbook's sheet."""
    rows = report_rows(found)
    # Stable English column names, in every language: the documented table of
    # docs/data-formats.md ("Surveys: findings and exports"), also printed by
    # ``commons surveys report --format csv`` for programs to read.
    if format == "xlsx":
        return write_xlsx(rows, CSV_COLUMNS, title=title)
    return write_csv(rows, CSV_COLUMNS)


def response_columns(form: Form) -> list[str]:
    """The columns of a responses export, in order."""
    columns = list(METADATA_COLUMNS)
    for question in form.asked:
        columns.append(question.path)
        if question.type == "select_multiple":
            columns += [f"{question.path}/{choice.name}" for choice in question.choices]
    return columns


def response_uuid(*, survey_id: int, response_id: int, external_id: str = "") -> str:
    """The ``_uuid`` of a response: its submission's own identifier when it was imported,
    else one derived from the response (stable, and telling nothing about who answered)."""
    if external_id:
        return external_id
    return str(uuid.uuid5(RESPONSE_NAMESPACE, f"{survey_id}/{response_id}"))


def _submission_time(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def response_row(
    *,
    form: Form,
    survey_id: int,
    response_id: int,
    external_id: str,
    answers: Mapping[str, Any],
    metadata: Mapping[str, Any],
    submitted_at: datetime.datetime | None,
) -> dict[str, Any]:
    """One response as a row of ``response_columns``. Of an import's metadata only the
    submission time and status are kept (the rest may name a person or a device)."""
    row: dict[str, Any] = {
        "_id": response_id,
        "_uuid": response_uuid(
            survey_id=survey_id, response_id=response_id, external_id=external_id
        ),
        "_submission_time": metadata.get("_submission_time") or _submission_time(submitted_at),
        "_status": metadata.get("_status") or SUBMITTED,
    }
    for question in form.asked:
        value = answers.get(question.name)
        if not answered(value):
            continue
        if question.type == "select_multiple":
            chosen = set(value if isinstance(value, list | tuple) else str(value).split())
            row[question.path] = " ".join(c.name for c in question.choices if c.name in chosen)
            for choice in question.choices:
                row[f"{question.path}/{choice.name}"] = int(choice.name in chosen)
        else:
            row[question.path] = value
    return row


def response_rows(
    *, survey: Survey, filters: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """The survey's submitted responses as rows of ``response_columns``, oldest first;
    with ``filters``, only those the report would count under them (``analysis``).

    Raises ``analysis.FilterError`` at once (not at the first row) for a filter the form
    cannot answer."""
    form = survey.form
    if filters:
        Index(form, []).matching(filters)
    return _response_rows(survey, form, filters)


def _response_rows(
    survey: Survey, form: Form, filters: Mapping[str, str] | None
) -> Iterator[dict[str, Any]]:
    fields = ("pk", "external_id", "answers", "metadata", "submitted_at")
    found = (
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(found, CHUNK)):
        if filters:
            # The report's own matching, on this chunk: the same responses it counts.
            kept = Index(form, (answers for _pk, _id, answers, _m, _t in chunk)).matching(filters)
            chunk = [row for position, row in enumerate(chunk) if kept >> position & 1]
        for pk, external_id, answers, metadata, submitted_at in chunk:
            yield response_row(
                form=form,
                survey_id=survey.pk,
                response_id=pk,
                external_id=external_id,
                answers=answers,
                metadata=metadata or {},
                submitted_at=submitted_at,
            )


def export_responses(
    *, survey: Survey, format: str, filters: Mapping[str, str] | None = None
) -> tuple[bytes, int]:
    """The survey's submitted responses (``response_rows``) as a CSV file or an XLSX
    workbook in KoboToolbox's layout, and how many rows it holds.

    Raises ``analysis.FilterError``."""
    rows = response_rows(survey=survey, filters=filters)
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    # KoboToolbox's own column names, never translated: the file imports back unchanged
    columns = response_columns(survey.form)
    if format == "xlsx":
        content = write_xlsx(counted(), columns, title=survey.slug)
    else:
        content = write_csv(counted(), columns)
    return content, count
