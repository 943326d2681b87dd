"""Writes of the library: submitting a resource (a new work or a language version of
one), moderating it, editing it, translation requests and collections."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commons.core.models import AuditEvent
from commons.core.services import (
    queue_templated_email,
    queue_templated_email_to_users,
    recipient_language,
    record_audit,
    unique_slug,
)
from commons.lib.text import render_markdown
from commons.library import rules
from commons.library.files import CheckedFile
from commons.library.models import (
    Author,
    Collection,
    CollectionItem,
    Resource,
    TranslationRequest,
    Work,
)

# Paths under /library/ that a work's slug must not take.
RESERVED_SLUGS = {"submit", "moderation", "mine", "collections", "feed", "new"}


def unique_work_slug(title: str) -> str:
    return unique_slug(
        title, model=Work, max_length=100, fallback="resource", reserved=RESERVED_SLUGS
    )


@transaction.atomic
def create_work(*, fields: dict, authors: list[dict] = (), title: str = "") -> Work:
    """A new work (its first version is added by ``submit_resource``).

    ``authors``: dicts with ``name`` and optionally ``person`` / ``organisation``.
    Side effects: inserts the work and its authors."""
    fields = dict(fields)
    fields.setdefault("slug", unique_work_slug(title or fields.get("slug", "")))
    work = Work(**fields)
    work.full_clean()
    work.save()
    set_authors(work=work, authors=authors)
    return work


def set_authors(*, work: Work, authors) -> None:
    work.authors.all().delete()
    Author.objects.bulk_create(
        Author(work=work, order=order, **author) for order, author in enumerate(authors)
    )


def _store(resource: Resource, file: CheckedFile | None, cover: CheckedFile | None) -> None:
    if file is not None:
        if resource.file:
            resource.file.delete(save=False)
        resource.file.save(file.name, ContentFile(file.content), save=False)
        resource.file_name = file.name[:200]
        resource.file_type = file.kind
        resource.file_size = len(file.content)
        resource.extracted_text = ""
        resource.extraction = Resource.Extraction.PENDING
    if cover is not None:
        if resource.cover:
            resource.cover.delete(save=False)
        resource.cover.save(cover.name, ContentFile(cover.content), save=False)


def _queue_extraction(resource: Resource) -> None:
    if resource.extraction == Resource.Extraction.PENDING:
        from commons.library.tasks import extract_resource_text

        transaction.on_commit(lambda: extract_resource_text.enqueue(resource_id=resource.pk))


@transaction.atomic
def submit_resource(
    *,
    work: Work,
    fields: dict,
    submitter,
    organisation=None,
    file: CheckedFile | None = None,
    cover: CheckedFile | None = None,
    request=None,
) -> Resource:
    """Submit a language version of a work. A moderator's own submission is published at
    once; anyone else's waits for review.

    Side effects: inserts the resource; stores its file and cover; queues the reading of
    the file's text (background task) and, for a submission waiting for review, an
    e-mail to the moderators; one audit event."""
    resource = Resource(work=work, submitted_by=submitter, submitted_for=organisation, **fields)
    _store(resource, file, cover)
    if rules.can_moderate(submitter):
        resource.status = Resource.Status.APPROVED
        resource.approved_at = timezone.now()
        resource.reviewed_by = submitter
        resource.reviewed_at = resource.approved_at
    resource.full_clean(exclude=["file", "cover"])
    resource.save()
    _queue_extraction(resource)
    record_audit(
        action=AuditEvent.Action.RESOURCE_SUBMITTED,
        actor=submitter,
        target=resource,
        request=request,
    )
    if resource.status == Resource.Status.SUBMITTED:
        _tell_moderators(resource)
    return resource


def _tell_moderators(resource: Resource) -> None:
    from commons.accounts.models import User

    queue_templated_email_to_users(
        users=User.objects.filter(is_active=True, is_moderator=True).only("email", "language"),
        template="library/email/submitted",
        context={"resource": resource},
    )


@transaction.atomic
def update_resource(
    *,
    resource: Resource,
    fields: dict,
    work_fields: dict | None = None,
    authors=None,
    file: CheckedFile | None = None,
    cover: CheckedFile | None = None,
    actor=None,
    request=None,
) -> Resource:
    """Change a version (and its work). A rejected version its submitter corrects goes
    back for review.

    Side effects: saves both; stores a new file and queues its reading; audited when a
    moderator edits someone else's submission; e-mails the moderators when a rejected
    version comes back."""
    for name, value in fields.items():
        setattr(resource, name, value)
    resubmitted = (
        resource.status == Resource.Status.REJECTED
        and actor is not None
        and actor.pk == resource.submitted_by_id
        and not rules.can_moderate(actor)
    )
    if resubmitted:
        resource.status = Resource.Status.SUBMITTED
        resource.rejection_reason = ""
    _store(resource, file, cover)
    resource.full_clean(exclude=["file", "cover"])
    resource.save()
    if work_fields:
        work = resource.work
        for name, value in work_fields.items():
            setattr(work, name, value)
        work.full_clean()
        work.save()
    if authors is not None:
        set_authors(work=resource.work, authors=authors)
    _queue_extraction(resource)
    if resubmitted:
        _tell_moderators(resource)
    if actor is not None and resource.submitted_by_id != actor.pk:
        record_audit(
            action=AuditEvent.Action.RESOURCE_EDITED, actor=actor, target=resource, request=request
        )
    return resource


@transaction.atomic
def approve_resource(*, resource: Resource, moderator, request=None) -> Resource:
    """Publish a submission. Side effects: saves it; e-mails the submitter; audited."""
    now = timezone.now()
    resource.status = Resource.Status.APPROVED
    resource.approved_at = resource.approved_at or now
    resource.reviewed_by, resource.reviewed_at = moderator, now
    resource.rejection_reason = ""
    resource.save()
    record_audit(
        action=AuditEvent.Action.RESOURCE_APPROVED,
        actor=moderator,
        target=resource,
        request=request,
    )
    _tell_submitter(resource, "approved")
    return resource


@transaction.atomic
def reject_resource(*, resource: Resource, moderator, reason: str, request=None) -> Resource:
    """Refuse a submission with a reason the submitter reads. Side effects: saves it;
    e-mails the submitter; audited."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    resource.status = Resource.Status.REJECTED
    resource.rejection_reason = reason
    resource.reviewed_by, resource.reviewed_at = moderator, timezone.now()
    resource.save()
    record_audit(
        action=AuditEvent.Action.RESOURCE_REJECTED,
        actor=moderator,
        target=resource,
        request=request,
        data={"reason": reason[:500]},
    )
    _tell_submitter(resource, "rejected")
    return resource


def _tell_submitter(resource: Resource, decision: str) -> None:
    submitter = resource.submitted_by
    if submitter is None or submitter == resource.reviewed_by:
        return
    queue_templated_email(
        to=[submitter.email],
        template=f"library/email/{decision}",
        context={"resource": resource},
        language=recipient_language(submitter),
    )


def extract_text(*, resource_id: int) -> None:
    """Read the text of a version's file for search (the background task).

    Side effects: saves ``extracted_text`` and ``extraction``."""
    from commons.library.files import extract_text as read_text

    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None or not resource.file:
        return
    try:
        with resource.file.open("rb") as handle:
            text = read_text(resource.file_type, handle.read())
    except Exception:
        resource.extraction = Resource.Extraction.FAILED
        resource.save(update_fields=["extraction", "updated_at"])
        raise
    resource.extracted_text = text
    resource.extraction = Resource.Extraction.DONE
    resource.save(update_fields=["extracted_text", "extraction", "updated_at"])


def request_translation(*, work: Work, language: str, user) -> bool:
    """Record that this person wants the work in ``language``; True when it is new.

    Side effects: inserts one TranslationRequest (at most one a person and language)."""
    _request, created = TranslationRequest.objects.get_or_create(
        work=work, language=language, user=user
    )
    return created


@transaction.atomic
def save_collection(
    *, collection: Collection | None = None, fields: dict, works=None, curator=None
) -> Collection:
    """Create or change a collection; ``works`` (ordered) replaces its items.

    Side effects: saves the collection and its items."""
    if collection is None:
        collection = Collection(curator=curator)
    for name, value in fields.items():
        setattr(collection, name, value)
    collection.introduction_html = render_markdown(collection.introduction)
    collection.full_clean()
    collection.save()
    if works is not None:
        collection.items.all().delete()
        CollectionItem.objects.bulk_create(
            CollectionItem(collection=collection, work=work, order=order)
            for order, work in enumerate(works)
        )
    return collection
