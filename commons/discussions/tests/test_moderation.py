"""Moderation: the queue, acting on messages and threads, dismissing flags; every action
in the audit log."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.discussions import moderation, rules
from commons.discussions.models import Flag, Message, Notification
from commons.discussions.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(alice, public):
    return factories.thread(alice, public, "Port inspections", "Inspectors boarded **boats**.")


@pytest.fixture
def spam(bob, thread):
    return factories.message(bob, thread, "Cheap visas, call 555-0100")


def _events(action, target):
    return list(
        AuditEvent.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


def test_it_takes_a_flagged_message_from_the_queue_to_hidden_with_flags_resolved(
    spam, carol, dave, moderator, django_capture_on_commit_callbacks
):
    Flag.objects.create(message=spam, reporter=carol, reason="spam", note="Visa scam")
    Flag.objects.create(message=spam, reporter=dave, reason="spam")
    mod = client_for(moderator)

    queue = mod.get(reverse("discussions:moderation")).content.decode()
    assert "Port inspections" in queue
    assert "Spam or advertising (2)" in queue
    assert "Visa scam" in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
            {"action": "hide", "reason": "Advertising"},
        )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.status == Message.Status.HIDDEN
    assert spam.moderation_note == "Advertising"
    assert set(spam.flags.values_list("status", "resolved_by")) == {("acted", moderator.pk)}
    [event] = _events(AuditEvent.Action.DISCUSSION_MODERATED, spam)
    assert event.actor == moderator
    assert event.data["action"] == "hide" and event.data["flags_resolved"] == 2
    assert Notification.objects.filter(user=spam.author, kind="moderation", message=spam).exists()
    assert "No message is flagged." in mod.get(reverse("discussions:moderation")).content.decode()


def test_it_shows_the_hidden_message_as_a_placeholder_in_the_thread(spam, carol, moderator):
    moderation.hide_message(message=spam, moderator=moderator, reason="Advertising")
    page = client_for(carol).get(spam.thread.get_absolute_url()).content.decode()
    assert "This message was hidden by a moderator." in page
    assert "555-0100" not in page


def test_it_refuses_to_hide_without_a_reason_and_keeps_what_was_typed(spam, moderator):
    response = client_for(moderator).post(
        reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
        {"action": "hide", "reason": "  ", "note": "kept note"},
    )
    assert response.status_code == 400
    assert "Write the reason: the author is told why." in response.content.decode()
    assert "kept note" in response.content.decode()
    spam.refresh_from_db()
    assert spam.status == Message.Status.PUBLISHED
    assert not _events(AuditEvent.Action.DISCUSSION_MODERATED, spam)


def test_it_publishes_a_held_first_message_when_a_moderator_approves_it(
    bob, carol, public, moderator, django_capture_on_commit_callbacks
):
    held = factories.thread(bob, public, "New here", "Hello from the border.", held=True)
    message = factories.first_message(held)
    assert not rules.can_read_thread(carol, held)
    assert rules.can_read_thread(bob, held)  # its author sees it waiting
    queue = client_for(moderator).get(reverse("discussions:moderation")).content.decode()
    assert "Hello from the border." in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(moderator).post(
            reverse("discussions:moderate_message", kwargs={"pk": message.pk}),
            {"action": "approve"},
        )
    assert response.status_code == 302
    held.refresh_from_db()
    message.refresh_from_db()
    assert message.status == Message.Status.PUBLISHED and message.published_at is not None
    assert held.is_visible and rules.can_read_thread(carol, held)
    assert Notification.objects.filter(user=bob, kind="moderation", message=message).exists()
    assert _events(AuditEvent.Action.DISCUSSION_MODERATED, message)[0].data["action"] == "approve"
    inbox = client_for(bob).get(reverse("discussions:notifications")).content.decode()
    assert "It is approved and published" in inbox


def test_it_refuses_to_approve_a_message_that_is_not_held(spam, moderator):
    with pytest.raises(moderation.ModerationError):
        moderation.approve_message(message=spam, moderator=moderator)


def test_it_edits_a_message_with_a_note_shown_to_readers(spam, carol, moderator):
    response = client_for(moderator).post(
        reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
        {"action": "edit", "body": "Visa offers, **number removed**", "note": "Phone removed"},
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.body == "Visa offers, **number removed**"
    assert "<strong>number removed</strong>" in spam.body_html
    assert spam.edited_by == moderator and spam.edited_at is not None
    assert spam.edit_note == "Phone removed"
    page = client_for(carol).get(spam.thread.get_absolute_url()).content.decode()
    assert "Edited by a moderator: Phone removed" in page
    assert "555-0100" not in page
    assert _events(AuditEvent.Action.DISCUSSION_MODERATED, spam)[0].data["note"] == "Phone removed"


def test_it_refuses_an_edit_without_a_note(spam, moderator):
    response = client_for(moderator).post(
        reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
        {"action": "edit", "body": "My new text", "note": ""},
    )
    assert response.status_code == 400
    assert "Write the note: readers see why it was edited." in response.content.decode()
    assert "My new text" in response.content.decode()
    spam.refresh_from_db()
    assert spam.body == "Cheap visas, call 555-0100" and spam.edited_at is None


def test_it_deletes_a_message_but_keeps_its_text_for_the_audit(spam, carol, moderator):
    moderation.delete_message(message=spam, moderator=moderator, reason="Scam")
    spam.refresh_from_db()
    assert spam.status == Message.Status.DELETED
    assert spam.body == "Cheap visas, call 555-0100"
    page = client_for(carol).get(spam.thread.get_absolute_url()).content.decode()
    assert "This message was deleted by a moderator." in page
    assert "555-0100" not in page
    [event] = _events(AuditEvent.Action.DISCUSSION_MODERATED, spam)
    assert event.data["action"] == "delete" and event.data["reason"] == "Scam"


def test_it_shows_a_hidden_message_again(spam, moderator):
    moderation.hide_message(message=spam, moderator=moderator, reason="Checking")
    moderation.unhide_message(message=spam, moderator=moderator)
    spam.refresh_from_db()
    assert spam.status == Message.Status.PUBLISHED and spam.moderation_note == ""
    actions = [e.data["action"] for e in _events(AuditEvent.Action.DISCUSSION_MODERATED, spam)]
    assert sorted(actions) == ["hide", "unhide"]


def test_it_locks_a_thread_against_members_replies_but_not_moderators(thread, bob, moderator):
    moderation.set_thread_locked(thread=thread, moderator=moderator, locked=True)
    thread.refresh_from_db()
    assert thread.is_locked
    assert not rules.can_reply(bob, thread) and rules.can_reply(moderator, thread)
    moderation.set_thread_locked(thread=thread, moderator=moderator, locked=False)
    thread.refresh_from_db()
    assert rules.can_reply(bob, thread)
    events = _events(AuditEvent.Action.DISCUSSION_THREAD_MODERATED, thread)
    assert sorted(e.data["action"] for e in events) == ["lock", "unlock"]


def test_it_moves_a_thread_through_the_page_and_its_readers_change(
    thread, members, dave, moderator
):
    assert rules.can_read_thread(dave, thread)
    response = client_for(moderator).post(
        reverse("discussions:moderate_thread", kwargs={"pk": thread.pk}),
        {"action": "move", "category": members.pk, "reason": "About a referral"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.category == members
    assert not rules.can_read_thread(dave, thread)
    [event] = _events(AuditEvent.Action.DISCUSSION_THREAD_MODERATED, thread)
    assert event.data == {
        "action": "move",
        "reason": "About a referral",
        "from": "field-updates",
        "to": "help-requests",
    }


def test_it_asks_where_to_move_a_thread(thread, moderator):
    response = client_for(moderator).post(
        reverse("discussions:moderate_thread", kwargs={"pk": thread.pk}), {"action": "move"}
    )
    assert response.status_code == 400
    assert "Choose the category to move it to." in response.content.decode()


def test_it_hides_a_whole_thread_from_everyone_but_moderators(thread, bob, moderator):
    response = client_for(moderator).post(
        reverse("discussions:moderate_thread", kwargs={"pk": thread.pk}),
        {"action": "hide", "reason": "Doxxing"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert not thread.is_visible
    assert client_for(bob).get(thread.get_absolute_url()).status_code == 404
    assert client_for(moderator).get(thread.get_absolute_url()).status_code == 200
    moderation.set_thread_visible(thread=thread, moderator=moderator, visible=True)
    assert client_for(bob).get(thread.get_absolute_url()).status_code == 200
    events = _events(AuditEvent.Action.DISCUSSION_THREAD_MODERATED, thread)
    assert sorted((e.data["action"], e.data["reason"]) for e in events) == [
        ("hide", "Doxxing"),
        ("unhide", ""),
    ]


def test_it_shows_a_thread_held_for_review_only_by_approving_its_message(bob, public, moderator):
    held = factories.thread(bob, public, "New here", held=True)
    with pytest.raises(moderation.ModerationError):
        moderation.set_thread_visible(thread=held, moderator=moderator, visible=True)
    held.refresh_from_db()
    assert not held.is_visible


def test_it_dismisses_a_flag_for_moderators_only(spam, carol, bob, moderator):
    flag = Flag.objects.create(message=spam, reporter=carol, reason="abuse")
    url = reverse("discussions:dismiss_flag", kwargs={"pk": flag.pk})
    assert client_for(moderator).get(url).status_code == 405
    assert client_for(bob).post(url).status_code == 403
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN

    assert client_for(moderator).post(url).status_code == 302
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED and flag.resolved_by == moderator
    spam.refresh_from_db()
    assert spam.status == Message.Status.PUBLISHED
    assert _events(AuditEvent.Action.DISCUSSION_FLAG_DISMISSED, flag)
    # a second dismissal changes nothing and says so
    response = client_for(moderator).post(url, follow=True)
    assert "This flag was already dealt with." in response.content.decode()
    assert len(_events(AuditEvent.Action.DISCUSSION_FLAG_DISMISSED, flag)) == 1


def test_it_refuses_moderation_pages_to_members_and_audits_it(spam, alice):
    for url in (
        reverse("discussions:moderation"),
        reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
        reverse("discussions:moderate_thread", kwargs={"pk": spam.thread_id}),
    ):
        assert client_for(alice).get(url).status_code == 403
    response = client_for(alice).post(
        reverse("discussions:moderate_message", kwargs={"pk": spam.pk}),
        {"action": "delete", "reason": "mine"},
    )
    assert response.status_code == 403
    spam.refresh_from_db()
    assert spam.status == Message.Status.PUBLISHED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=alice).count()


def test_it_refuses_other_methods_on_the_moderation_pages(spam, moderator):
    mod = client_for(moderator)
    assert mod.post(reverse("discussions:moderation")).status_code == 405
    url = reverse("discussions:moderate_message", kwargs={"pk": spam.pk})
    assert mod.put(url).status_code == 405


def test_it_links_moderators_to_the_tools_from_the_thread(spam, bob, moderator):
    page = client_for(moderator).get(spam.thread.get_absolute_url()).content.decode()
    assert reverse("discussions:moderate_message", kwargs={"pk": spam.pk}) in page
    assert reverse("discussions:moderate_thread", kwargs={"pk": spam.thread_id}) in page
    page = client_for(bob).get(spam.thread.get_absolute_url()).content.decode()
    assert reverse("discussions:moderate_message", kwargs={"pk": spam.pk}) not in page


def test_it_does_not_notify_a_moderator_of_their_own_edit(
    public, moderator, django_capture_on_commit_callbacks
):
    thread = factories.thread(moderator, public, "House rules")
    message = factories.first_message(thread)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.edit_message(
            message=message, moderator=moderator, body="House rules, v2", note="Typo"
        )
    assert not Notification.objects.filter(user=moderator).exists()
    message.refresh_from_db()
    assert message.edit_note == "Typo"
