"""What moderators do to messages and threads: approve a held message, hide or unhide
one with a reason, edit one with a note shown under it, delete one; lock, unlock, move,
hide or unhide a thread; dismiss a flag.

Every action is written to the audit log (``core.services.record_audit``). Acting on a
message resolves its open flags (status "acted"); the author of a message a moderator
acted on is notified (``Notification.Kind.MODERATION``). Who may call these is the
views' business (``rules.can_moderate``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.discussions import notifications, services
from commons.discussions.models import Category, Flag, Message, Thread


class ModerationError(Exception):
    """The action does not apply to the message or thread as it is now (the message
    says why, for the moderator)."""


def _resolve_flags(message: Message, moderator, now) -> int:
    return Flag.objects.filter(message=message, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACTED, resolved_by=moderator, resolved_at=now, updated_at=now
    )


def _record(message: Message, moderator, action: str, *, request=None, **data) -> int:
    """Resolve the message's open flags and write the audit event; returns how many flags
    were resolved."""
    now = timezone.now()
    resolved = _resolve_flags(message, moderator, now)
    record_audit(
        action=AuditEvent.Action.DISCUSSION_MODERATED,
        actor=moderator,
        target=message,
        target_label=f"{message.thread.title[:200]} #{message.pk}",
        request=request,
        data={"action": action, "thread": message.thread_id, "flags_resolved": resolved, **data},
    )
    return resolved


def _tell_author(message: Message, moderator) -> None:
    """Notify the author after commit (not a moderator acting on their own message)."""
    if message.author_id not in {None, moderator.pk} and message.author.is_active:
        transaction.on_commit(lambda: notifications.notify_moderation(message))


@transaction.atomic
def approve_message(*, message: Message, moderator, request=None) -> Message:
    """Publish a message held for review.

    Side effects: ``services.publish_message`` (the thread becomes visible for a first
    message; watchers and mentioned people are notified after commit); open flags
    resolved; audit event; the author is notified.
    """
    if message.status != Message.Status.HELD:
        raise ModerationError(_("Only a message waiting for a moderator can be approved."))
    services.publish_message(message)
    _record(message, moderator, "approve", request=request)
    _tell_author(message, moderator)
    return message


@transaction.atomic
def hide_message(*, message: Message, moderator, reason: str, request=None) -> Message:
    """Hide a message: its place in the thread says a moderator hid it; its author sees
    the reason.

    Side effects: the message's status and moderation note; open flags resolved; audit
    event; the author is notified.
    """
    if message.status in {Message.Status.HIDDEN, Message.Status.DELETED}:
        raise ModerationError(_("This message is already hidden or deleted."))
    message.status = Message.Status.HIDDEN
    message.moderation_note = reason.strip()[:300]
    message.save(update_fields=["status", "moderation_note", "updated_at"])
    _record(message, moderator, "hide", request=request, reason=message.moderation_note)
    _tell_author(message, moderator)
    return message


@transaction.atomic
def unhide_message(*, message: Message, moderator, reason: str = "", request=None) -> Message:
    """Show a hidden message again. One that was never published (hidden while held) is
    published now, as an approval would.

    Side effects: the message's status (its note cleared); maybe ``publish_message``;
    open flags resolved; audit event.
    """
    if message.status != Message.Status.HIDDEN:
        raise ModerationError(_("Only a hidden message can be shown again."))
    message.moderation_note = ""
    if message.published_at is None:
        message.save(update_fields=["moderation_note", "updated_at"])
        services.publish_message(message)
    else:
        message.status = Message.Status.PUBLISHED
        message.save(update_fields=["status", "moderation_note", "updated_at"])
    _record(message, moderator, "unhide", request=request, reason=reason.strip()[:300])
    return message


@transaction.atomic
def edit_message(*, message: Message, moderator, body: str, note: str, request=None) -> Message:
    """Change a message's text, with a note shown under it for everyone ("Edited by a
    moderator: …"). The previous text is not kept: a moderator edits to remove what must
    not stay (a victim's name, a phone number).

    Side effects: the message's body, HTML, mentions, ``edited_at``/``edited_by``/
    ``edit_note`` (``services.edit_message``); open flags resolved; audit event; the
    author is notified.
    """
    if message.status == Message.Status.DELETED:
        raise ModerationError(_("A deleted message cannot be edited."))
    note = note.strip()[:300]
    if not note:
        raise ModerationError(_("Say why you edit it: the note is shown under the message."))
    services.edit_message(message=message, editor=moderator, body=body, note=note)
    # the author's own edits leave no note; a moderator's always does
    if message.edit_note != note:
        message.edit_note = note
        message.save(update_fields=["edit_note", "updated_at"])
    _record(message, moderator, "edit", request=request, note=note)
    _tell_author(message, moderator)
    return message


@transaction.atomic
def delete_message(*, message: Message, moderator, reason: str, request=None) -> Message:
    """Delete a message: its place in the thread says a moderator deleted it. The text
    stays in the database for the audit trail, shown to nobody.

    Side effects: the message's status and moderation note; open flags resolved; audit
    event; the author is notified.
    """
    if message.status == Message.Status.DELETED:
        raise ModerationError(_("This message is already deleted."))
    previous = message.status
    message.status = Message.Status.DELETED
    message.moderation_note = reason.strip()[:300]
    message.save(update_fields=["status", "moderation_note", "updated_at"])
    _record(
        message,
        moderator,
        "delete",
        request=request,
        reason=message.moderation_note,
        previous_status=previous,
    )
    _tell_author(message, moderator)
    return message


def _record_thread(thread: Thread, moderator, action: str, *, request=None, **data) -> None:
    record_audit(
        action=AuditEvent.Action.DISCUSSION_THREAD_MODERATED,
        actor=moderator,
        target=thread,
        target_label=thread.title,
        request=request,
        data={"action": action, **data},
    )


@transaction.atomic
def set_thread_locked(
    *, thread: Thread, moderator, locked: bool, reason: str = "", request=None
) -> Thread:
    """Lock a thread (no more replies but from moderators) or unlock it.

    Side effects: the thread's ``is_locked``; audit event.
    """
    if thread.is_locked == locked:
        raise ModerationError(
            _("The thread is already locked.") if locked else _("The thread is not locked.")
        )
    thread.is_locked = locked
    thread.save(update_fields=["is_locked", "updated_at"])
    _record_thread(
        thread, moderator, "lock" if locked else "unlock", request=request, reason=reason.strip()
    )
    return thread


@transaction.atomic
def move_thread(
    *, thread: Thread, moderator, category: Category, reason: str = "", request=None
) -> Thread:
    """Move a thread to another category (whose readers may differ).

    Side effects: the thread's category; audit event with both categories.
    """
    if thread.category_id == category.pk:
        raise ModerationError(_("The thread is already in this category."))
    before = thread.category.slug
    thread.category = category
    thread.save(update_fields=["category", "updated_at"])
    _record_thread(
        thread,
        moderator,
        "move",
        request=request,
        reason=reason.strip(),
        **{"from": before, "to": category.slug},
    )
    return thread


@transaction.atomic
def set_thread_visible(
    *, thread: Thread, moderator, visible: bool, reason: str = "", request=None
) -> Thread:
    """Hide a whole thread (only moderators see it then) or show it again. A thread whose
    first message waits for a moderator is shown by approving that message instead.

    Side effects: the thread's ``is_visible``; audit event.
    """
    if thread.is_visible == visible:
        raise ModerationError(
            _("The thread is already visible.") if visible else _("The thread is already hidden.")
        )
    first = thread.messages.order_by("created_at", "pk").first()
    if visible and (first is None or first.status == Message.Status.HELD):
        raise ModerationError(
            _("Its first message waits for a moderator: approve that message to show it.")
        )
    thread.is_visible = visible
    thread.save(update_fields=["is_visible", "updated_at"])
    _record_thread(
        thread, moderator, "unhide" if visible else "hide", request=request, reason=reason.strip()
    )
    return thread


@transaction.atomic
def dismiss_flag(*, flag: Flag, moderator, request=None) -> Flag:
    """Close a flag without acting on its message.

    Side effects: the flag's status, ``resolved_by`` and ``resolved_at``; audit event.
    """
    now = timezone.now()
    closed = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN).update(
        status=Flag.Status.DISMISSED, resolved_by=moderator, resolved_at=now, updated_at=now
    )
    if not closed:
        raise ModerationError(_("This flag was already dealt with."))
    flag.refresh_from_db()
    record_audit(
        action=AuditEvent.Action.DISCUSSION_FLAG_DISMISSED,
        actor=moderator,
        target=flag,
        request=request,
        data={"message": flag.message_id, "reason": flag.reason},
    )
    return flag
