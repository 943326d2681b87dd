"""Taking part in discussions: participants and their handles, and publishing a message
(the one place a message becomes visible, whether at once or after a moderator's review).
Starting threads, replying and editing are added below by the writing views' services."""

import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from commons.core.services import unique_slug
from commons.discussions.models import Message, Participant, Thread

# Handles that would read as roles or collide with page names.
RESERVED_HANDLES = frozenset({"all", "everyone", "here", "moderators", "staff", "admin"})


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_for(participant: Participant) -> str:
    """The token of a participant's one-click unsubscribe link, derived from the secret
    key so that the database holds only its hash."""
    return salted_hmac(
        "commons.discussions.unsubscribe", participant.token_salt, algorithm="sha256"
    ).hexdigest()


def participant_for_token(raw: str) -> Participant | None:
    return Participant.objects.filter(token_hash=_hash(raw)).select_related("user").first()


def participant_for(user) -> Participant:
    """The user's participant row, made on first use with a handle from their name (or
    the part of their e-mail address before the @).

    Side effects: may create a ``Participant``.
    """
    found = Participant.objects.filter(user=user).first()
    if found is not None:
        return found
    name = user.name or user.email.split("@")[0]
    participant = Participant(
        user=user,
        handle=unique_slug(
            name,
            model=Participant,
            max_length=40,
            fallback="member",
            reserved=RESERVED_HANDLES,
            field="handle",
        ),
        token_salt=secrets.token_hex(16),
    )
    participant.token_hash = _hash(token_for(participant))
    participant.save()
    return participant


@transaction.atomic
def publish_message(message: Message) -> Message:
    """Make a message visible: now published, its thread visible (a first message) and
    active; the reply count follows. Then, after commit, tell its watchers and the people
    it mentions (``notifications.message_published``).

    Side effects: updates the message and its thread; notifications after commit.
    """
    from commons.discussions import notifications

    now = timezone.now()
    message.status = Message.Status.PUBLISHED
    message.published_at = message.published_at or now
    message.save(update_fields=["status", "published_at", "updated_at"])
    first = not message.thread.messages.filter(created_at__lt=message.created_at).exists()
    changes = {"last_activity_at": now, "updated_at": now}
    if first:
        changes["is_visible"] = True
    else:
        changes["reply_count"] = F("reply_count") + 1
    Thread.objects.filter(pk=message.thread_id).update(**changes)
    message.thread.refresh_from_db()
    transaction.on_commit(lambda: notifications.message_published(message))
    return message
