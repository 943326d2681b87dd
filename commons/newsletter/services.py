"""Subscribing, confirming (double opt-in), changing preferences, unsubscribing and
suppressing addresses that bounce or complain."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commons.core.services import queue_templated_email
from commons.lib.tokens import derived_token, hash_token
from commons.newsletter.models import Subscriber

# No second e-mail about a subscription within this time, however often it is asked for:
# the subscribe form must not become a way to flood someone's inbox.
RESEND_AFTER = datetime.timedelta(minutes=10)

Status = Subscriber.Status


def normalise_email(email: str) -> str:
    return email.strip().lower()


def token_for(subscriber: Subscriber) -> str:
    """The token of a subscriber's confirm, manage and unsubscribe links. Derived from
    the secret key, so that each issue's sender can put it in the e-mail without the
    database holding it; changing SECRET_KEY invalidates every link already sent."""
    return derived_token("commons.newsletter.token", subscriber.token_salt)


def _new_token(subscriber: Subscriber) -> None:
    subscriber.token_salt = secrets.token_hex(16)
    subscriber.token_hash = hash_token(token_for(subscriber))


def subscriber_for_token(raw_token: str) -> Subscriber | None:
    return Subscriber.objects.filter(token_hash=hash_token(raw_token)).first()


def link(name: str, raw_token: str) -> str:
    """An absolute address of one of the token pages (confirm, manage, unsubscribe)."""
    return settings.SITE_URL + reverse(f"newsletter:{name}", kwargs={"token": raw_token})


def unsubscribe_headers(subscriber: Subscriber, raw_token: str) -> dict[str, str]:
    """RFC 8058 headers for a message to ``subscriber``: mail programs show an
    unsubscribe button that POSTs ``List-Unsubscribe=One-Click`` to the link."""
    return {
        "List-Unsubscribe": f"<{link('unsubscribe', raw_token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def too_many_from(ip: str | None, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``ip`` asked to subscribe ``NEWSLETTER_SUBSCRIPTIONS_PER_HOUR`` addresses
    or more in the last hour (counted in the database, so across processes)."""
    if not ip:
        return False
    since = (now or timezone.now()) - datetime.timedelta(hours=1)
    asked = Subscriber.objects.filter(subscribe_ip=ip, subscribed_at__gte=since).count()
    return asked >= settings.NEWSLETTER_SUBSCRIPTIONS_PER_HOUR


def _mail(subscriber: Subscriber, template: str, *, now: datetime.datetime) -> None:
    """E-mail the subscriber about their subscription, at most once per RESEND_AFTER."""
    sent = subscriber.confirmation_sent_at
    if sent is not None and now - sent < RESEND_AFTER:
        return
    raw = token_for(subscriber)
    queue_templated_email(
        to=[subscriber.email],
        template=f"newsletter/email/{template}",
        context={
            "confirm_url": link("confirm", raw),
            "manage_url": link("manage", raw),
            "unsubscribe_url": link("unsubscribe", raw),
        },
        language=subscriber.language,
    )
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at", "updated_at"])


def _set_preferences(subscriber: Subscriber, preferences: dict) -> None:
    for name in ("language", "topics", "regions", "frequency"):
        if name in preferences:
            setattr(subscriber, name, preferences[name])


@transaction.atomic
def subscribe(
    *, email: str, preferences: dict, ip: str | None = None, user=None
) -> Subscriber | None:
    """Ask to subscribe ``email`` (double opt-in). The caller answers the same whatever
    happens here, so that the form does not tell whether an address is known.

    Side effects: creates or updates one ``Subscriber``; an unknown, waiting or
    unsubscribed address becomes waiting, with the request's time and IP kept, and is
    sent a confirmation link; a confirmed one is sent a link to its preferences (which are
    left unchanged: a stranger may not change them); a suppressed one is sent nothing.
    No e-mail goes out within RESEND_AFTER of the previous one. Returns the subscriber
    (None for a suppressed address).
    """
    email = normalise_email(email)
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email)
        _new_token(subscriber)
    if subscriber.status == Status.SUPPRESSED:
        return None
    if subscriber.status == Status.CONFIRMED:
        _mail(subscriber, "already_subscribed", now=now)
        return subscriber
    _set_preferences(subscriber, preferences)
    subscriber.status = Status.PENDING
    subscriber.subscribed_at, subscriber.subscribe_ip = now, ip
    subscriber.confirmed_at = subscriber.confirm_ip = None
    subscriber.confirmed_by = ""
    subscriber.unsubscribed_at, subscriber.unsubscribed_how = None, ""
    if user is not None and normalise_email(user.email) == email:
        subscriber.user = user
    subscriber.save()
    _mail(subscriber, "confirm", now=now)
    return subscriber


@transaction.atomic
def confirm(*, subscriber: Subscriber, ip: str | None = None) -> bool:
    """Confirm a waiting subscription from the link in its confirmation e-mail.

    Side effects: a waiting subscriber becomes confirmed, with the time and IP kept.
    An ended subscription is not revived by an old link. Returns whether the subscriber
    is now confirmed.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == Status.PENDING:
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at, subscriber.confirm_ip = timezone.now(), ip
        subscriber.confirmed_by = Subscriber.ConfirmedBy.LINK
        subscriber.save()
    return subscriber.status == Status.CONFIRMED


@transaction.atomic
def subscribe_member(*, user, preferences: dict, ip: str | None = None) -> Subscriber | None:
    """Subscribe a signed-in member's verified account address at once: the account's
    verification stands for the confirmation e-mail.

    Side effects: creates or updates the ``Subscriber`` of ``user.email``, confirmed by
    the account, linked to ``user``, with ``preferences``. Returns None (and changes
    nothing) when the address is suppressed.
    """
    email = normalise_email(user.email)
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email)
        _new_token(subscriber)
    if subscriber.status == Status.SUPPRESSED:
        return None
    _set_preferences(subscriber, preferences)
    subscriber.user = user
    if subscriber.status != Status.CONFIRMED:
        subscriber.status = Status.CONFIRMED
        subscriber.subscribed_at = subscriber.confirmed_at = now
        subscriber.subscribe_ip = subscriber.confirm_ip = ip
        subscriber.confirmed_by = Subscriber.ConfirmedBy.ACCOUNT
        subscriber.unsubscribed_at, subscriber.unsubscribed_how = None, ""
    subscriber.save()
    return subscriber


def update_preferences(*, subscriber: Subscriber, preferences: dict) -> Subscriber:
    """Side effects: saves the subscriber's language, topics, regions and frequency."""
    _set_preferences(subscriber, preferences)
    subscriber.save(update_fields=["language", "topics", "regions", "frequency", "updated_at"])
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, how: str) -> Subscriber:
    """End a subscription (``how`` is a ``Subscriber.Ending``). Asking again changes
    nothing, so that repeated one-click POSTs are harmless.

    Side effects: a waiting or confirmed subscriber becomes unsubscribed, with the time
    and the way kept.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status in (Status.PENDING, Status.CONFIRMED):
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at, subscriber.unsubscribed_how = timezone.now(), how
        subscriber.save()
    return subscriber


@transaction.atomic
def suppress(*, email: str, reason: str, detail: str = "") -> Subscriber | None:
    """Never write to ``email`` again: it bounced or its owner complained (``reason`` is
    ``Subscriber.Ending.BOUNCE`` or ``COMPLAINT``; ``detail`` the provider's words). For
    the mail provider's tracking signals.

    Side effects: the address's subscriber, if any, becomes suppressed, with the time,
    reason and detail kept. Returns it (None for an unknown address).
    """
    subscriber = (
        Subscriber.objects.select_for_update().filter(email__iexact=normalise_email(email)).first()
    )
    if subscriber is None or subscriber.status == Status.SUPPRESSED:
        return subscriber
    subscriber.status = Status.SUPPRESSED
    subscriber.unsubscribed_at, subscriber.unsubscribed_how = timezone.now(), reason
    subscriber.suppression_reason = detail[:2000]
    subscriber.save()
    return subscriber
