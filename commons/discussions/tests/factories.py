"""Threads and messages for the moderation and notification tests, made with the ORM
and published through ``services.publish_message`` (the one place a message becomes
visible), so that these tests need nothing from the writing views."""

from __future__ import annotations

from commons.discussions import services
from commons.discussions.models import Message, Participant, Thread
from commons.lib.text import render_markdown


def participant(user, email: str = Participant.Email.DAILY) -> Participant:
    found = services.participant_for(user)
    found.email = email
    found.save(update_fields=["email"])
    return found


def message(author, thread: Thread, body: str = "Hello.", *, mentions=(), held=False) -> Message:
    """A message written in ``thread``: held for a moderator, or published (its
    notifications run when the test's transaction would commit: wrap the call in
    ``django_capture_on_commit_callbacks(execute=True)`` to have them)."""
    services.participant_for(author)
    written = Message.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=render_markdown(body),
        status=Message.Status.HELD,
    )
    written.mentions.set(mentions)
    if not held:
        services.publish_message(written)
    return written


def thread(author, category, title: str = "A thread", body: str = "Hello.", **kwargs) -> Thread:
    """A thread with its first message (published unless ``held=True``)."""
    started = Thread.objects.create(category=category, title=title, author=author)
    message(author, started, body, **kwargs)
    started.refresh_from_db()
    return started


def first_message(thread: Thread) -> Message:
    return thread.messages.order_by("created_at", "pk").first()
