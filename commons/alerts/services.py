"""Writes of alerts: writing and submitting one, the moderator's review, corrections,
retraction, renewal and expiry, the right of reply, subscriptions, and the audit of
every read and export."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commons.accounts.models import Membership, User
from commons.alerts import names, rules
from commons.alerts.models import Alert, AlertEvent, AlertSubscription, RightOfReply
from commons.core.models import AuditEvent
from commons.core.services import queue_templated_email, recipient_language, record_audit
from commons.lib.geo import country_name
from commons.lib.lists import join_list

# What ``save_alert`` takes as ``fields``.
ALERT_FIELDS = (
    "actor_name",
    "actor_kind",
    "actor_aliases",
    "licence_number",
    "actor_country",
    "countries",
    "routes",
    "patterns",
    "evidence_summary",
    "source_kind",
)


class TooManyReplies(Exception):
    """This address sent as many right-of-reply statements as an hour allows."""


def valid_for() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ALERTS_VALID_DAYS)


def _prepare(alert: Alert) -> None:
    alert.actor_aliases = [a.strip() for a in alert.actor_aliases if a and a.strip()]
    alert.licence_key = names.licence_key(alert.licence_number)
    alert.search_names = names.search_names(alert.actor_name, alert.actor_aliases)


def _log(alert: Alert, kind: str, by=None, text: str = "") -> AlertEvent:
    """Keep a change in the alert's history (shown on it) and in the audit log (which
    names the alert by number only: the actor's name stays in the alert)."""
    record_audit(
        action=AuditEvent.Action.ALERT_CHANGED,
        actor=by,
        target=alert,
        target_label=f"alert {alert.pk}",
        data={"change": kind},
    )
    return AlertEvent.objects.create(alert=alert, kind=kind, by=by, text=text)


@transaction.atomic
def save_alert(
    *, fields: dict, author: User, organisation, alert: Alert | None = None, submit: bool
) -> Alert:
    """Write a new alert or change a draft, in the name of a verified organisation the
    author belongs to; ``submit`` sends it to the moderators (again, for a refused one).

    Side effects: saves the alert; when submitted, a history line and an e-mail (with
    no content of the alert) to each moderator."""
    if organisation not in rules.verified_organisations_of(author):
        raise ValueError("An alert is reported by a verified organisation of its author.")
    if alert is None:
        alert = Alert(author=author)
    for name in ALERT_FIELDS:
        if name in fields:
            setattr(alert, name, fields[name])
    alert.organisation = organisation
    _prepare(alert)
    if submit:
        alert.status = Alert.Status.SUBMITTED
        alert.submitted_at = timezone.now()
        alert.rejection_reason = ""
    alert.save()
    if submit:
        _log(alert, AlertEvent.Kind.SUBMITTED, author)
        _tell_moderators(alert)
    return alert


@transaction.atomic
def publish_alert(*, alert: Alert, moderator: User, note: str = "", request=None) -> Alert:
    """Publish an alert that meets the review standard; it is current for
    ``ALERTS_VALID_DAYS``.

    Side effects: saves it with the review date and note; a history line; e-mails its
    author and, with no content of the alert, the subscribed organisations of its
    countries."""
    if alert.status != Alert.Status.SUBMITTED:
        raise ValueError("Only an alert waiting for review is published.")
    now = timezone.now()
    alert.status = Alert.Status.PUBLISHED
    alert.reviewed_by = moderator
    alert.reviewed_at = now
    alert.review_note = note.strip()
    alert.published_at = now
    alert.expires_at = now + valid_for()
    alert.save()
    _log(alert, AlertEvent.Kind.PUBLISHED, moderator, alert.review_note)
    _tell_author(alert, "published")
    _tell_subscribers(alert)
    return alert


@transaction.atomic
def reject_alert(*, alert: Alert, moderator: User, reason: str, request=None) -> Alert:
    """Send an alert back to its author with the reason (what the standard misses).

    Side effects: saves it; a history line; e-mails its author."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A refusal needs a reason.")
    if alert.status != Alert.Status.SUBMITTED:
        raise ValueError("Only an alert waiting for review is refused.")
    alert.status = Alert.Status.REJECTED
    alert.rejection_reason = reason
    alert.reviewed_by = moderator
    alert.reviewed_at = timezone.now()
    alert.save()
    _log(alert, AlertEvent.Kind.REJECTED, moderator, reason)
    _tell_author(alert, "rejected")
    return alert


@transaction.atomic
def correct_alert(*, alert: Alert, text: str, by: User) -> AlertEvent:
    """Add a correction: the alert's text stays as reviewed, the correction is shown
    under it with its date and author.

    Side effects: a history line."""
    text = text.strip()
    if not text:
        raise ValueError("A correction needs a text.")
    return _log(alert, AlertEvent.Kind.CORRECTED, by, text)


@transaction.atomic
def retract_alert(*, alert: Alert, reason: str, by: User) -> Alert:
    """Withdraw an alert: it stays readable, marked retracted, with the reason.

    Side effects: saves it; a history line."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A retraction needs a reason.")
    alert.status = Alert.Status.RETRACTED
    alert.retracted_at = timezone.now()
    alert.retraction_reason = reason
    alert.save()
    _log(alert, AlertEvent.Kind.RETRACTED, by, reason)
    return alert


@transaction.atomic
def renew_alert(*, alert: Alert, by: User) -> Alert:
    """Keep an alert current for another ``ALERTS_VALID_DAYS`` from now (an expired one
    is published again).

    Side effects: saves it; a history line."""
    if alert.status not in {Alert.Status.PUBLISHED, Alert.Status.EXPIRED}:
        raise ValueError("Only a published or expired alert is renewed.")
    now = timezone.now()
    alert.status = Alert.Status.PUBLISHED
    alert.expires_at = now + valid_for()
    alert.renewed_at = now
    alert.save()
    _log(alert, AlertEvent.Kind.RENEWED, by)
    return alert


def expire_alerts(*, now: datetime.datetime | None = None) -> int:
    """Mark expired every published alert whose time has passed; running it again
    changes nothing. Returns how many expired.

    Side effects: one conditional UPDATE per alert (so that two runs at once expire each
    alert once), and a history line for each."""
    now = now or timezone.now()
    expired = 0
    due = Alert.objects.filter(status=Alert.Status.PUBLISHED, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            changed = Alert.objects.filter(
                pk=pk, status=Alert.Status.PUBLISHED, expires_at__lte=now
            ).update(status=Alert.Status.EXPIRED, updated_at=now)
            if changed:
                AlertEvent.objects.create(alert_id=pk, kind=AlertEvent.Kind.EXPIRED)
                expired += 1
    return expired


# --- Right of reply ---------------------------------------------------------------------


def submit_reply(*, fields: dict, ip_address: str | None) -> RightOfReply:
    """Keep a statement sent through the public form for the moderators. Nothing is
    looked up: the sender learns nothing of whether an alert names them.

    Side effects: inserts one row; e-mails the moderators (no content). Raises
    ``TooManyReplies`` past ``ALERTS_REPLIES_PER_HOUR`` from one address."""
    since = timezone.now() - datetime.timedelta(hours=1)
    if (
        ip_address
        and RightOfReply.objects.filter(ip_address=ip_address, created_at__gte=since).count()
        >= settings.ALERTS_REPLIES_PER_HOUR
    ):
        raise TooManyReplies
    with transaction.atomic():
        reply = RightOfReply.objects.create(ip_address=ip_address, **fields)
        for moderator in _moderators():
            queue_templated_email(
                to=[moderator.email],
                template="alerts/email/reply_received",
                context={},
                language=recipient_language(moderator),
            )
    return reply


@transaction.atomic
def attach_reply(*, reply: RightOfReply, alert: Alert, moderator: User, note: str = "") -> None:
    """Show a statement on the alert it answers.

    Side effects: saves the statement; a history line on the alert."""
    reply.status = RightOfReply.Status.ATTACHED
    reply.alert = alert
    reply.decided_by = moderator
    reply.decided_at = timezone.now()
    reply.moderator_note = note.strip()
    reply.save()
    _log(alert, AlertEvent.Kind.REPLY, moderator, reply.represents)


@transaction.atomic
def dismiss_reply(*, reply: RightOfReply, moderator: User, note: str) -> None:
    """Side effects: saves the statement as dismissed, with the moderator's note."""
    reply.status = RightOfReply.Status.DISMISSED
    reply.decided_by = moderator
    reply.decided_at = timezone.now()
    reply.moderator_note = note.strip()
    reply.save()


# --- Subscriptions ----------------------------------------------------------------------


@transaction.atomic
def save_subscription(
    *, organisation, countries: list[str], members_too: bool, by: User
) -> AlertSubscription | None:
    """Subscribe a verified organisation to new alerts about ``countries`` (none: stop).

    Side effects: inserts, updates or deletes its subscription."""
    if not countries:
        AlertSubscription.objects.filter(organisation=organisation).delete()
        return None
    subscription, _created = AlertSubscription.objects.update_or_create(
        organisation=organisation,
        defaults={"countries": countries, "members_too": members_too, "updated_by": by},
    )
    return subscription


# --- Audit ------------------------------------------------------------------------------


def record_list_read(*, request, filters, alerts: list[Alert], via: str) -> None:
    """Side effects: one audit line with the query and the ids of the alerts shown."""
    record_audit(
        action=AuditEvent.Action.SENSITIVE_READ,
        request=request,
        target_label="alerts list",
        data={"via": via, "query": filters.as_query(), "ids": [alert.pk for alert in alerts]},
    )


def record_alert_read(*, request, alert: Alert, via: str) -> None:
    """Side effects: one audit line naming the alert read."""
    record_audit(
        action=AuditEvent.Action.SENSITIVE_READ,
        request=request,
        target=alert,
        data={"via": via},
    )


EXPORT_COLUMNS = [
    "id",
    "status",
    "actor_name",
    "actor_kind",
    "actor_aliases",
    "licence_number",
    "actor_country",
    "countries",
    "routes",
    "patterns",
    "source_kind",
    "evidence_summary",
    "organisation",
    "reviewed_at",
    "published_at",
    "expires_at",
    "retraction_reason",
]


def export_alerts(*, by: User, request=None) -> bytes:
    """Every published, retracted and expired alert as CSV, for a data steward, its
    headers in the active language.

    Side effects: one EXPORT audit line with the ids exported."""
    if not rules.can_export_alerts(by):
        raise PermissionError("Only a data steward with a second factor exports alerts.")
    alerts = list(
        Alert.objects.filter(status__in=Alert.READABLE)
        .select_related("organisation")
        .order_by("pk")
    )

    def when(value):
        return value.astimezone(datetime.UTC).isoformat() if value else ""

    rows = [
        {
            "id": alert.pk,
            "status": alert.status,
            "actor_name": alert.actor_name,
            "actor_kind": alert.actor_kind,
            "actor_aliases": "; ".join(alert.actor_aliases),
            "licence_number": alert.licence_number,
            "actor_country": alert.actor_country,
            "countries": " ".join(alert.countries),
            "routes": " ".join(f"{a}>{b}" for a, b in alert.routes),
            "patterns": " ".join(alert.patterns),
            "source_kind": alert.source_kind,
            "evidence_summary": alert.evidence_summary,
            "organisation": alert.organisation.name,
            "reviewed_at": when(alert.reviewed_at),
            "published_at": when(alert.published_at),
            "expires_at": when(alert.expires_at),
            "retraction_reason": alert.retraction_reason,
        }
        for alert in alerts
    ]
    from commons.lib.tabular import column_labels, write_csv

    # for the steward to read: the headers are the fields' names in their language (the
    # cells keep the API's codes)
    content = write_csv(rows, EXPORT_COLUMNS, headers=column_labels(Alert, EXPORT_COLUMNS))
    record_audit(
        action=AuditEvent.Action.EXPORT,
        actor=by,
        request=request,
        target_label="alerts export",
        data={"ids": [alert.pk for alert in alerts]},
    )
    return content


# --- E-mails: none carries the content of an alert ---------------------------------------


def _moderators():
    return User.objects.filter(Q(is_moderator=True) | Q(is_staff=True), is_active=True)


def _tell_moderators(alert: Alert) -> None:
    for moderator in _moderators():
        queue_templated_email(
            to=[moderator.email],
            template="alerts/email/submitted",
            context={"alert_id": alert.pk},
            language=recipient_language(moderator),
        )


def _tell_author(alert: Alert, decision: str) -> None:
    author = alert.author
    if author is None or author == alert.reviewed_by:
        return
    queue_templated_email(
        to=[author.email],
        template=f"alerts/email/{decision}",
        context={"alert_id": alert.pk},
        language=recipient_language(author),
    )


def alert_countries(alert: Alert) -> set[str]:
    codes = {alert.actor_country, *alert.countries}
    for route in alert.routes:
        codes.update(route)
    return {code for code in codes if code}


def _tell_subscribers(alert: Alert) -> None:
    """One e-mail per person, in their language, naming only the countries concerned."""
    concerned = alert_countries(alert)
    told: set[int] = set()
    subscriptions = AlertSubscription.objects.filter(
        organisation__verified_at__isnull=False
    ).select_related("organisation")
    for subscription in subscriptions:
        theirs = sorted(concerned & set(subscription.countries))
        if not theirs:
            continue
        memberships = Membership.objects.filter(
            organisation=subscription.organisation,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        ).select_related("user")
        if not subscription.members_too:
            memberships = memberships.filter(role=Membership.Role.ADMIN)
        for membership in memberships:
            person = membership.user
            if person.pk in told:
                continue
            told.add(person.pk)
            language = recipient_language(person)
            queue_templated_email(
                to=[person.email],
                template="alerts/email/new_alert",
                context={
                    "alert_id": alert.pk,
                    "countries": join_list(
                        (country_name(code, language) for code in theirs), language
                    ),
                    "organisation": subscription.organisation.name,
                },
                language=language,
            )
