"""Discussion e-mails are written in the recipient's language, also when a background
job sends them (the immediate notification is tested in test_notifications.py)."""

import pytest
from django.core import mail
from django.utils import timezone

from commons.core.tests.languages import translated
from commons.discussions.models import Participant
from commons.discussions.notifications import send_digests
from commons.discussions.tests import factories

pytestmark = pytest.mark.django_db


def test_the_daily_digest_is_in_the_readers_language(
    alice, bob, public, django_capture_on_commit_callbacks
):
    factories.participant(alice, Participant.Email.DAILY)
    alice.language = "ar"
    alice.save(update_fields=["language"])
    thread = factories.thread(alice, public, "Port inspections")
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Seen at Ranong.")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(timezone.now()) == 1
    [email] = mail.outbox
    assert email.extra_headers["Content-Language"] == "ar"
    assert translated("ar", "All your notifications:") in email.body
    assert "All your notifications:" not in email.body
