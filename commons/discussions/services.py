"""Taking part in discussions: participants and their handles, and publishing a message
(the one place a message becomes visible, whether at once or after a moderator's review).
Starting threads, replying and editing are added below by the writing views' services."""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from commons.core.services import unique_slug
from commons.discussions import rules
from commons.discussions.models import (
    Attachment,
    Flag,
    Message,
    Notification,
    Participant,
    ReadMark,
    Thread,
    Watch,
)
from commons.lib.text import render_markdown
from commons.lib.tokens import derived_token, hash_token

# Handles that would read as roles or collide with page names.
RESERVED_HANDLES = frozenset({"all", "everyone", "here", "moderators", "staff", "admin"})


def token_for(participant: Participant) -> str:
    """The token of a participant's one-click unsubscribe link, derived from the secret
    key so that the database holds only its hash."""
    return derived_token("commons.discussions.unsubscribe", participant.token_salt)


def participant_for_token(raw: str) -> Participant | None:
    return Participant.objects.filter(token_hash=hash_token(raw)).select_related("user").first()


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
    participant.token_hash = hash_token(token_for(participant))
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


# --- Writing: threads, replies, edits, watches, read marks, flags ----------------------------
# (below: the writing views' services)


MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{0,39})")
MAX_TAGS = 8


class RateLimited(Exception):
    """Too many messages (or threads) in the spam window: ``retry_at`` says when the
    person may post again."""

    def __init__(self, retry_at: datetime.datetime, *, threads: bool):
        super().__init__(retry_at)
        self.retry_at = retry_at
        self.threads = threads


@dataclass
class Upload:
    """A file that passed ``library.files.check_upload``."""

    name: str
    kind: str
    content: bytes


def parse_tags(text: str) -> list[str]:
    """Tags typed comma-separated → distinct slugs, at most ``MAX_TAGS``."""
    found: list[str] = []
    for part in (text or "").split(","):
        tag = slugify(part.strip())[:40]
        if tag and tag not in found:
            found.append(tag)
    return found[:MAX_TAGS]


def is_held_for_review(user) -> bool:
    """A new account's first messages wait for a moderator: the account is younger than
    ``NEW_ACCOUNT_AGE`` and fewer than ``APPROVED_TO_BE_TRUSTED`` of its messages were
    published. Moderators and staff are never held."""
    if rules.can_moderate(user):
        return False
    if timezone.now() - user.date_joined >= rules.NEW_ACCOUNT_AGE:
        return False
    published = Message.objects.filter(author=user, status=Message.Status.PUBLISHED).count()
    return published < rules.APPROVED_TO_BE_TRUSTED


def check_rate(user, *, new_thread: bool) -> None:
    """Raise ``RateLimited`` when the person wrote ``MESSAGES_PER_WINDOW`` messages (or
    ``THREADS_PER_WINDOW`` threads) in the last ``WINDOW``; counted from the messages
    table, so it holds across processes without a cache. Moderators are not limited."""
    if rules.can_moderate(user):
        return
    now = timezone.now()
    since = now - rules.WINDOW
    recent = Message.objects.filter(author=user, created_at__gte=since)
    stamps = list(recent.order_by("-created_at").values_list("created_at", flat=True))
    if len(stamps) >= rules.MESSAGES_PER_WINDOW:
        oldest = stamps[rules.MESSAGES_PER_WINDOW - 1]
        raise RateLimited(oldest + rules.WINDOW, threads=False)
    if new_thread:
        started = Thread.objects.filter(author=user, created_at__gte=since)
        stamps = list(started.order_by("-created_at").values_list("created_at", flat=True))
        if len(stamps) >= rules.THREADS_PER_WINDOW:
            oldest = stamps[rules.THREADS_PER_WINDOW - 1]
            raise RateLimited(oldest + rules.WINDOW, threads=True)


def mentioned_people(body: str, thread: Thread) -> list:
    """The people ``@handle``-mentioned in ``body`` who may read the thread."""
    handles = {h.lower() for h in MENTION.findall(body or "")}
    if not handles:
        return []
    found = Participant.objects.select_related("user").filter(handle__in=handles)
    return [p.user for p in found if p.user.is_active and rules.can_read_thread(p.user, thread)]


def render_body(body: str, mentioned) -> str:
    """The body as sanitised HTML, each mention of a person who may read the thread in
    bold (a mention links to nothing: a profile may be private)."""
    handles = {participant_for(user).handle for user in mentioned}

    def bold(match: re.Match) -> str:
        handle = match.group(1)
        return f"**@{handle}**" if handle.lower() in handles else match.group(0)

    return render_markdown(MENTION.sub(bold, body or ""))


def _save_attachments(message: Message, uploads: list[Upload]) -> None:
    for upload in uploads:
        attachment = Attachment(
            message=message, name=upload.name, kind=upload.kind, size=len(upload.content)
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=True)


def _write(*, message: Message, uploads: list[Upload]) -> Message:
    """Save a new message with its mentions and files; publish it, or hold it for a
    moderator when its author is new."""
    author = message.author
    participant_for(author)
    mentioned = mentioned_people(message.body, message.thread)
    message.body_html = render_body(message.body, mentioned)
    held = is_held_for_review(author)
    message.status = Message.Status.HELD if held else Message.Status.PUBLISHED
    message.published_at = None
    message.save()
    message.mentions.set(mentioned)
    _save_attachments(message, uploads)
    if not held:
        publish_message(message)
    return message


@transaction.atomic
def start_thread(
    *,
    author,
    category,
    title: str,
    body: str,
    tags: list[str] | None = None,
    organisation=None,
    uploads: list[Upload] | None = None,
    is_demo: bool = False,
) -> Thread:
    """Start a thread with its first message.

    Side effects: may raise ``RateLimited``; creates the thread, its message (held for a
    moderator if the author is new, else published: watchers and mentions are told after
    commit) and attachments; the author watches the thread from now on by default.
    """
    check_rate(author, new_thread=True)
    thread = Thread.objects.create(
        category=category, title=title.strip(), author=author, tags=tags or [], is_demo=is_demo
    )
    message = Message(
        thread=thread, author=author, organisation=organisation, body=body, is_demo=is_demo
    )
    _write(message=message, uploads=uploads or [])
    thread.refresh_from_db()
    return thread


@transaction.atomic
def post_reply(
    *,
    author,
    thread: Thread,
    body: str,
    quotes: Message | None = None,
    organisation=None,
    uploads: list[Upload] | None = None,
    is_demo: bool = False,
) -> Message:
    """Reply in a thread, maybe quoting one of its messages.

    Side effects: may raise ``RateLimited``; creates the message (held or published, as
    ``start_thread``) and its attachments.
    """
    check_rate(author, new_thread=False)
    if quotes is not None and quotes.thread_id != thread.pk:
        quotes = None
    message = Message(
        thread=thread,
        author=author,
        organisation=organisation,
        body=body,
        quotes=quotes,
        is_demo=is_demo,
    )
    return _write(message=message, uploads=uploads or [])


@transaction.atomic
def edit_message(*, message: Message, editor, body: str, note: str = "") -> Message:
    """Change a message's text: its author within ``AUTHOR_EDIT_WINDOW`` (no note), or a
    moderator (with a note shown under it). Mentions are read again; people newly
    mentioned are not notified again.

    Side effects: updates the message and its mentions.
    """
    mentioned = mentioned_people(body, message.thread)
    message.body = body
    message.body_html = render_body(body, mentioned)
    message.edited_at = timezone.now()
    message.edited_by = editor
    if editor.pk != message.author_id or note:
        message.edit_note = note.strip()
    message.save()
    message.mentions.set(mentioned)
    return message


def set_watch(*, user, thread: Thread, level: str) -> Watch | None:
    """Watch or mute a thread, or go back to the default (``level`` ""): authors and
    repliers watch.

    Side effects: creates, updates or deletes the person's ``Watch``.
    """
    if level not in Watch.Level.values:
        Watch.objects.filter(user=user, thread=thread).delete()
        return None
    watch, _created = Watch.objects.update_or_create(
        user=user, thread=thread, defaults={"level": level}
    )
    return watch


def mark_read(*, user, thread: Thread, at: datetime.datetime | None = None) -> None:
    """The person has read the thread up to now, and the notifications it held for them.

    Side effects: creates or moves forward their ``ReadMark``; their unread notifications
    of the thread's messages become read (a digest leaves them out).
    """
    if not user.is_authenticated:
        return
    at = at or timezone.now()
    Notification.objects.filter(
        user=user, message__thread=thread, read_at__isnull=True, created_at__lte=at
    ).update(read_at=at)
    updated = ReadMark.objects.filter(user=user, thread=thread, read_at__lt=at).update(read_at=at)
    if not updated and not ReadMark.objects.filter(user=user, thread=thread).exists():
        try:
            with transaction.atomic():
                ReadMark.objects.create(user=user, thread=thread, read_at=at)
        except IntegrityError:  # opened twice at once
            pass


def flag_message(*, message: Message, reporter, reason: str, note: str = "") -> tuple[Flag, bool]:
    """Report a message to the moderators: one open flag per person and message (a
    second report updates the first). Returns the flag and whether it is new.

    Side effects: creates or updates an open ``Flag``.
    """
    existing = Flag.objects.filter(
        message=message, reporter=reporter, status=Flag.Status.OPEN
    ).first()
    if existing is not None:
        existing.reason, existing.note = reason, note
        existing.save(update_fields=["reason", "note", "updated_at"])
        return existing, False
    try:
        with transaction.atomic():
            flag = Flag.objects.create(message=message, reporter=reporter, reason=reason, note=note)
    except IntegrityError:
        flag = Flag.objects.get(message=message, reporter=reporter, status=Flag.Status.OPEN)
        return flag, False
    return flag, True
