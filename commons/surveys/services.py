"""Writes for surveys: a survey from an XLSForm workbook, opening and closing it, its
settings, answers given on the web, and an upload of responses imported in the
background."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import (
    EXPORTS,
    RESULT_KEPT,
    UPLOADS,
    delete_old_private_files,
    keep_file,
    record_audit,
    start_progress,
)
from commons.lib.tabular import read_table
from commons.surveys.models import Response, Survey, form_of
from commons.surveys.queries import answered_before
from commons.surveys.rules import (
    answering_organisations,
    can_answer,
    can_create_survey,
    can_manage_survey,
)

# Addresses of the survey pages that a survey's short name would hide.
RESERVED_SLUGS = {"new"}
# Uploads larger than this are imported in the background, with a progress bar.
INLINE_UPLOAD_BYTES = 1024 * 1024


class AlreadyAnswered(Exception):
    """The person, or their organisation when the survey is answered once per
    organisation, has submitted an answer already."""


@transaction.atomic
def create_survey(*, workbook: bytes, owner=None, slug: str | None = None, by=None) -> Survey:
    """A draft survey from an XLSForm workbook, owned by ``owner`` (None: the platform's
    staff). ``slug`` defaults to one made from the form's id or title.

    ``by`` is an admin of the owner or staff (None on the command line, where the
    operator acts). Side effects: an audit event ``surveys.created``.
    Raises ``FormError`` (the workbook), ``ValueError`` (the short name is taken or
    empty) and ``PermissionDenied``.
    """
    if by is not None and not can_create_survey(by, owner):
        raise PermissionDenied
    form = form_of(workbook)
    if slug is not None and (not slug or slugify(slug) != slug):
        raise ValueError(
            _("%(slug)s is not a short name: use lower-case letters, digits and hyphens.")
            % {"slug": repr(slug)}
        )
    if slug is None:
        base = slugify(form.form_id or form.title)[:70] or "survey"
        slug, number = base, 1
        while slug in RESERVED_SLUGS or Survey.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
    elif slug in RESERVED_SLUGS or Survey.objects.filter(slug=slug).exists():
        raise ValueError(_("There is already a survey called %(slug)s.") % {"slug": slug})
    survey = Survey.objects.create(
        owner=owner,
        slug=slug,
        title=form.title or slug,
        form_id=form.form_id,
        version=form.version,
        workbook=workbook,
        digest=hashlib.sha256(workbook).hexdigest(),
        created_by=by,
    )
    record_audit(
        action=AuditEvent.Action.SURVEY_CREATED,
        actor=by,
        target=survey,
        data={"questions": len(form.asked)},
    )
    return survey


def _managed(survey: Survey, by) -> None:
    if by is not None and not can_manage_survey(by, survey):
        raise PermissionDenied


@transaction.atomic
def set_survey_status(*, survey: Survey, status: str, by) -> Survey:
    """Open a draft or closed survey to its respondents, or close an open one.

    Side effects: an audit event ``surveys.updated``. Raises ``PermissionDenied`` and
    ``ValueError`` (an unknown status)."""
    _managed(survey, by)
    if status not in Survey.Status.values or status == Survey.Status.DRAFT:
        raise ValueError(status)
    previous, survey.status = survey.status, status
    survey.save(update_fields=["status", "updated_at"])
    record_audit(
        action=AuditEvent.Action.SURVEY_UPDATED,
        actor=by,
        target=survey,
        data={"status": [previous, status]},
    )
    return survey


@transaction.atomic
def update_survey(
    *,
    survey: Survey,
    by,
    title: str,
    audience: str,
    once_per: str,
    report_public: bool,
    organisations=(),
    readers=(),
) -> Survey:
    """Change who may answer, how often, who reads the responses and whether the report
    is published.

    Side effects: an audit event ``surveys.updated`` listing what changed. Raises
    ``PermissionDenied``."""
    _managed(survey, by)
    before = {
        "audience": survey.audience,
        "once_per": survey.once_per,
        "report_public": survey.report_public,
        "organisations": sorted(survey.organisations.values_list("pk", flat=True)),
        "readers": sorted(survey.readers.values_list("pk", flat=True)),
    }
    survey.title, survey.audience, survey.once_per = title, audience, once_per
    survey.report_public = report_public
    survey.save()
    survey.organisations.set(organisations)
    survey.readers.set(readers)
    after = {
        "audience": audience,
        "once_per": once_per,
        "report_public": report_public,
        "organisations": sorted(o.pk for o in organisations),
        "readers": sorted(u.pk for u in readers),
    }
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record_audit(action=AuditEvent.Action.SURVEY_UPDATED, actor=by, target=survey, data=changed)
    return survey


@transaction.atomic
def renew_link(*, survey: Survey, by) -> Survey:
    """A new secret link for answering: the old one stops working.

    Side effects: an audit event ``surveys.updated``. Raises ``PermissionDenied``."""
    _managed(survey, by)
    survey.link_key = secrets.token_urlsafe()
    survey.save(update_fields=["link_key", "updated_at"])
    record_audit(
        action=AuditEvent.Action.SURVEY_UPDATED, actor=by, target=survey, data={"link": "new"}
    )
    return survey


@transaction.atomic
def save_answers(
    *,
    survey: Survey,
    answers: dict,
    by,
    organisation=None,
    draft: Response | None = None,
    submit: bool,
    language: str = "",
    key: str = "",
) -> Response:
    """Keep a respondent's answers: as their draft, or submitted.

    ``answers`` are checked already (``forms.AnswerForm``). ``by`` is the person
    answering, or an anonymous user when the link allows it; ``draft`` is their draft
    so far (from the database, or the browser's session for an anonymous respondent);
    ``organisation`` is the one answered for, one of ``answering_organisations``.

    Side effects: the draft is created or updated; on submission it becomes a submitted
    response, once per person or per organisation as the survey says (the survey's row
    is locked meanwhile, so that two submissions cannot both pass the check). Raises
    ``PermissionDenied`` (not in the survey's audience, or it is closed) and
    ``AlreadyAnswered``.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not can_answer(by, survey, key=key):
        raise PermissionDenied
    respondent = by if by.is_authenticated else None
    per_organisation = survey.once_per == Survey.Once.ORGANISATION
    if per_organisation and (
        organisation is None
        or not answering_organisations(by, survey).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied
    if not per_organisation:
        organisation = None
    if submit and answered_before(survey, respondent=respondent, organisation=organisation):
        raise AlreadyAnswered
    response = draft or Response(survey=survey, respondent=respondent)
    response.organisation = organisation
    response.answers = answers
    response.language = language
    response.source = Response.Source.WEB
    response.status = Response.Status.SUBMITTED if submit else Response.Status.DRAFT
    response.submitted_at = timezone.now() if submit else None
    response.save()
    return response


def queue_responses_import(*, survey: Survey, by, data: bytes):
    """Import a large upload of responses in the background (``tasks.import_responses``)
    once the file is known to be a table; returns the job's ``Progress``.

    The file waits in ``VAR_DIR/uploads`` (readable by the server's user only) and is
    deleted as soon as the job has read it. Raises ``PermissionDenied`` and
    ``TabularError``."""
    from commons.surveys import tasks

    _managed(survey, by)
    read_table(data)  # the header and the format, now; rows are read by the job
    path = keep_file(data=data, folder=UPLOADS, prefix="survey-responses")
    progress = start_progress(label=_("Importing survey responses"), owner=by)
    transaction.on_commit(
        lambda: tasks.import_responses.enqueue(
            progress_id=progress.pk, path=str(path), survey_id=survey.pk, by_id=by.pk
        )
    )
    return progress


# Responses exports larger than this (submitted responses) are written in the background:
# openpyxl writes an XLSX at about 80,000 filled cells a second.
INLINE_EXPORT_ROWS = {"csv": 50_000, "xlsx": 5_000}


def queue_responses_export(*, survey: Survey, by, format: str, filters: dict[str, str]):
    """Write the survey's raw responses (``exports.export_responses``) in the background
    (``tasks.export_responses``); returns the job's ``Progress``, whose result names the
    file for its owner to download.

    Side effects: files of exports finished more than a day ago are deleted. Raises
    ``PermissionDenied`` (not a reader of the responses)."""
    from commons.surveys import tasks
    from commons.surveys.rules import can_read_responses

    if not can_read_responses(by, survey):
        raise PermissionDenied
    delete_old_private_files(EXPORTS, RESULT_KEPT)
    progress = start_progress(label=_("Writing the survey's responses"), owner=by)
    transaction.on_commit(
        lambda: tasks.export_responses.enqueue(
            progress_id=progress.pk,
            survey_id=survey.pk,
            by_id=by.pk,
            format=format,
            filters=filters,
        )
    )
    return progress


def export_responses(
    *, survey: Survey, by, format: str, filters: dict[str, str], request=None
) -> tuple[bytes, int]:
    """The survey's raw responses in KoboToolbox's layout (``exports.export_responses``)
    and how many rows they hold, for a person who may read them.

    Side effects: an audit event ``data.export``. Raises ``FilterError``."""
    from commons.surveys import exports

    content, count = exports.export_responses(survey=survey, format=format, filters=filters)
    record_audit(
        action=AuditEvent.Action.EXPORT,
        actor=by,
        request=request,
        target=survey,
        data={
            "what": "survey responses",
            "format": format,
            "layout": "kobotoolbox",
            "filters": filters,
            "rows": count,
            **({} if request else {"background": True}),
        },
    )
    return content, count


def write_responses_export(*, survey: Survey, by, format: str, filters: dict[str, str]) -> dict:
    """``export_responses`` written to a file of the ``EXPORTS`` folder (readable by the
    server's user only); returns what the job keeps: the file's name, its format and its
    rows.

    Side effects: the file; an audit event ``data.export``. Raises ``FilterError``."""
    content, count = export_responses(survey=survey, by=by, format=format, filters=filters)
    path = keep_file(data=content, folder=EXPORTS, prefix=survey.slug, suffix=f".{format}")
    return {"file": path.name, "format": format, "rows": count}
