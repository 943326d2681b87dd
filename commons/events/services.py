"""Writes of events: saving an event, registrations with capacity and a waiting list,
attendance, feedback and reminders. Outcomes (recommendations, commitments) are written
by ``outcomes.py``.

Registrations change under a lock on the event's row (``_locked``), so that two people
taking the last place at the same moment cannot both get it: on PostgreSQL the second
waits for the first to commit and then counts again; SQLite runs write transactions
one at a time (``transaction_mode=IMMEDIATE`` in settings).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from commons.accounts.models import Organisation
from commons.core.services import queue_templated_email, recipient_language
from commons.events import ical
from commons.events.models import Event, Feedback, Registration, Theme
from commons.lib.text import render_markdown

REMINDER_BEFORE = datetime.timedelta(hours=24)
# --- Events ---------------------------------------------------------------------------


@transaction.atomic
def save_event(
    *,
    event: Event | None = None,
    fields: dict,
    organisers: Iterable[Organisation] | None = None,
    themes: Iterable[Theme] | None = None,
    actor=None,
) -> Event:
    """Create or change an event.

    Side effects: writes the event and its organisers and themes; when places were added
    (or the limit removed), promotes people from the waiting list and e-mails them.
    """
    creating = event is None
    event = Event(created_by=actor) if creating else _locked(event)
    for name, value in fields.items():
        setattr(event, name, value)
    event.summary_html = render_markdown(event.summary)
    event.full_clean(exclude=["organisers", "themes"])
    event.save()
    if organisers is not None:
        event.organisers.set(organisers)
    if themes is not None:
        event.themes.set(themes)
    if not creating:
        _promote_waiting(event)
    schedule_reminders(event)
    return event


@transaction.atomic
def set_event_status(*, event: Event, status: str, actor=None) -> Event:
    """Publish, cancel or return an event to draft.

    Side effects: saves the event; cancelling it e-mails every live participant with a
    cancelled calendar entry.
    """
    event = _locked(event)
    previous, event.status = event.status, status
    event.save(update_fields=["status", "updated_at"])
    schedule_reminders(event)
    if status == Event.Status.CANCELLED and previous != status:
        for registration in event.registrations.filter(
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
        ).select_related("user"):
            _mail(registration, "event_cancelled", cancelled=True)
    return event


def schedule_reminders(event: Event) -> None:
    """Queue the reminders of a published event to run a day before it starts (again
    when it moves: a run that finds the event outside its window sends nothing).

    Side effects: after commit, enqueues ``tasks.remind_participants`` deferred, when the
    task backend can defer (the database backend can); otherwise nothing."""
    from commons.events.tasks import remind_participants

    now = timezone.now()
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return
    when = event.starts_at - REMINDER_BEFORE
    task = remind_participants
    if when > now:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=when)
    transaction.on_commit(lambda: task.enqueue(event_id=event.pk))


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends (must run inside one)."""
    return Event.objects.select_for_update().get(pk=event.pk)


# --- Registrations --------------------------------------------------------------------


class RegistrationClosed(Exception):
    """The event does not take registrations (any more)."""


def _seat_free(event: Event) -> bool:
    if event.capacity is None:
        return True
    taken = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return taken < event.capacity


@transaction.atomic
def register(
    *,
    event: Event,
    user=None,
    name: str = "",
    email: str = "",
    organisation_name: str = "",
    language: str = "",
) -> tuple[Registration, str | None]:
    """Register a member (``user``) in one step, or a guest (``name`` and ``email``) who
    must then confirm the address.

    Returns the registration and the secret of its link (``None`` when the address was
    already registered: registering twice changes nothing; a guest's e-mail is sent to
    the address again with a new link).

    Side effects: locks the event's row; inserts a registration that holds a place, joins
    the waiting list, or (guest) waits for confirmation; queues one e-mail (confirmation
    with the calendar entry, waiting-list notice, or the guest's confirmation link).
    """
    event = _locked(event)
    if event.status != Event.Status.PUBLISHED or not event.registers_here:
        raise RegistrationClosed
    if event.ends_at <= timezone.now():
        raise RegistrationClosed
    if user is not None and user.is_authenticated:
        email = user.email
        name = user.name or user.display_name
        language = user.language or language
        if not organisation_name:
            first = user.memberships.filter(status="active").select_related("organisation")
            organisation_name = next((m.organisation.name for m in first[:1]), "")
    elif event.registration == Event.Registration.MEMBERS:
        raise RegistrationClosed
    existing = (
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .filter(email__iexact=email)
        .first()
    )
    if existing is not None:
        if existing.user_id is None and not (user is not None and user.is_authenticated):
            # A guest who lost the e-mail asks again: the message goes to the address
            # (never to whoever asks), with a new link; the old link stops working.
            _resend(existing)
        return existing, None
    raw, digest = Registration.new_token()
    registration = Registration(
        event=event,
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email.strip(),
        organisation_name=organisation_name,
        language=language or settings.LANGUAGE_CODE,
        token_hash=digest,
    )
    if registration.user is None:
        registration.status = Registration.Status.UNCONFIRMED
    else:
        registration.confirmed_at = timezone.now()
        registration.status = (
            Registration.Status.CONFIRMED if _seat_free(event) else Registration.Status.WAITLISTED
        )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same address registered in a parallel request
        return event.registrations.exclude(status="cancelled").get(email__iexact=email), None
    if registration.status == Registration.Status.UNCONFIRMED:
        _mail(registration, "registration_confirm_address", token=raw)
    else:
        _mail_status(registration, token=raw)
    return registration, raw


@transaction.atomic
def confirm_registration(*, registration: Registration, token: str) -> Registration:
    """A guest confirms their address from the e-mailed link: they take a place, or join
    the waiting list when the event is full.

    Side effects: locks the event's row; updates the registration; queues the
    confirmation (with the calendar entry) or the waiting-list e-mail.
    """
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.UNCONFIRMED:
        return registration
    if event.status != Event.Status.PUBLISHED or event.ends_at <= timezone.now():
        raise RegistrationClosed
    registration.confirmed_at = timezone.now()
    registration.status = (
        Registration.Status.CONFIRMED if _seat_free(event) else Registration.Status.WAITLISTED
    )
    registration.save(update_fields=["status", "confirmed_at", "updated_at"])
    _mail_status(registration, token=token)
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration, token: str = "") -> Registration:
    """Cancel a registration; the first person on the waiting list takes the place.

    Side effects: locks the event's row; marks the registration cancelled; queues a
    cancellation e-mail to its holder, and promotes (and e-mails) whoever the freed
    place goes to.
    """
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    _mail(registration, "registration_cancelled", cancelled=True, token=token)
    _promote_waiting(event)
    return registration


def _resend(registration: Registration) -> None:
    raw, registration.token_hash = Registration.new_token()
    registration.save(update_fields=["token_hash", "updated_at"])
    if registration.status == Registration.Status.UNCONFIRMED:
        _mail(registration, "registration_confirm_address", token=raw)
    else:
        _mail_status(registration, token=raw)


def _promote_waiting(event: Event) -> list[Registration]:
    """Give free places to the waiting list, first come first served (the event's row
    must be locked)."""
    promoted = []
    if event.status != Event.Status.PUBLISHED:
        return promoted
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )
    for registration in waiting:
        if not _seat_free(event):
            break
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _mail(registration, "registration_promoted")
        promoted.append(registration)
    return promoted


@transaction.atomic
def set_attendance(*, event: Event, attended: Iterable[int], present: Iterable[int]) -> int:
    """Mark who came: ``present`` are the registrations listed on the form, ``attended``
    those ticked among them (the others are marked absent).

    Side effects: updates the ``attended`` flag of the listed registrations."""
    present = set(present)
    attended = set(attended) & present
    listed = event.registrations.filter(pk__in=present)
    listed.filter(pk__in=attended).update(attended=True, updated_at=timezone.now())
    listed.exclude(pk__in=attended).update(attended=False, updated_at=timezone.now())
    return len(attended)


@transaction.atomic
def save_feedback(*, registration: Registration, rating: int, useful: str, improve: str):
    """Keep (or replace) a participant's feedback. Side effects: one Feedback row."""
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={"rating": rating, "useful": useful, "improve": improve},
    )
    return feedback


def send_reminders(*, now: datetime.datetime | None = None, event_id: int | None = None) -> int:
    """E-mail every confirmed participant of an event starting within a day, once.

    Each registration is claimed with a conditional UPDATE before its e-mail is queued,
    so two workers running this at once never remind anyone twice.

    ``schedule_reminders`` queues this for each published event, to run a day before it;
    ``commons events remind`` (from cron) covers task backends that cannot defer.

    Side effects: sets ``reminded_at``; queues one e-mail per participant reminded.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event", "user")  # the user: their language (``_mail``)
    if event_id is not None:
        due = due.filter(event_id=event_id)
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                Q(pk=registration.pk), Q(reminded_at__isnull=True)
            ).update(reminded_at=now)
            if claimed:
                _mail(registration, "registration_reminder")
                sent += 1
    return sent


# --- E-mails --------------------------------------------------------------------------


def _mail_status(registration: Registration, *, token: str | None = None) -> None:
    if registration.status == Registration.Status.CONFIRMED:
        _mail(registration, "registration_confirmed", token=token)
    else:
        _mail(registration, "registration_waitlisted", token=token)


def _mail(
    registration: Registration,
    template: str,
    *,
    token: str | None = None,
    cancelled: bool = False,
) -> None:
    """Queue one of the registration e-mails, in the participant's language: their
    account's as it is now (a member may have changed it since registering), else the
    one they registered in.

    A confirmed place comes with the calendar entry (with the meeting link); a cancelled
    one with the entry marked cancelled. The link to manage the registration is only
    in e-mails that know its secret (``token``) or for members (who sign in)."""
    event = registration.event
    attachments = []
    if template in {"registration_confirmed", "registration_promoted", "registration_reminder"}:
        attachments.append(ical.invitation(event))
    elif cancelled:
        attachments.append(ical.invitation(event, cancelled=True))
    queue_templated_email(
        to=[registration.email],
        template=f"events/email/{template}",
        context={
            "registration": registration,
            "event": event,
            "token": token,
            "starts_local": timezone.localtime(event.starts_at, event.tz),
            "ends_local": timezone.localtime(event.ends_at, event.tz),
            "starts_utc": event.starts_at.astimezone(datetime.UTC),
            "show_link": template
            in {"registration_confirmed", "registration_promoted", "registration_reminder"},
        },
        language=recipient_language(registration.user, fallback=registration.language),
        attachments=attachments,
    )
