"""Reads of surveys: a survey's findings, for the people allowed them."""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from itertools import islice

from django.db.models import Count, Max, Q, TextField
from django.db.models.functions import Cast
from django.http import Http404
from pydantic_core import from_json

from commons.core.errors import deny
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.surveys import rules
from commons.surveys.analysis import Index, report, without_raw_answers
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


# Indexes kept by each process, by survey: a reader who changes the filter or the
# breakdown gets the figures without the responses being read again (bench/surveys.py).
KEPT_INDEXES = 4
_kept: OrderedDict[int, tuple[tuple, Index]] = OrderedDict()


def survey_index(survey: Survey) -> Index:
    """The survey's submitted responses, indexed (``analysis.Index``).

    An index is kept while the survey's submitted responses are the same: their number,
    highest id and latest change (one aggregate query) and the form's digest. Responses
    change only through ``save()`` (which stamps ``updated_at``), ``bulk_create`` (new
    ids) or deletion (the count), so a changed survey is read again."""
    found = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED).aggregate(
        count=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    fingerprint = (
        survey.created_at,
        survey.digest,
        found["count"],
        found["last"],
        found["changed"],
    )
    kept = _kept.get(survey.pk)
    if kept is not None and kept[0] == fingerprint:
        _kept.move_to_end(survey.pk)
        return kept[1]
    index = read_index(survey)
    _kept[survey.pk] = (fingerprint, index)
    _kept.move_to_end(survey.pk)
    while len(_kept) > KEPT_INDEXES:
        _kept.popitem(last=False)
    return index


def forget_indexes() -> None:
    """Drop the indexes this process keeps (``survey_index``)."""
    _kept.clear()


def read_index(survey: Survey) -> Index:
    """The survey's submitted responses read from the database and indexed. The answers
    are read as JSON text and decoded a few thousand at a time by one call of
    pydantic-core's parser, which keeps one copy of each repeated string (choice names,
    question names): a decoding per response, as the JSON field does, took twice as long
    (bench/surveys.py)."""
    at_once = 5_000
    texts = (
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list(Cast("answers", TextField()), flat=True)
        .iterator(chunk_size=at_once)
    )

    def answers():
        while chunk := list(islice(texts, at_once)):
            yield from from_json("[" + ",".join(chunk) + "]", cache_strings="all")

    return Index(survey.form, answers())


def survey_report(
    survey: Survey,
    *,
    filters=None,
    by=None,
    format="json",
    language="",
    actor=None,
    request=None,
    raw=True,
) -> dict:
    """The survey's findings (``analysis.report``, labels in ``language`` when the form
    has it), written to the audit log as an export. ``raw``: whether the reader may read
    the responses; without, the findings hold none of them
    (``analysis.without_raw_answers``). Raises ``analysis.FilterError``."""
    form = survey.form
    language = form.language_for(language)
    found = report(survey_index(survey), filters=filters, by=by, language=language)
    if not raw:
        found = without_raw_answers(found, filtered=bool(filters))
    record_audit(
        action=AuditEvent.Action.EXPORT,
        actor=actor,
        target=survey,
        request=request,
        data={"what": "survey report", "format": format, "filters": filters or {}, "by": by},
    )
    return found


def report_rows(found: dict) -> list[dict]:
    """A report as one table (``CSV_COLUMNS``): a row per choice (or one per question
    without choices), for all responses and then per group; figures stay numbers."""
    rows = []
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
                rows.append(base)
                continue
            for choice in choices:
                rows.append(
                    {
                        **base,
                        "choice": choice["name"],
                        "choice_label": choice["label"],
                        "count": choice["count"],
                        "percent": choice["percent"],
                    }
                )
    return rows


def report_csv(found: dict) -> str:
    """``report_rows`` as CSV text (for the command line)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(found))
    return buffer.getvalue()


def get_survey_for_manager(request, slug: str) -> Survey:
    """The survey its owner's admins (and staff) manage: 404 for whoever may not read its
    responses, 403 for a reader who may not manage it (both audited)."""
    survey = Survey.objects.select_related("owner").filter(slug=slug).first()
    if survey is None:
        raise Http404
    if not rules.can_read_responses(request.user, survey):
        deny(request, target=survey, reason="survey not visible", not_found=True)
    if not rules.can_manage_survey(request.user, survey):
        deny(request, target=survey, reason="cannot manage this survey")
    return survey


def get_survey_to_answer(request, slug: str, *, key: str = "") -> Survey:
    """The survey this person may answer now; 404 otherwise (its existence is nobody
    else's business: a link's key is checked like a password)."""
    survey = Survey.objects.select_related("owner").filter(slug=slug).first()
    if survey is None or not rules.can_answer(request.user, survey, key=key):
        raise Http404
    return survey


def surveys_to_answer(user):
    """Open surveys this person may answer without a link, newest first."""
    from commons.accounts.models import Membership

    if not user.is_authenticated:
        return Survey.objects.none()
    mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "organisation"
    )
    members = Q(audience=Survey.Audience.MEMBERS)
    if not mine.exists():  # without an organisation, only surveys answered per person
        members &= Q(once_per=Survey.Once.PERSON)
    return (
        Survey.objects.filter(status=Survey.Status.OPEN)
        .filter(members | Q(audience=Survey.Audience.ORGANISATIONS, organisations__in=mine))
        .distinct()
        .select_related("owner")
    )


def surveys_managed_by(user):
    """The surveys this person runs: those of the organisations they administer (all,
    for staff)."""
    if user.is_authenticated and user.is_staff:
        return Survey.objects.all()
    return Survey.objects.filter(owner__in=survey_owners_for(user))


def survey_owners_for(user):
    """The organisations in whose name this person may create a survey."""
    from commons.accounts.queries import organisations_administered_by

    return organisations_administered_by(user)


def response_counts(survey: Survey) -> dict[str, int]:
    """Submitted responses (answered here and imported) and drafts in progress."""
    rows = (
        Response.objects.filter(survey=survey)
        .values("status", "source")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {"web": 0, "import": 0, "drafts": 0}
    for row in rows:
        if row["status"] == Response.Status.DRAFT:
            counts["drafts"] += row["count"]
        else:
            counts[row["source"]] += row["count"]
    counts["submitted"] = counts["web"] + counts["import"]
    return counts


def draft_for(survey: Survey, *, user, organisation=None, session_id: int | None = None):
    """The draft this person is filling in: theirs (for the organisation they answer
    for) when signed in, or the one their browser's session holds."""
    drafts = Response.objects.filter(survey=survey, status=Response.Status.DRAFT)
    if user.is_authenticated:
        return drafts.filter(respondent=user, organisation=organisation).first()
    if session_id is None:
        return None
    return drafts.filter(pk=session_id, respondent=None).first()


def answered_before(survey: Survey, *, respondent, organisation) -> Response | None:
    """The submitted response that answers for this person, or for their organisation
    when the survey is answered once per organisation (None for an anonymous person:
    a link's respondents are told apart by their browser's session only)."""
    submitted = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
    if survey.once_per == Survey.Once.ORGANISATION:
        if organisation is None:
            return None
        return submitted.filter(organisation=organisation).first()
    if respondent is None:
        return None
    return submitted.filter(respondent=respondent).first()
