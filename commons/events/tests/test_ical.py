"""The iCalendar feeds and files, read back with the icalendar library: the events they
carry, in the event's own time zone, with stable identifiers, and never a meeting link
except in the entry e-mailed to a confirmed participant."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.events import services
from commons.events.models import Event
from commons.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db

SECRET = "secret-room"


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert SECRET.encode() not in response.content
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(item["summary"]): item for item in calendar.walk("VEVENT")}


@pytest.fixture
def events(webinar, forum, lantern):
    """The webinar (upcoming, Asia), the forum (ended 60 days ago), an event in Europe,
    one that ended long ago, a draft and a cancelled event."""
    make_event(
        organisers=[lantern],
        slug="europe",
        title="Europe roundtable",
        region="europe",
        time_zone="Europe/Paris",
    )
    make_event(
        organisers=[lantern],
        slug="old",
        title="Old workshop",
        starts_at=timezone.now() - datetime.timedelta(days=200),
    )
    make_event(organisers=[lantern], slug="draft", title="Unpublished plans", status="draft")
    cancelled = make_event(organisers=[lantern], slug="cancelled", title="Called-off webinar")
    services.set_event_status(event=cancelled, status=Event.Status.CANCELLED)
    return webinar


def test_the_feed_has_upcoming_and_recent_events_in_their_own_time_zone(events, webinar):
    client = client_for(None)
    found = _events(_calendar(client.get(reverse("events:feed"))))
    assert set(found) == {
        "Safe recruitment webinar",
        "Asia regional forum",
        "Europe roundtable",
        "Called-off webinar",
    }
    item = found["Safe recruitment webinar"]
    start = item["dtstart"]
    # The organisers' wall time in their zone, which calendars convert for each reader.
    local = webinar.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Bangkok")).replace(microsecond=0)
    assert start.params["TZID"] == "Asia/Bangkok"
    assert start.dt.replace(tzinfo=None) == local.replace(tzinfo=None)
    assert start.dt == local
    assert str(item["url"]) == f"{settings.SITE_URL}/events/webinar/"
    assert found["Europe roundtable"]["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(found["Called-off webinar"]["status"]) == "CANCELLED"
    assert str(item["status"]) == "CONFIRMED"
    again = _events(_calendar(client_for(None).get(reverse("events:feed"))))
    assert str(again["Safe recruitment webinar"]["uid"]) == str(item["uid"])
    assert len({str(i["uid"]) for i in found.values()}) == 4
    assert client.post(reverse("events:feed")).status_code == 405


def test_the_regional_feed_has_that_region_only(events):
    url = reverse("events:feed_region", kwargs={"region": "europe"})
    calendar = _calendar(client_for(None).get(url))
    assert set(_events(calendar)) == {"Europe roundtable"}
    assert "Europe" in str(calendar["x-wr-calname"])
    asia = reverse("events:feed_region", kwargs={"region": "asia-pacific"})
    assert "Europe roundtable" not in _events(_calendar(client_for(None).get(asia)))
    nowhere = reverse("events:feed_region", kwargs={"region": "atlantis"})
    assert client_for(None).get(nowhere).status_code == 404


def test_drafts_are_never_in_a_feed_even_for_their_organisers(events, alice, staff):
    for person in (alice, staff):
        found = _events(_calendar(client_for(person).get(reverse("events:feed"))))
        assert "Unpublished plans" not in found


def test_an_events_calendar_file_has_it_without_the_meeting_link(webinar, bob):
    services.register(event=webinar, user=bob)
    # Not even for a participant: the file can be forwarded; their e-mail has the link.
    response = client_for(bob).get(reverse("events:event_ics", args=["webinar"]))
    [item] = _calendar(response).walk("VEVENT")
    assert response["Content-Disposition"] == 'attachment; filename="webinar.ics"'
    assert str(item["summary"]) == "Safe recruitment webinar"
    assert item["dtstart"].params["TZID"] == "Asia/Bangkok"
    assert item["dtend"].dt - item["dtstart"].dt == datetime.timedelta(hours=2)
    assert client_for(bob).post(reverse("events:event_ics", args=["webinar"])).status_code == 405


def test_the_confirmation_e_mail_carries_the_entry_with_the_meeting_link(
    webinar, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post(reverse("events:register", args=["webinar"]))
    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    [item] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert SECRET in str(item["description"]) and SECRET in str(item["location"])
    assert item["dtstart"].dt == webinar.starts_at.replace(microsecond=0)
    feed = _events(_calendar(client_for(None).get(reverse("events:feed"))))
    assert str(feed["Safe recruitment webinar"]["uid"]) == str(item["uid"])
