"""Who may do what in discussions. Plain predicates, no side effects.

- A public category is read by everyone; a members-only one by active members of an
  organisation (of any organisation, verified or not), moderators and staff.
- Members of an organisation write (start threads, reply, flag); so do moderators.
- Moderators and staff moderate: hide, edit with a note, lock, move, delete, and
  approve the messages held for review.
"""

import datetime

from django.utils import timezone

from commons.accounts.rules import is_member_of_any

# A member's first messages wait for a moderator while their account is this young or
# until this many of their messages were approved.
NEW_ACCOUNT_AGE = datetime.timedelta(days=7)
APPROVED_TO_BE_TRUSTED = 2
# Spam limits: messages a person may publish per window, and threads per window.
MESSAGES_PER_WINDOW = 10
THREADS_PER_WINDOW = 3
WINDOW = datetime.timedelta(minutes=10)
# An author may correct their own message for this long after writing it.
AUTHOR_EDIT_WINDOW = datetime.timedelta(hours=1)


def can_moderate(user) -> bool:
    return user.is_authenticated and (user.is_moderator or user.is_staff)


def is_member(user) -> bool:
    return can_moderate(user) or is_member_of_any(user)


def can_read_category(user, category) -> bool:
    if category.audience == category.Audience.PUBLIC:
        return True
    return is_member(user)


def can_read_thread(user, thread) -> bool:
    """A visible thread is for its category's readers; a hidden or held one for
    moderators, and a held one also for its author."""
    if not can_read_category(user, thread.category):
        return False
    if thread.is_visible:
        return True
    if can_moderate(user):
        return True
    return user.is_authenticated and thread.author_id == user.pk and thread_is_held(thread)


def thread_is_held(thread) -> bool:
    first = thread.messages.order_by("created_at", "pk").first()
    return first is not None and first.status == first.Status.HELD


def can_write(user) -> bool:
    return user.is_authenticated and user.is_active and is_member(user)


def can_start_thread(user, category) -> bool:
    return can_write(user) and can_read_category(user, category)


def can_reply(user, thread) -> bool:
    if not (can_write(user) and can_read_thread(user, thread)):
        return False
    return not thread.is_locked or can_moderate(user)


def can_flag(user, message) -> bool:
    return user.is_authenticated and can_read_thread(user, message.thread)


def can_edit_message(user, message) -> bool:
    """Moderators edit any message (with a visible note); an author their own published
    or held message for a short while after writing it."""
    if can_moderate(user):
        return True
    return (
        user.is_authenticated
        and message.author_id == user.pk
        and message.status in {message.Status.PUBLISHED, message.Status.HELD}
        and timezone.now() - message.created_at <= AUTHOR_EDIT_WINDOW
    )
