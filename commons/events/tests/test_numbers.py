"""The events' share of "the community in numbers": on the home page and in the API."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.events.models import Event, Registration, Speaker
from commons.events.tests.conftest import make_event


def _past(slug: str, **fields) -> Event:
    return make_event(slug=slug, starts_at=timezone.now() - datetime.timedelta(days=30), **fields)


def _registration(event: Event, email: str, status: str, attended=None) -> Registration:
    _raw, digest = Registration.new_token()
    return Registration.objects.create(
        event=event, name=email, email=email, status=status, token_hash=digest, attended=attended
    )


@pytest.fixture
def held(db) -> Event:
    """A past webinar in Thai and English (interpreted into Burmese) with two panelists,
    an interpreter, and registrations in every state."""
    event = _past("held", languages=["th", "en"], interpretation=["my"])
    for name, role in [("Nok", "panelist"), ("Ploy", "moderator"), ("Aung", "interpreter")]:
        Speaker.objects.create(event=event, name=name, role=role)
    _registration(event, "came@example.org", "confirmed", attended=True)
    _registration(event, "also-came@example.org", "confirmed", attended=True)
    _registration(event, "absent@example.org", "confirmed", attended=False)
    _registration(event, "waited@example.org", "waitlisted")
    _registration(event, "cancelled@example.org", "cancelled", attended=True)
    _registration(event, "unconfirmed@example.org", "unconfirmed")
    return event


@pytest.fixture
def not_counted(db) -> list[Event]:
    """Events that were not held: upcoming, cancelled, still a draft."""
    upcoming = make_event(slug="upcoming", languages=["fr"])
    cancelled = _past("cancelled", status=Event.Status.CANCELLED, languages=["es"])
    draft = _past("draft", status=Event.Status.DRAFT, kind=Event.Kind.REGIONAL_FORUM)
    for event in (upcoming, cancelled, draft):
        Speaker.objects.create(event=event, name=f"Speaker at {event.slug}")
        _registration(event, "someone@example.org", "confirmed", attended=True)
    return [upcoming, cancelled, draft]


def _figures(page: str) -> dict[str, str]:
    section = page.split('id="events-numbers-heading"', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", section))


def test_it_counts_published_events_that_were_held(held, not_counted):
    forum = _past("forum", kind=Event.Kind.REGIONAL_FORUM, languages=["en"])
    Speaker.objects.create(event=forum, name="Nok")  # the same panelist, counted once
    page = client_for(None).get(reverse("home")).content.decode()
    assert _figures(page) == {
        "Events held": "2",
        "Webinars": "1",
        "Panelists": "2",  # Nok and Ploy: interpreters are not panelists
        "Languages": "3",  # th, en and my; not fr (upcoming) nor es (cancelled)
        "Registrations": "4",  # not cancelled, not unconfirmed
        "Participants": "2",
    }
    assert 'href="/events/"' in page


def test_the_api_numbers_have_an_events_block(held, not_counted):
    body = client_for(None).get("/api/v1/numbers").json()
    assert body["events"] == {
        "events_held": 1,
        "webinars_held": 1,
        "forums_held": 0,
        "panelists": 2,
        "event_languages": 3,
        "registrations": 4,
        "participants": 2,
        "recommendations": 0,
        "commitments": 0,
    }
    assert body["organisations"] == 0  # the directory's figures are still there


def test_the_figures_are_cached_for_a_minute(held):
    client = client_for(None)
    assert client.get("/api/v1/numbers").json()["events"]["events_held"] == 1
    _past("another")
    assert client.get("/api/v1/numbers").json()["events"]["events_held"] == 1
    assert _figures(client.get(reverse("home")).content.decode())["Events held"] == "1"
    cache.clear()  # a minute later
    assert client.get("/api/v1/numbers").json()["events"]["events_held"] == 2


def test_a_new_site_shows_zeros_and_the_home_page_refuses_other_methods(db):
    page = client_for(None).get(reverse("home")).content.decode()
    assert set(_figures(page).values()) == {"0"}
    assert client_for(None).post(reverse("home")).status_code == 405
