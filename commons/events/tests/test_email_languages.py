"""Registration e-mails are written in the participant's language: a member's saved
language as it is when the e-mail goes, else the language they registered in (a guest,
or a member who saved none)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from commons.conftest import client_for
from commons.core.tests.languages import translated
from commons.events import services
from commons.events.models import Registration

pytestmark = pytest.mark.django_db
TITLE = {"title": "Safe recruitment webinar"}


def _in_language(client, language: str) -> None:
    client.post(reverse("accounts:switch_language"), {"language": language})


def test_a_guest_is_written_to_in_the_language_they_registered_in(
    webinar, django_capture_on_commit_callbacks
):
    client = client_for(None)
    _in_language(client, "fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:register", args=["webinar"]),
            {"name": "Nok", "email": "nok@example.net", "organisation_name": ""},
        )
    registration = Registration.objects.get()
    assert registration.language == "fr"
    [asked] = mail.outbox
    assert asked.subject.endswith(
        translated("fr", "Confirm your registration for %(title)s") % TITLE
    )
    token = asked.body.split("/events/confirm/")[1].split("/")[0]
    # the confirmation and, a day before, the reminder are sent with no request at all
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_registration(registration=registration, token=token)
        services.send_reminders(now=webinar.starts_at - datetime.timedelta(hours=2))
    confirmed, reminded = mail.outbox[1:]
    assert confirmed.subject.endswith(translated("fr", "You are registered: %(title)s") % TITLE)
    assert reminded.subject.endswith(translated("fr", "Tomorrow: %(title)s") % TITLE)


def test_a_member_without_a_saved_language_is_written_to_in_the_pages(
    webinar, bob, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    _in_language(client, "th")
    bob.refresh_from_db()
    bob.language = ""  # as for an account that never chose one
    bob.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:register", args=["webinar"]))
    assert Registration.objects.get().language == "th"
    [message] = mail.outbox
    assert message.subject.endswith(translated("th", "You are registered: %(title)s") % TITLE)


def test_a_member_who_changes_language_gets_the_next_e_mails_in_the_new_one(
    webinar, bob, django_capture_on_commit_callbacks
):
    bob.language = "en"
    bob.save(update_fields=["language"])
    services.register(event=webinar, user=bob)
    bob.language = "ar"
    bob.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.set_event_status(event=webinar, status="cancelled")
    [message] = mail.outbox
    assert message.subject.endswith(translated("ar", "Event cancelled: %(title)s") % TITLE)
