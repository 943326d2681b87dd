"""Registration: places, the waiting list and its promotion, guests' confirmation."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from commons.events import services
from commons.events.models import Registration
from commons.events.queries import registration_for, seats_left

pytestmark = pytest.mark.django_db


def test_it_gives_members_a_place_in_one_step_and_mails_the_calendar_entry(
    webinar, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration, token = services.register(event=webinar, user=bob)
    assert registration.status == Registration.Status.CONFIRMED
    assert token and registration.email == "bob@example.org"
    assert seats_left(webinar) == 1
    [message] = mail.outbox
    assert "You are registered" in message.subject
    assert "https://meet.example.org/secret-room" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == "event.ics" and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and "secret-room" in content


def test_registering_twice_changes_nothing(webinar, bob):
    first, _token = services.register(event=webinar, user=bob)
    again, token = services.register(event=webinar, user=bob)
    assert again.pk == first.pk and token is None
    assert webinar.registrations.count() == 1


def test_it_puts_people_on_the_waiting_list_when_full_and_promotes_the_first_on_cancel(
    webinar, alice, bob, carol, dave, django_capture_on_commit_callbacks
):
    services.register(event=webinar, user=alice)
    bobs, _t = services.register(event=webinar, user=bob)
    carols, _t = services.register(event=webinar, user=carol)
    daves, _t = services.register(event=webinar, user=dave)
    assert [carols.status, daves.status] == [Registration.Status.WAITLISTED] * 2
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=bobs)
    carols.refresh_from_db()
    daves.refresh_from_db()
    assert carols.status == Registration.Status.CONFIRMED and carols.promoted_at
    assert daves.status == Registration.Status.WAITLISTED
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "cancelled" in subjects["bob@example.org"]
    assert "A place is yours" in subjects["carol@example.org"]


def test_a_guest_holds_no_place_until_the_address_is_confirmed(
    webinar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guest, token = services.register(event=webinar, name="Nok", email="nok@example.net")
    assert guest.status == Registration.Status.UNCONFIRMED
    assert seats_left(webinar) == 2
    assert f"/events/confirm/{token}/" in mail.outbox[0].body
    assert "secret-room" not in mail.outbox[0].body
    services.confirm_registration(registration=guest, token=token)
    guest.refresh_from_db()
    assert guest.status == Registration.Status.CONFIRMED
    assert registration_for(webinar, token=token) == guest


def test_more_places_promote_the_waiting_list(webinar, alice, bob, carol):
    services.register(event=webinar, user=alice)
    services.register(event=webinar, user=bob)
    carols, _t = services.register(event=webinar, user=carol)
    services.save_event(event=webinar, fields={"capacity": 3})
    carols.refresh_from_db()
    assert carols.status == Registration.Status.CONFIRMED


def test_reminders_go_once_to_confirmed_participants_of_events_within_a_day(
    lantern, bob, carol, django_capture_on_commit_callbacks
):
    from commons.events.tests.conftest import make_event

    soon = make_event(organisers=[lantern], starts_at=timezone.now() + datetime.timedelta(hours=5))
    later = make_event(
        organisers=[lantern], slug="later", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    services.register(event=soon, user=bob)
    services.register(event=later, user=carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "Tomorrow" in mail.outbox[0].subject


def test_publishing_an_event_queues_its_reminders_for_the_day_before(
    lantern, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from commons.events.tests.conftest import make_event

    # django-tasks rebuilds its backends when the setting changes (and back after the test)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(organisers=[lantern])
    [queued] = DBTaskResult.objects.filter(task_path__endswith="remind_participants")
    assert queued.run_after == event.starts_at - services.REMINDER_BEFORE
    assert queued.args_kwargs["kwargs"] == {"event_id": event.pk}


def test_a_guest_who_registers_again_gets_the_e_mail_again_with_a_new_link(
    webinar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, old = services.register(event=webinar, name="Nok", email="nok@example.net")
        again, token = services.register(event=webinar, name="Someone", email="NOK@example.net")
    assert again.pk == first.pk and token is None and again.name == "Nok"
    assert [m.to for m in mail.outbox] == [["nok@example.net"], ["nok@example.net"]]
    assert f"/events/confirm/{old}/" not in mail.outbox[1].body
    assert registration_for(webinar, token=old) is None
