"""`commons events remind`: reminders for the events of the next day, once each."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commons.events import services

from .conftest import make_event

pytestmark = pytest.mark.django_db


def test_it_queues_a_reminder_once_for_each_participant_of_tomorrows_events(
    lantern, bob, carol, capsys, django_capture_on_commit_callbacks
):
    soon = make_event(
        organisers=[lantern], slug="soon", starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    later = make_event(organisers=[lantern], slug="later")  # in ten days
    services.register(event=soon, user=bob)
    services.register(event=later, user=carol)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("events", "remind")
    assert capsys.readouterr().out.strip() == "Reminders queued: 1."
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]
    call_command("events", "remind")
    assert capsys.readouterr().out.strip() == "Reminders queued: 0."


def test_its_help_says_what_remind_does(capsys):
    with pytest.raises(SystemExit):
        call_command("events", "--help")
    assert "remind" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("events", "remind", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "starts within the next 24 hours" in text and "reminded once" in text
