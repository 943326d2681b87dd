"""Writes that belong to no single capability: the audit log and progress records."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from commons.core.models import AuditEvent, Progress

if TYPE_CHECKING:
    from django.http import HttpRequest


def unique_slug(
    name: str,
    *,
    model: type[models.Model],
    max_length: int = 50,
    fallback: str = "organisation",
    reserved: frozenset[str] | set[str] = frozenset(),
    field: str = "slug",
) -> str:
    """A short name for ``name`` that no row of ``model`` has in ``field``: its slug, or
    ``fallback`` when it has no Latin letters or digits, ``-<fallback>`` added when a
    page's path has it (``reserved``), then ``-2``, ``-3`` … until it is free."""
    from django.utils.text import slugify

    base = slugify(name)[:max_length].strip("-") or fallback
    if base in reserved:
        base = f"{base}-{fallback}"
    slug, n = base, 2
    while model.objects.filter(**{field: slug}).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's address: REMOTE_ADDR, or what a trusted reverse proxy says it is
    (settings TRUSTED_PROXY_COUNT / TRUSTED_CLIENT_IP_HEADER, as allauth reads them)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import PermissionDenied

    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # no address at all (allauth refuses such a request)
        return None


def record_audit(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    target_label: str = "",
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log.

    Side effects: inserts one ``AuditEvent`` row. ``actor`` may be anonymous or ``None``
    (the request's user is used when a request is given and no actor).
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if request is not None and action == AuditEvent.Action.ACCESS_DENIED:
        request.access_denial_recorded = True  # core.middleware.RefusalAuditMiddleware
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.email if actor is not None else "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:255],
        ip_address=client_ip(request),
        data=data or {},
    )


# How long a finished job's result is kept for the person who started it.
RESULT_KEPT = datetime.timedelta(days=1)


def start_progress(*, label: str, owner=None, total: int | None = None) -> Progress:
    """Create a progress record for a job about to be queued.

    Side effects: one insert; the results of jobs finished more than ``RESULT_KEPT``
    ago are cleared (one UPDATE)."""
    Progress.objects.filter(
        result__isnull=False, updated_at__lt=timezone.now() - RESULT_KEPT
    ).update(result=None)
    return Progress.objects.create(label=label, owner=owner, total=total)


def advance_progress(
    *, progress_id: int, by: int = 1, total: int | None = None, message: str = ""
) -> None:
    """Move a running job forward with one conditional UPDATE (safe from many workers)."""
    changes: dict[str, Any] = {"done": F("done") + by, "status": Progress.Status.RUNNING}
    if total is not None:
        changes["total"] = total
    if message:
        changes["message"] = message[:500]
    Progress.objects.filter(pk=progress_id).exclude(
        status__in=[Progress.Status.DONE, Progress.Status.FAILED]
    ).update(**changes)


def progress_reporter(progress_id: int) -> Callable[[int, int | None], None]:
    """A ``progress(done, total)`` callback, as long-running services take one, that
    moves the job's progress record to ``done`` (``advance_progress``)."""
    reported = 0

    def progress(done: int, total: int | None) -> None:
        nonlocal reported
        advance_progress(progress_id=progress_id, by=done - reported, total=total)
        reported = done

    return progress


def finish_progress(
    *,
    progress_id: int,
    failed: bool = False,
    message: str = "",
    result_url: str = "",
    result: dict | None = None,
) -> None:
    """Mark a job done or failed, with what it leaves for its owner (``result``, kept
    for ``RESULT_KEPT``). Side effects: one UPDATE; a done job's count is completed."""
    with transaction.atomic():
        progress = Progress.objects.select_for_update().get(pk=progress_id)
        progress.status = Progress.Status.FAILED if failed else Progress.Status.DONE
        if not failed and progress.total is not None:
            progress.done = progress.total
        progress.message = message[:500]
        progress.result_url = result_url
        progress.result = result
        progress.save()


def private_folder(name: str) -> Path:
    """``VAR_DIR/<name>``, made when missing, readable by the server's user only."""
    folder = Path(settings.VAR_DIR) / name
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


# Private folders of VAR_DIR: uploads waiting for their import job, and exports written
# in the background waiting for the person who asked (``RESULT_KEPT``).
UPLOADS = "uploads"
EXPORTS = "exports"

# How long an upload may wait for its job: one older than this belongs to a job that
# never ran or died with its worker, and is deleted by ``commons retention``.
UPLOAD_KEPT = datetime.timedelta(days=7)


def old_private_files(name: str, kept: datetime.timedelta, *, now=None) -> list[Path]:
    """The files of ``private_folder(name)`` last written more than ``kept`` ago."""
    cutoff = ((now or timezone.now()) - kept).timestamp()
    return [path for path in private_folder(name).iterdir() if path.stat().st_mtime < cutoff]


def delete_old_private_files(name: str, kept: datetime.timedelta, *, now=None) -> int:
    """Delete ``old_private_files(name, kept)``; returns how many went."""
    old = old_private_files(name, kept, now=now)
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def keep_file(*, data: bytes, folder: str, prefix: str, suffix: str = "") -> Path:
    """Keep a file a background job reads or writes: in ``private_folder(folder)``,
    readable by the server's user only, under a random name. An upload waits in
    ``uploads`` until its job deletes it (``run_upload_job``)."""
    path = private_folder(folder) / f"{prefix}-{secrets.token_hex(16)}{suffix}"
    path.touch(mode=0o600)
    path.write_bytes(data)
    return path


def run_upload_job(
    *,
    progress_id: int,
    path: str,
    work: Callable[[Callable[[int, int | None], None]], Any],
    refused: tuple[type[Exception], ...],
    result_url: Callable[[], str],
    failure: str,
) -> None:
    """The body of a background import of an uploaded file (``keep_file``).

    1. ``work(progress)`` imports the file, moving the job's progress as it goes, and
       returns its report (with ``as_dict()``).
    2. An exception of ``refused`` (the file or the request is not acceptable) fails the
       job with its message; any other fails it with ``failure`` and is raised again
       (the worker logs it).
    3. The file is deleted whatever happens; the report is kept as the job's result,
       for its owner, with ``result_url()`` to read it.
    """
    try:
        report = work(progress_reporter(progress_id))
    except refused as error:
        finish_progress(progress_id=progress_id, failed=True, message=str(error))
        return
    except Exception:
        finish_progress(progress_id=progress_id, failed=True, message=failure)
        raise
    finally:
        Path(path).unlink(missing_ok=True)
    finish_progress(progress_id=progress_id, result_url=result_url(), result=report.as_dict())


def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    attachments: list[list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send one plain-text e-mail now (the task ``core.tasks.send_email`` calls this).

    ``attachments`` are ``[filename, text content, MIME type]`` triples (JSON-friendly,
    since the task's arguments are stored), e.g. an iCalendar invitation; ``headers``
    extra headers such as RFC 8058's ``List-Unsubscribe``."""
    from django.core.mail import EmailMessage

    message = EmailMessage(subject, body, None, to, headers=headers or None)
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()


# Set by ``without_emails``: templated e-mails queued while it is on are dropped.
_QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("emails_quiet", default=False)


@contextlib.contextmanager
def without_emails():
    """Write without e-mailing anyone: the demo's made-up registrations, submissions
    and reviews go to nobody (``queue_templated_email`` drops what is queued meanwhile)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def recipient_language(user=None, *, fallback: str | None = None) -> str:
    """The language to write to someone in: their account's saved language, else
    ``fallback`` (the language they used when they acted, for a guest or a subscriber
    without an account), else ``LANGUAGE_CODE``. Codes the site does not offer are
    passed over."""
    offered = {code for code, _name in settings.LANGUAGES}
    for code in (getattr(user, "language", ""), fallback):
        if code in offered:
            return code
    return settings.LANGUAGE_CODE


def queue_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str | None = None,
    attachments: list[list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Render ``<template>_subject.txt`` / ``_body.txt`` in ``language`` and queue the mail
    (with extra ``headers``, e.g. ``List-Unsubscribe``, when given, and
    ``Content-Language``). Every address of ``to`` reads the same language: to write to
    several people, each in their own, use ``queue_templated_email_to_users``. Each
    address gets its own e-mail, so that nobody learns the others' addresses.

    Side effects: after the surrounding transaction commits, enqueues one background task
    per address (none inside ``without_emails``).
    """
    if _QUIET.get():
        return
    from django.template.loader import render_to_string
    from django.utils.translation import override

    from commons.core.tasks import send_email as send_email_task

    language = language or settings.LANGUAGE_CODE
    with override(language):
        full = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", full).strip()
        body = render_to_string(f"{template}_body.txt", full)
    subject = f"[{settings.SITE_NAME}] {subject}"
    headers = {"Content-Language": language, **(headers or {})}

    def enqueue():
        # one e-mail per address: no recipient reads the others' addresses
        for address in to:
            send_email_task.enqueue(
                subject=subject,
                body=body,
                to=[address],
                attachments=attachments or [],
                headers=headers,
            )

    transaction.on_commit(enqueue)


def queue_templated_email_to_users(*, users: Iterable, template: str, context: dict) -> None:
    """``queue_templated_email`` to several accounts, each in its own language
    (``recipient_language``): rendered once per language, one e-mail per address.

    Side effects: those of ``queue_templated_email``, once per language."""
    addresses: dict[str, list[str]] = {}
    for user in users:
        if user.email:
            addresses.setdefault(recipient_language(user), []).append(user.email)
    for language, to in sorted(addresses.items()):
        queue_templated_email(to=to, template=template, context=context, language=language)
