"""Reads of surveys: a survey's findings, for the people allowed them."""

from __future__ import annotations

import csv
import io

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.surveys.analysis import Index, report
from commons.surveys.models import Response, Survey

CSV_COLUMNS = [
    "question",
    "type",
    "label",
    "group",
    "responses",
    "valid_n",
    "choice",
    "choice_label",
    "count",
    "percent",
    "n",
    "mean",
    "median",
    "min",
    "max",
]


def surveys_for_user(user):
    """The surveys whose report this person may read, newest first."""
    from django.db.models import Q

    from commons.accounts.models import Membership

    if not user.is_authenticated:
        return Survey.objects.filter(report_public=True)
    if user.is_staff:
        return Survey.objects.all()
    return Survey.objects.filter(
        Q(report_public=True)
        | Q(readers=user)
        | Q(
            owner__memberships__user=user,
            owner__memberships__status=Membership.Status.ACTIVE,
        )
    ).distinct()


def survey_index(survey: Survey) -> Index:
    answers = (
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("answers", flat=True)
    )
    return Index(survey.form, answers.iterator(chunk_size=5_000))


def survey_report(
    survey: Survey,
    *,
    filters=None,
    by=None,
    format="json",
    language="",
    actor=None,
    request=None,
) -> dict:
    """The survey's findings (``analysis.report``, labels in ``language`` when the form
    has it), written to the audit log as an export. Raises ``analysis.FilterError``."""
    form = survey.form
    language = language if language in form.languages else ""
    found = report(survey_index(survey), filters=filters, by=by, language=language)
    record_audit(
        action=AuditEvent.Action.EXPORT,
        actor=actor,
        target=survey,
        request=request,
        data={"what": "survey report", "format": format, "filters": filters or {}, "by": by},
    )
    return found


def report_csv(found: dict) -> str:
    """A report as one table: a row per choice (or one per question without choices),
    for all responses and then per group."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for question in found["questions"]:
        parts = [("", {"responses": found["responses"], **question})]
        parts += list(question.get("by", {}).items())
        for group, figures in parts:
            base = {
                "question": question["name"],
                "type": question["type"],
                "label": question["label"],
                "group": group,
                **{key: figures.get(key) for key in ("responses", "valid_n", "n", "mean")},
                **{key: figures.get(key) for key in ("median", "min", "max")},
            }
            choices = figures.get("choices")
            if not choices:
                writer.writerow(base)
                continue
            for choice in choices:
                writer.writerow(
                    {
                        **base,
                        "choice": choice["name"],
                        "choice_label": choice["label"],
                        "count": choice["count"],
                        "percent": choice["percent"],
                    }
                )
    return buffer.getvalue()
