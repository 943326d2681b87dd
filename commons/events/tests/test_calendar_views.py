"""The public event pages: the calendar and its filters, an event's page and who sees
its meeting link, registering and cancelling (members and guests), confirming a guest's
address, and the feedback form."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.events import services
from commons.events.models import Event, Feedback, Registration, Theme
from commons.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db

SECRET = "secret-room"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(response) -> str:
    """The page's text as a reader sees it (tags removed, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(response)))


def _started(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    event.refresh_from_db()


# --- The calendar ---------------------------------------------------------------------


def test_it_lists_upcoming_events_and_past_ones_on_their_own_tab(webinar, forum, lantern):
    make_event(organisers=[lantern], slug="draft", title="Unpublished plans", status="draft")
    client = client_for(None)
    upcoming = _page(client.get(reverse("events:calendar")))
    assert "Safe recruitment webinar" in upcoming and "Asia regional forum" not in upcoming
    assert "Unpublished plans" not in upcoming
    past = _page(client.get(reverse("events:calendar"), {"when": "past"}))
    assert "Asia regional forum" in past and "Safe recruitment webinar" not in past
    assert client.post(reverse("events:calendar")).status_code == 405


def test_it_filters_by_kind_region_language_topic_and_country(webinar, lantern):
    workshop = make_event(
        organisers=[lantern],
        slug="workshop",
        kind=Event.Kind.WORKSHOP,
        title="Dakar workshop on fair recruitment",
        region="africa",
        languages=["fr"],
        countries=["SN"],
        city="Dakar",
        country="SN",
        online_url="",
    )
    workshop.themes.set([Theme.objects.get(code="funding")])
    url = reverse("events:calendar")
    client = client_for(None)
    cases = {
        "kind": ("workshop", "webinar"),
        "region": ("africa", "asia-pacific"),
        "language": ("fr", "th"),
        "theme": ("funding", "migration"),
        "country": ("SN", "TH"),
    }
    for name, (dakar, other) in cases.items():
        page = _page(client.get(url, {name: dakar}))
        assert "Dakar workshop" in page and "Safe recruitment" not in page, name
        page = _page(client.get(url, {name: other}))
        assert "Dakar workshop" not in page, name
    page = _text(client.get(url, {"region": "africa"}))
    assert "Dakar, Senegal" in page and "French" in page and "Workshop" in page
    assert "No event matches these filters." in _text(client.get(url, {"kind": "conference"}))


def test_it_offers_the_feed_of_the_region_chosen(webinar):
    page = _page(client_for(None).get(reverse("events:calendar"), {"region": "asia-pacific"}))
    assert reverse("events:feed") in page
    assert reverse("events:feed_region", kwargs={"region": "asia-pacific"}) in page
    page = _page(client_for(None).get(reverse("events:calendar")))
    assert "/events/feed/" not in page


def test_it_answers_htmx_with_the_results_only(webinar):
    response = client_for(None).get(reverse("events:calendar"), HTTP_HX_REQUEST="true")
    page = _page(response)
    assert "Safe recruitment webinar" in page and "<html" not in page


def test_it_names_who_organises_an_event_run_by_others(lantern):
    make_event(
        slug="outside",
        title="Global conference",
        kind=Event.Kind.CONFERENCE,
        external_organiser="The Alliance",
        external_url="https://alliance.example.org/conference",
        registration=Event.Registration.ELSEWHERE,
    )
    text = _text(client_for(None).get(reverse("events:calendar")))
    assert "Organised by The Alliance" in text
    page = _page(client_for(None).get(reverse("events:detail", args=["outside"])))
    assert 'href="https://alliance.example.org/conference"' in page
    assert "Register on the organisers" in page


def test_signed_in_people_find_their_events_and_organisers_a_new_one(webinar, alice, bob):
    url = reverse("events:calendar")
    anonymous = _page(client_for(None).get(url))
    assert reverse("events:mine") not in anonymous and reverse("events:new") not in anonymous
    member = _page(client_for(bob).get(url))
    assert reverse("events:mine") in member and reverse("events:new") not in member
    assert reverse("events:new") in _page(client_for(alice).get(url))


# --- An event's page ------------------------------------------------------------------


def test_it_shows_everything_about_the_event(webinar, lantern, harbour):
    from commons.events.models import Material, Session, Speaker

    webinar.countries = ["TH", "KH"]
    webinar.interpretation = ["km"]
    webinar.save()
    webinar.themes.set([Theme.objects.get(code="migration")])
    session = Session.objects.create(
        event=webinar,
        title="Checking an agency's licence",
        starts_at=webinar.starts_at,
        ends_at=webinar.starts_at + datetime.timedelta(hours=1),
    )
    Speaker.objects.create(
        event=webinar, session=session, name="Somchai", organisation=harbour, role="panelist"
    )
    Material.objects.create(
        event=webinar, kind="recording", title="The recording", url="https://video.example.org/1"
    )
    response = client_for(None).get(reverse("events:detail", args=["webinar"]))
    page, text = _page(response), _text(response)
    assert "Webinar" in text and "How members check recruitment agencies." in text
    assert f'href="{lantern.get_absolute_url()}"' in page
    assert "Thailand, Cambodia" in text and "English, Thai" in text and "Khmer" in text
    assert "Safe migration" in text and "Online" in text and "Asia and the Pacific" in text
    assert "Checking an agency" in text and "Somchai" in text
    assert f'href="{harbour.get_absolute_url()}"' in page
    assert 'href="https://video.example.org/1"' in page and "Recording" in text
    assert "2 places · 2 left" in text
    assert reverse("events:event_ics", args=["webinar"]) in page
    assert client_for(None).post(reverse("events:detail", args=["webinar"])).status_code == 405


def test_the_meeting_link_is_only_for_confirmed_participants_and_organisers(
    webinar, alice, bob, carol, dave, moderator
):
    services.register(event=webinar, user=bob)
    services.register(event=webinar, user=carol)
    services.register(event=webinar, user=dave)  # full: waiting list
    url = reverse("events:detail", args=["webinar"])
    for person in (None, moderator, dave):
        assert SECRET not in _page(client_for(person).get(url))
    waiting = _text(client_for(dave).get(url))
    assert "You are on the waiting list." in waiting and "Position 1" in waiting
    assert SECRET in _page(client_for(carol).get(url))
    organiser = _page(client_for(alice).get(url))
    assert SECRET in organiser and "You see it as an organiser" in organiser
    assert reverse("events:edit", args=["webinar"]) in organiser
    assert reverse("events:edit", args=["webinar"]) not in _page(client_for(carol).get(url))


def test_an_unconfirmed_guest_address_of_a_member_shows_no_link(webinar, bob):
    services.register(event=webinar, name="Bob", email="bob@example.org")
    text = _text(client_for(bob).get(reverse("events:detail", args=["webinar"])))
    assert "waits for the confirmation of your e-mail address" in text
    assert SECRET not in text


def test_a_cancelled_event_says_so_and_takes_no_registration(webinar, alice, bob):
    services.set_event_status(event=webinar, status=Event.Status.CANCELLED)
    response = client_for(bob).get(reverse("events:detail", args=["webinar"]))
    assert "This event is cancelled." in _text(response)
    assert reverse("events:register", args=["webinar"]) not in _page(response)
    response = client_for(bob).post(reverse("events:register", args=["webinar"]))
    assert response.status_code == 302 and not webinar.registrations.exists()


def test_it_leads_to_the_outcomes_of_an_event_that_has_some(forum, recommendation, webinar):
    outcomes = reverse("events:outcomes", args=["asia-forum"])
    assert outcomes in _page(client_for(None).get(forum.get_absolute_url()))
    webinar_outcomes = reverse("events:outcomes", args=["webinar"])
    assert webinar_outcomes not in _page(client_for(None).get(webinar.get_absolute_url()))


def test_a_draft_is_only_for_its_organisers(lantern, alice, bob, carol):
    make_event(organisers=[lantern], slug="draft", title="Unpublished plans", status="draft")
    url = reverse("events:detail", args=["draft"])
    for person in (None, bob, carol):
        assert client_for(person).get(url).status_code == 404
        assert client_for(person).get(reverse("events:event_ics", args=["draft"])).status_code == (
            404
        )
    assert "Draft: only its organisers" in _page(client_for(alice).get(url))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).count() == 6


def test_hostile_text_is_escaped(lantern):
    make_event(
        organisers=[lantern],
        slug="hostile",
        title='<script>alert("title")</script>',
        summary='<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <b>bold</b>',
        external_organiser='<i onmouseover="alert(3)">x</i>',
        city="<svg onload=alert(4)>",
    )
    for url in (reverse("events:detail", args=["hostile"]), reverse("events:calendar")):
        page = _page(client_for(None).get(url))
        assert '<script>alert("title")' not in page
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in page
        assert "onerror" not in page and "javascript:" not in page
        assert "<i onmouseover" not in page and "<svg onload" not in page


# --- Registering and cancelling: members ----------------------------------------------


def test_a_member_registers_in_one_click_and_cancels(
    webinar, bob, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    url = reverse("events:register", args=["webinar"])
    assert "You register as bob@example.org" in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == webinar.get_absolute_url()
    page = _text(client.get(response["Location"]))
    assert "You are registered. We sent you an e-mail" in page and SECRET in page
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    again = _text(client.post(url, follow=True))
    assert "You were already registered for this event." in again and "You are registered." in again
    cancel = reverse("events:cancel", args=["webinar"])
    assert client.get(cancel).status_code == 405
    page = _text(client.post(cancel, follow=True))
    assert "Your registration is cancelled." in page and SECRET not in page
    assert webinar.registrations.get().status == Registration.Status.CANCELLED


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(webinar, alice, bob, carol):
    services.register(event=webinar, user=alice)
    client_for(bob).post(reverse("events:register", args=["webinar"]))
    response = client_for(carol).post(reverse("events:register", args=["webinar"]), follow=True)
    assert "The event is full: you are on the waiting list." in _text(response)
    assert SECRET not in _page(client_for(carol).get(webinar.get_absolute_url()))
    client_for(bob).post(reverse("events:cancel", args=["webinar"]))
    page = _text(client_for(carol).get(webinar.get_absolute_url()))
    assert "You are registered." in page and SECRET in page


def test_cancelling_needs_a_signed_in_person_with_a_registration(webinar, bob):
    url = reverse("events:cancel", args=["webinar"])
    response = client_for(None).post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client_for(bob).post(url, follow=True)
    assert "You have no registration for this event." in _text(response)


def test_a_closed_or_members_only_registration_is_refused_with_a_reason(webinar, lantern, bob):
    services.save_event(event=webinar, fields={"registration": Event.Registration.CLOSED})
    response = client_for(bob).post(reverse("events:register", args=["webinar"]), follow=True)
    assert "Registration for this event is closed." in _text(response)
    assert not webinar.registrations.exists()
    services.save_event(event=webinar, fields={"registration": Event.Registration.MEMBERS})
    url = reverse("events:register", args=["webinar"])
    text = _text(client_for(None).get(url))
    assert "Only signed-in members register for this event." in text and "Your name" not in text
    client_for(None).post(url, {"name": "Nok", "email": "nok@example.net"})
    assert not webinar.registrations.exists()


def test_registering_for_a_past_event_is_closed(forum, bob):
    assert "This event is over." in _text(client_for(bob).get(forum.get_absolute_url()))
    response = client_for(bob).post(reverse("events:register", args=["asia-forum"]), follow=True)
    assert "Registration for this event is closed." in _text(response)


# --- Registering and cancelling: guests -----------------------------------------------


def _register_guest(client, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("events:register", args=["webinar"]),
            {"name": "Nok", "email": "nok@example.net", "organisation_name": "", **fields},
        )


def test_a_guest_registers_and_is_asked_to_confirm_the_address(
    webinar, django_capture_on_commit_callbacks
):
    client = client_for(None)
    form = _text(client.get(reverse("events:register", args=["webinar"])))
    assert "Your name" in form and "Your e-mail address" in form and "organisers see" in form
    text = _text(_register_guest(client, django_capture_on_commit_callbacks))
    assert "Check your e-mail to confirm your registration." in text
    [message] = mail.outbox
    assert message.to == ["nok@example.net"] and "/events/confirm/" in message.body
    assert webinar.registrations.get().status == Registration.Status.UNCONFIRMED
    # The same answer for an address registered before; the e-mail goes to that address
    # again (a guest who lost it), and no second registration is made.
    again = _text(_register_guest(client_for(None), django_capture_on_commit_callbacks))
    assert "Check your e-mail to confirm your registration." in again
    assert [m.to for m in mail.outbox] == [["nok@example.net"]] * 2
    assert webinar.registrations.count() == 1


def test_a_guest_form_with_mistakes_says_what_to_fix(webinar, django_capture_on_commit_callbacks):
    response = _register_guest(
        client_for(None), django_capture_on_commit_callbacks, email="not-an-address"
    )
    assert "Enter a valid email address." in _text(response)
    assert not webinar.registrations.exists() and not mail.outbox


def test_a_robot_filling_the_hidden_field_registers_nobody(
    webinar, django_capture_on_commit_callbacks
):
    response = _register_guest(
        client_for(None), django_capture_on_commit_callbacks, website="http://spam.example"
    )
    assert "Check your e-mail" in _text(response)
    assert not webinar.registrations.exists() and not mail.outbox


def test_opening_the_confirmation_link_confirms_nothing_until_the_button(
    webinar, django_capture_on_commit_callbacks
):
    guest, token = services.register(event=webinar, name="Nok", email="nok@example.net")
    client = client_for(None)
    url = reverse("events:confirm", args=[token])
    text = _text(client.get(url))
    assert "Confirm my registration" in text and SECRET not in text
    guest.refresh_from_db()
    assert guest.status == Registration.Status.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("events:registration", args=[token])
    guest.refresh_from_db()
    assert guest.status == Registration.Status.CONFIRMED
    page = _text(client.get(response["Location"]))
    assert "You are registered." in page and SECRET in page
    assert "You are registered" in mail.outbox[0].subject
    assert client.put(url).status_code == 405
    assert client.get(reverse("events:confirm", args=["nope"])).status_code == 404
    assert client.post(reverse("events:confirm", args=["nope"])).status_code == 404


def test_a_guest_confirming_when_the_event_is_full_waits(webinar, alice, bob):
    _guest, token = services.register(event=webinar, name="Nok", email="nok@example.net")
    services.register(event=webinar, user=alice)
    services.register(event=webinar, user=bob)
    response = client_for(None).post(reverse("events:confirm", args=[token]), follow=True)
    text = _text(response)
    assert "you are on the waiting list" in text and "Position 1" in text
    assert SECRET not in text


def test_a_guest_cancels_from_their_link(webinar, alice, bob, carol):
    guest, token = services.register(event=webinar, name="Nok", email="nok@example.net")
    services.confirm_registration(registration=guest, token=token)
    services.register(event=webinar, user=alice)
    services.register(event=webinar, user=carol)  # waiting
    url = reverse("events:registration", args=[token])
    client = client_for(None)
    assert "Cancel my registration" in _text(client.get(url))
    assert client_for(bob).post(reverse("events:cancel", args=["webinar"])).status_code == 302
    guest.refresh_from_db()
    assert guest.status == Registration.Status.CONFIRMED  # another person cannot cancel it
    text = _text(client.post(url, follow=True))
    assert "Your registration is cancelled." in text and "This registration is cancelled." in text
    assert SECRET not in text and "Cancel my registration" not in text
    assert webinar.registrations.get(user=carol).status == Registration.Status.CONFIRMED
    assert client.delete(url).status_code == 405
    assert client.get(reverse("events:registration", args=["nope"])).status_code == 404


# --- Feedback -------------------------------------------------------------------------


def test_feedback_opens_when_the_event_starts_for_confirmed_participants(
    webinar, alice, bob, carol, dave
):
    services.register(event=webinar, user=bob)
    services.register(event=webinar, user=alice)
    services.register(event=webinar, user=carol)  # waiting
    url = reverse("events:feedback", args=["webinar"])
    assert client_for(bob).get(url).status_code == 404  # not started yet
    _started(webinar)
    for person in (None, dave, carol):
        assert client_for(person).get(url).status_code == 404
    client = client_for(bob)
    assert "Tell us what you thought of it" in _text(client.get(webinar.get_absolute_url()))
    assert "Overall, how useful was it?" in _text(client.get(url))
    response = client.post(url, {"rating": "4", "useful": "The checklist", "improve": ""})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.useful, feedback.registration.user) == (
        4,
        "The checklist",
        bob,
    )
    assert "Thank you for your feedback." in _text(client.get(response["Location"]))
    assert "You can change the feedback you gave." in _text(client.get(url))
    assert "Select a valid choice" in _text(client.post(url, {"rating": "9"}))
    assert client.delete(url).status_code == 405


def test_a_guest_gives_feedback_with_their_link(webinar):
    guest, token = services.register(event=webinar, name="Nok", email="nok@example.net")
    services.confirm_registration(registration=guest, token=token)
    _started(webinar)
    url = reverse("events:feedback", args=["webinar"])
    assert client_for(None).get(url, {"token": "wrong"}).status_code == 404
    page = _text(client_for(None).get(reverse("events:registration", args=[token])))
    assert "Tell us what you thought of it" in page
    response = client_for(None).post(f"{url}?token={token}", {"rating": "5"})
    assert response["Location"] == reverse("events:registration", args=[token])
    assert Feedback.objects.get().registration == guest


def test_a_speakers_name_links_to_their_profile_only_for_those_who_may_open_it(webinar, alice, bob):
    from commons.directory.services import save_person_profile
    from commons.events.models import Speaker

    save_person_profile(user=alice, fields={"title": "Director"}, visibility={"name": "members"})
    Speaker.objects.create(event=webinar, person=alice, name="Alice", role="panelist")
    Speaker.objects.create(event=webinar, person=bob, name="Bob", role="moderator")  # no profile
    profile = reverse("directory:person", args=[alice.pk])
    url = reverse("events:detail", args=["webinar"])
    signed_in = client_for(bob).get(url).text
    assert f'href="{profile}"' in signed_in
    assert reverse("directory:person", args=[bob.pk]) not in signed_in
    anonymous = client_for(None).get(url).text
    assert "Alice" in anonymous and f'href="{profile}"' not in anonymous
