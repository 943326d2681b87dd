"""Writes for surveys: a survey from an XLSForm workbook."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.surveys.models import Survey, form_of
from commons.surveys.rules import can_create_survey


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
        while Survey.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
    elif Survey.objects.filter(slug=slug).exists():
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
        data={"questions": len(form.questions)},
    )
    return survey
