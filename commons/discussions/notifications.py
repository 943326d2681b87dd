"""Notifications of discussions: on the platform (``Notification`` rows, the inbox) and
by e-mail, as each person chose in their ``Participant.email``: at once, in a daily
digest, or never.

Who hears of a published message:

- its thread's watchers, with a REPLY notification: those with a ``Watch`` "watching",
  plus the thread's author and everyone who published a message in it;
- the people it mentions, with a MENTION notification (instead of a REPLY one), even if
  they do not watch the thread;
- never its own author, nobody who muted the thread, and nobody who may not read it.

Each e-mail carries RFC 8058 one-click unsubscribe headers pointing at the person's
``discussions:unsubscribe`` link, which sets their choice to "never".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from commons.core.services import queue_templated_email, recipient_language
from commons.discussions import rules, services
from commons.discussions.models import Message, Notification, Participant, Watch

# A daily digest goes out at most once in this long (a little under a day, so that a
# daily timer that starts a few minutes early still sends).
DIGEST_EVERY = datetime.timedelta(hours=23)
# Without an earlier digest, a first digest looks back this far.
DIGEST_LOOKBACK = datetime.timedelta(days=2)
# At most this many notifications are listed in one digest (the rest: "and N more").
DIGEST_MAX_ITEMS = 50


def unsubscribe_url(participant: Participant) -> str:
    return settings.SITE_URL + reverse(
        "discussions:unsubscribe", kwargs={"token": services.token_for(participant)}
    )


def unsubscribe_headers(participant: Participant) -> dict[str, str]:
    """RFC 8058 headers: mail programs show an unsubscribe button that POSTs
    ``List-Unsubscribe=One-Click`` to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(participant)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def watchers(thread) -> set[int]:
    """The ids of the people who hear of every reply in ``thread`` (muted ones removed)."""
    levels = dict(Watch.objects.filter(thread=thread).values_list("user_id", "level"))
    ids = {user_id for user_id, level in levels.items() if level == Watch.Level.WATCHING}
    if thread.author_id is not None:
        ids.add(thread.author_id)
    ids.update(
        thread.messages.filter(status=Message.Status.PUBLISHED, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    return {user_id for user_id in ids if levels.get(user_id) != Watch.Level.MUTED}


def message_published(message: Message) -> list[Notification]:
    """Tell the thread's watchers and the people ``message`` mentions; e-mail at once
    those who chose so.

    Side effects: creates ``Notification`` rows (one per person, kind and message: a
    second call adds none); queues e-mails for people whose choice is "immediately".
    Returns the notifications made now.
    """
    message = Message.objects.select_related("thread", "thread__category").get(pk=message.pk)
    if message.status != Message.Status.PUBLISHED:
        return []
    thread = message.thread
    muted = set(
        Watch.objects.filter(thread=thread, level=Watch.Level.MUTED).values_list(
            "user_id", flat=True
        )
    )
    skip = muted | {message.author_id}
    mentioned = {user.pk for user in message.mentions.all()} - skip
    replied = watchers(thread) - skip - mentioned
    User = get_user_model()
    people = User.objects.filter(pk__in=mentioned | replied, is_active=True)
    wanted = [
        Notification(
            user=person,
            kind=Notification.Kind.MENTION if person.pk in mentioned else Notification.Kind.REPLY,
            message=message,
        )
        for person in people
        if rules.can_read_thread(person, thread)
    ]
    made = _create(wanted)
    email_now(made)
    return made


def _create(wanted: list[Notification]) -> list[Notification]:
    """Insert the notifications that do not exist yet; returns those inserted."""
    made = []
    for notification in wanted:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # told already (a message published twice)
            continue
        made.append(notification)
    return made


def notify_moderation(message: Message) -> Notification | None:
    """Tell a message's author that a moderator acted on it (approved, hid, edited or
    deleted it). A later action on the same message makes the notification new again.

    Side effects: creates or renews one ``Notification``; maybe queues an e-mail.
    """
    if message.author_id is None:
        return None
    notification, created = Notification.objects.get_or_create(
        user_id=message.author_id, kind=Notification.Kind.MODERATION, message=message
    )
    if not created:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now(), read_at=None, emailed_at=None
        )
        notification.refresh_from_db()
    email_now([notification])
    return notification


def _claim(notification_pks: list[int], now: datetime.datetime) -> int:
    """Mark notifications e-mailed, only those no other run marked (conditional UPDATE)."""
    return Notification.objects.filter(pk__in=notification_pks, emailed_at__isnull=True).update(
        emailed_at=now
    )


def _context(notification: Notification) -> dict:
    message = notification.message
    return {
        "notification": notification,
        "message": message,
        "thread": message.thread,
        "author_name": message.author.name if message.author_id else "",
        "url": settings.SITE_URL + message.get_absolute_url(),
    }


def email_now(notifications: list[Notification]) -> int:
    """E-mail each notification whose person chose "immediately", one e-mail each.

    Side effects: marks them e-mailed (claimed by a conditional UPDATE, so each goes out
    once); queues the e-mails. Returns how many were queued.
    """
    sent = 0
    now = timezone.now()
    for notification in notifications:
        user = notification.user
        if not user.is_active or not user.email:
            continue
        participant = services.participant_for(user)
        if participant.email != Participant.Email.IMMEDIATELY:
            continue
        if not _claim([notification.pk], now):
            continue
        queue_templated_email(
            to=[user.email],
            template="discussions/email/notification",
            context={
                **_context(notification),
                "unsubscribe_url": unsubscribe_url(participant),
                "settings_url": settings.SITE_URL + reverse("discussions:settings"),
            },
            language=recipient_language(user),
            headers=unsubscribe_headers(participant),
        )
        sent += 1
    return sent


def _still_relevant(notification: Notification, user) -> bool:
    """A reply or mention whose message was hidden since, or whose thread the person may
    no longer read, is left out of the digest; a moderator's action never is."""
    if notification.kind == Notification.Kind.MODERATION:
        return True
    message = notification.message
    return message.status == Message.Status.PUBLISHED and rules.can_read_thread(
        user, message.thread
    )


def _digest_candidates(now: datetime.datetime):
    """Users with notifications neither read nor e-mailed, who chose the daily digest (or
    made no choice yet: the default is daily)."""
    User = get_user_model()
    pending = Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, created_at__gt=now - DIGEST_LOOKBACK
    )
    chose_daily = Q(discussion_participant__email=Participant.Email.DAILY) | Q(
        discussion_participant__isnull=True
    )
    return (
        User.objects.filter(is_active=True, pk__in=pending.values("user_id"))
        .filter(chose_daily)
        .order_by("pk")
    )


def send_digests(
    now: datetime.datetime | None = None,
    *,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Send the daily digests due at ``now``.

    1. The people to write to: those who chose the daily digest and have notifications
       they neither read nor received by e-mail.
    2. Each person's digest is claimed by a conditional UPDATE of their
       ``digest_sent_at`` (still empty, or older than ``DIGEST_EVERY``): a run at the same
       time elsewhere, or a rerun, finds it taken and sends nothing.
    3. Their notifications since the previous digest (or ``DIGEST_LOOKBACK``) that are
       still worth telling are marked e-mailed (conditionally too) and listed in one
       e-mail, in the person's language, with one-click unsubscribe headers.

    Side effects: ``Participant.digest_sent_at`` and ``Notification.emailed_at``
    updated; one e-mail queued per person with something to tell. Returns how many
    e-mails were queued.
    """
    now = now or timezone.now()
    people = list(_digest_candidates(now))
    total = len(people)
    sent = 0
    for done, user in enumerate(people, start=1):
        if _send_digest(user, now):
            sent += 1
        if progress is not None:
            progress(done, total)
    return sent


def _send_digest(user, now: datetime.datetime) -> bool:
    participant = services.participant_for(user)
    if participant.email != Participant.Email.DAILY:
        return False
    previous = participant.digest_sent_at
    due = Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DIGEST_EVERY)
    with transaction.atomic():
        if not Participant.objects.filter(due, pk=participant.pk).update(digest_sent_at=now):
            return False
        since = max(filter(None, [previous, now - DIGEST_LOOKBACK]))
        pending = list(
            Notification.objects.filter(
                user=user,
                emailed_at__isnull=True,
                read_at__isnull=True,
                created_at__gt=since,
                created_at__lte=now,
            )
            .select_related("message", "message__thread", "message__thread__category")
            .select_related("message__author")
            .order_by("created_at", "pk")
        )
        items = [n for n in pending if _still_relevant(n, user)]
        if not items or not _claim([n.pk for n in items], now):
            return False
        # only those this run claimed (another run may have e-mailed some at once)
        claimed = set(
            Notification.objects.filter(pk__in=[n.pk for n in items], emailed_at=now).values_list(
                "pk", flat=True
            )
        )
        items = [n for n in items if n.pk in claimed]
        queue_templated_email(
            to=[user.email],
            template="discussions/email/digest",
            context={
                "items": [_context(n) for n in items[:DIGEST_MAX_ITEMS]],
                "count": len(items),
                "more": max(0, len(items) - DIGEST_MAX_ITEMS),
                "inbox_url": settings.SITE_URL + reverse("discussions:notifications"),
                "settings_url": settings.SITE_URL + reverse("discussions:settings"),
                "unsubscribe_url": unsubscribe_url(participant),
            },
            language=recipient_language(user),
            headers=unsubscribe_headers(participant),
        )
    return True


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
