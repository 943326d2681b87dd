"""Notifications of replies and mentions, the e-mails sent at once, the inbox and the
e-mail settings."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.conftest import client_for
from commons.discussions import notifications, services
from commons.discussions.models import Notification, Participant, Watch
from commons.discussions.tests import factories

pytestmark = pytest.mark.django_db


def _told(message):
    return sorted((n.user.email, n.kind) for n in Notification.objects.filter(message=message))


def test_it_tells_the_thread_author_and_watchers_of_a_reply_but_not_its_writer(
    alice, bob, carol, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public, "Port inspections")
    Watch.objects.create(user=carol, thread=thread, level=Watch.Level.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "Seen at Ranong too.")
    assert _told(reply) == [("alice@example.org", "reply"), ("carol@example.org", "reply")]
    # bob replied: he hears of the next reply, alice (its writer) does not
    with django_capture_on_commit_callbacks(execute=True):
        second = factories.message(alice, thread, "Thanks.")
    assert _told(second) == [("bob@example.org", "reply"), ("carol@example.org", "reply")]


def test_it_tells_a_mentioned_reader_once_even_when_not_watching(
    alice, bob, carol, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public, "Port inspections")
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "@carol have you seen this?", mentions=[carol])
    assert _told(reply) == [("alice@example.org", "reply"), ("carol@example.org", "mention")]
    # published again (an approval racing a retry): nobody is told twice
    assert notifications.message_published(reply) == []
    assert Notification.objects.filter(message=reply).count() == 2


def test_it_gives_a_watcher_who_is_mentioned_a_mention_only(
    alice, bob, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public)
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "@alice see this", mentions=[alice])
    assert _told(reply) == [("alice@example.org", "mention")]


def test_it_tells_nobody_who_may_not_read_a_members_only_thread(
    alice, bob, dave, members, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, members, "Referral near the border")
    # dave belongs to no organisation: a watch or a mention does not let him read it
    Watch.objects.create(user=dave, thread=thread, level=Watch.Level.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "@dave can you help?", mentions=[dave])
    assert _told(reply) == [("alice@example.org", "reply")]
    assert not Notification.objects.filter(user=dave).exists()


def test_it_tells_nobody_who_muted_the_thread_not_even_of_a_mention(
    alice, bob, carol, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public)
    Watch.objects.create(user=alice, thread=thread, level=Watch.Level.MUTED)
    Watch.objects.create(user=carol, thread=thread, level=Watch.Level.MUTED)
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "@carol @alice look", mentions=[carol, alice])
    assert _told(reply) == []


def test_it_tells_nobody_of_a_held_message_until_it_is_approved(
    alice, bob, public, moderator, django_capture_on_commit_callbacks
):
    from commons.discussions import moderation

    thread = factories.thread(alice, public)
    with django_capture_on_commit_callbacks(execute=True):
        held = factories.message(bob, thread, "First words", held=True)
    assert _told(held) == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve_message(message=held, moderator=moderator)
    assert _told(held) == [("alice@example.org", "reply"), ("bob@example.org", "moderation")]


def test_it_emails_at_once_those_who_chose_so_with_one_click_unsubscribe_headers(
    alice, bob, carol, public, django_capture_on_commit_callbacks
):
    factories.participant(alice, Participant.Email.IMMEDIATELY)
    factories.participant(carol, Participant.Email.DAILY)
    thread = factories.thread(alice, public, "Port inspections")
    Watch.objects.create(user=carol, thread=thread, level=Watch.Level.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "Seen at *Ranong* too.")
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "Bob replied in “Port inspections”" in email.subject
    assert "Seen at *Ranong* too." in email.body
    assert f"/discussions/t/{thread.pk}/#message-{reply.pk}" in email.body
    participant = Participant.objects.get(user=alice)
    link = reverse("discussions:unsubscribe", kwargs={"token": services.token_for(participant)})
    assert email.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in email.body
    assert Notification.objects.get(user=alice, message=reply).emailed_at is not None
    assert Notification.objects.get(user=carol, message=reply).emailed_at is None


def test_it_emails_in_the_recipients_language(
    alice, bob, public, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(notifications, "queue_templated_email", lambda **kw: queued.append(kw))
    factories.participant(alice, Participant.Email.IMMEDIATELY)
    alice.language = "th"
    alice.save(update_fields=["language"])
    thread = factories.thread(alice, public, "Port inspections")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Seen too.")
    assert [(q["to"], q["language"]) for q in queued] == [(["alice@example.org"], "th")]


def test_it_emails_nobody_who_chose_never(alice, bob, public, django_capture_on_commit_callbacks):
    factories.participant(alice, Participant.Email.NEVER)
    thread = factories.thread(alice, public)
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Hello")
    assert mail.outbox == []
    assert Notification.objects.filter(user=alice).count() == 1


def test_it_lists_a_persons_notifications_newest_first_with_unread_marked(
    alice, bob, carol, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public, "Port inspections")
    other = factories.thread(carol, public, "Shelter beds")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "First reply")
        factories.message(bob, other, "@alice beds?", mentions=[alice])
    page = client_for(alice).get(reverse("discussions:notifications")).content.decode()
    assert page.index("Bob mentioned you in “Shelter beds”") < page.index(
        "Bob replied in “Port inspections”"
    )
    assert "2 unread." in page
    assert page.count(">New<") == 2
    # carol sees only hers
    assert (
        "Port inspections"
        not in client_for(carol).get(reverse("discussions:notifications")).content.decode()
    )

    response = client_for(alice).post(reverse("discussions:notifications"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    page = client_for(alice).get(reverse("discussions:notifications")).content.decode()
    assert ">New<" not in page and "unread." not in page


def test_it_leaves_out_of_the_inbox_a_reply_hidden_since(
    alice, bob, public, moderator, django_capture_on_commit_callbacks
):
    from commons.discussions import moderation

    thread = factories.thread(alice, public, "Port inspections")
    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.message(bob, thread, "spam")
    moderation.hide_message(message=reply, moderator=moderator, reason="Spam")
    page = client_for(alice).get(reverse("discussions:notifications")).content.decode()
    assert "Port inspections" not in page


def test_it_sends_the_signed_out_to_sign_in_and_refuses_other_methods(alice):
    for name in ("discussions:notifications", "discussions:settings"):
        assert client_for(None).get(reverse(name)).status_code == 302
        assert client_for(alice).put(reverse(name)).status_code == 405


def test_it_shows_the_handle_and_saves_the_email_choice(alice):
    client = client_for(alice)
    page = client.get(reverse("discussions:settings")).content.decode()
    assert "@alice" in page
    assert Participant.objects.get(user=alice).email == Participant.Email.DAILY
    response = client.post(reverse("discussions:settings"), {"email": "immediately"})
    assert response.status_code == 302
    assert Participant.objects.get(user=alice).email == Participant.Email.IMMEDIATELY


def test_it_refuses_an_unknown_email_choice(alice):
    response = client_for(alice).post(reverse("discussions:settings"), {"email": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Participant.objects.get(user=alice).email == Participant.Email.DAILY


def test_opening_the_thread_reads_its_notifications_and_the_index_counts_the_rest(
    alice, bob, public, django_capture_on_commit_callbacks
):
    first = factories.thread(alice, public, "Port inspections")
    other = factories.thread(alice, public, "Shelter beds")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, first, "Seen at Ranong too.")
        factories.message(bob, other, "We have two free.")
    reader = client_for(alice)
    assert "2 new" in reader.get(reverse("discussions:index")).content.decode()
    reader.get(first.get_absolute_url())
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 1
    assert "1 new" in reader.get(reverse("discussions:index")).content.decode()
