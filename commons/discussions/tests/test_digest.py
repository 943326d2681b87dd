"""The daily digest of discussion notifications and ``commons discussions digest``."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commons.discussions import moderation
from commons.discussions.models import Notification, Participant
from commons.discussions.notifications import send_digests
from commons.discussions.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def digests(django_capture_on_commit_callbacks):
    """``send_digests`` with the e-mails it queues delivered (they go after commit)."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return send_digests(now)

    return run


@pytest.fixture
def busy(alice, bob, carol, public, members, django_capture_on_commit_callbacks):
    """Alice (daily digest) has three notifications: two replies and a mention; carol,
    told of bob's reply in her thread, chose no e-mails."""
    factories.participant(alice, Participant.Email.DAILY)
    factories.participant(carol, Participant.Email.NEVER)
    one = factories.thread(alice, public, "Port inspections")
    two = factories.thread(alice, members, "Referral near the border")
    three = factories.thread(carol, public, "Shelter beds")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, one, "Seen at Ranong.")
        factories.message(carol, two, "We can take it.")
        factories.message(bob, three, "@alice beds?", mentions=[alice])
    return {"one": one, "two": two, "three": three}


def test_it_groups_a_days_notifications_in_one_email_and_a_rerun_sends_nothing(
    digests, alice, busy
):
    now = timezone.now()
    assert digests(now) == 1
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "3 new in discussions" in email.subject
    assert "Bob replied in “Port inspections”" in email.body
    assert "Carol replied in “Referral near the border”" in email.body
    assert "Bob mentioned you in “Shelter beds”" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/discussions/unsubscribe/" in email.extra_headers["List-Unsubscribe"]
    assert not Notification.objects.filter(user=alice, emailed_at__isnull=True).exists()

    assert digests(now) == 0
    assert digests(now + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_it_sends_the_next_digest_a_day_later_with_only_what_is_new(
    digests, alice, bob, busy, django_capture_on_commit_callbacks
):
    now = timezone.now()
    digests(now)
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, busy["one"], "Another boat today.")
    # new, but within a day of the last digest: it waits
    assert digests(now + datetime.timedelta(hours=2)) == 0
    assert digests(now + datetime.timedelta(days=1)) == 1
    latest = mail.outbox[-1]
    assert "1 new in discussions" in latest.subject
    assert "Another boat today." in latest.body
    assert "Shelter beds" not in latest.body


def test_it_sends_no_digest_to_those_who_chose_at_once_or_never(
    digests, alice, bob, carol, public, django_capture_on_commit_callbacks
):
    factories.participant(alice, Participant.Email.NEVER)
    factories.participant(carol, Participant.Email.IMMEDIATELY)
    thread = factories.thread(alice, public)
    factories.message(carol, thread, "Hi")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Hello both")
    mail.outbox.clear()  # carol's immediate e-mail
    assert digests(timezone.now()) == 0
    assert mail.outbox == []


def test_it_leaves_out_what_was_read_or_hidden_since(
    digests, alice, bob, busy, moderator, django_capture_on_commit_callbacks
):
    Notification.objects.filter(message__thread=busy["two"]).update(read_at=timezone.now())
    mention = Notification.objects.get(user=alice, kind="mention")
    moderation.hide_message(message=mention.message, moderator=moderator, reason="Spam")
    digests(timezone.now())
    [email] = mail.outbox
    assert "1 new in discussions" in email.subject
    assert "Port inspections" in email.body
    assert "Referral near the border" not in email.body
    assert "Shelter beds" not in email.body


def test_it_sends_nothing_when_everything_was_read(digests, alice, busy):
    Notification.objects.update(read_at=timezone.now())
    assert digests(timezone.now()) == 0
    assert mail.outbox == []


def test_the_command_queues_the_digests_and_says_how_many(
    alice, busy, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("discussions", "digest", stdout=out, stderr=io.StringIO())
    assert "Digests queued: 1." in out.getvalue()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    out = io.StringIO()
    call_command("discussions", "digest", stdout=out, stderr=io.StringIO())
    assert "Digests queued: 0." in out.getvalue()
