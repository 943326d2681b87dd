"""Times are shown in the viewer's time zone (their account's, else their browser's
cookie, or one asked for with ``?tz=``) next to the event's own.

The issue asks that "an event at 14:00 Asia/Bangkok shows 08:00 for a viewer in
Europe/London in winter". Bangkok is UTC+7 all year and London is UTC+0 in winter
(GMT) and UTC+1 in summer (BST), so, as zoneinfo confirms:

    14:00 ICT = 07:00 UTC = 07:00 GMT (January)   15:00 ICT = 08:00 GMT (January)
    14:00 ICT = 07:00 UTC = 08:00 BST (July)

An event at 14:00 in Bangkok shows 08:00 in London in *summer*; in winter it is an
event at 15:00 in Bangkok that does. Both are tested below.
"""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(month: int, hour: int) -> datetime.datetime:
    """The 14th of ``month`` next year at ``hour``:00 in Bangkok."""
    return datetime.datetime(timezone.now().year + 1, month, 14, hour, 0, tzinfo=BANGKOK)


@pytest.fixture
def winter_webinar(lantern):
    start = _at(1, 15)
    assert start.astimezone(LONDON).strftime("%H:%M %Z") == "08:00 GMT"
    return make_event(organisers=[lantern], slug="winter", starts_at=start)


@pytest.fixture
def summer_webinar(lantern):
    start = _at(7, 14)
    assert start.astimezone(LONDON).strftime("%H:%M %Z") == "08:00 BST"
    return make_event(organisers=[lantern], slug="summer", starts_at=start)


def _text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" – ", "–")


def _detail(client, slug: str, **query):
    return client.get(reverse("events:detail", args=[slug]), query)


def test_a_member_sees_the_times_in_the_time_zone_of_their_account(winter_webinar, bob):
    bob.time_zone = "Europe/London"
    bob.save()
    text = _text(_detail(client_for(bob), "winter"))
    assert "08:00–10:00 Europe/London" in text
    assert "15:00–17:00 in Bangkok (Asia/Bangkok)" in text


def test_a_visitor_sees_the_times_in_the_time_zone_of_their_browser(winter_webinar):
    client = client_for(None)
    client.cookies["tz"] = "Europe/London"
    text = _text(_detail(client, "winter"))
    assert "08:00–10:00 Europe/London" in text
    assert "15:00–17:00 in Bangkok (Asia/Bangkok)" in text
    assert "08:00–10:00" in _text(client.get(reverse("events:calendar")))


def test_a_time_zone_asked_for_in_the_address_is_shown_and_remembered(winter_webinar, bob):
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    response = _detail(client_for(bob), "winter", tz="Europe/London")
    assert "08:00–10:00 Europe/London" in _text(response)
    assert response.cookies["tz"].value == "Europe/London"
    # The account's zone is back on the next page.
    assert "17:00–19:00 Asia/Tokyo" in _text(_detail(client_for(bob), "winter"))


def test_summer_time_is_applied(summer_webinar):
    client = client_for(None)
    client.cookies["tz"] = "Europe/London"
    text = _text(_detail(client, "summer"))
    assert "08:00–10:00 Europe/London" in text
    assert "14:00–16:00 in Bangkok (Asia/Bangkok)" in text


def test_an_unknown_time_zone_is_ignored(winter_webinar):
    client = client_for(None)
    client.cookies["tz"] = "Mars/Olympus_Mons"
    response = _detail(client, "winter", tz="Europe/Nowhere")
    text = _text(response)
    assert "08:00–10:00 UTC" in text and "Nowhere" not in text and "Mars" not in text
    assert "tz" not in response.cookies
    tokyo = client_for(None)
    tokyo.cookies["tz"] = "Asia/Tokyo"
    response = _detail(tokyo, "winter", tz="<script>")
    assert "17:00–19:00 Asia/Tokyo" in _text(response) and "tz" not in response.cookies


def test_the_event_time_is_shown_once_to_a_viewer_in_its_zone(winter_webinar):
    client = client_for(None)
    client.cookies["tz"] = "Asia/Bangkok"
    text = _text(_detail(client, "winter"))
    assert "15:00–17:00 Asia/Bangkok" in text and "in Bangkok (Asia/Bangkok)" not in text
