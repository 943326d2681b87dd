"""iCalendar (RFC 5545) for events: public feeds and the invitation sent to a participant.

Written with the ``icalendar`` library. Public feeds never carry an online meeting link;
only the invitation sent to a registered participant does (``with_link=True``).
"""

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from commons.events.models import Event

PRODID = "-//Freedom Commons//Events//EN"


def _uid(event: Event) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    return f"event-{event.pk}@{host}"


def _component(event: Event, *, with_link: bool, cancelled: bool) -> icalendar.Event:
    url = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("dtstamp", timezone.now())
    # Start and end in the event's own zone, so calendars show the organisers' wall time
    # and convert it for each reader; the VTIMEZONE is added by add_missing_timezones.
    item.add("dtstart", event.starts_at.astimezone(event.tz))
    item.add("dtend", event.ends_at.astimezone(event.tz))
    item.add("summary", event.title)
    item.add("url", url)
    description = [event.summary.strip(), url]
    if with_link and event.online_url:
        description.insert(1, event.online_url)
    item.add("description", "\n\n".join(part for part in description if part))
    location = ", ".join(part for part in (event.venue, event.city) if part)
    if with_link and event.online_url and not location:
        location = event.online_url
    if location:
        item.add("location", location)
    item.add("last-modified", event.updated_at)
    if cancelled or event.status == Event.Status.CANCELLED:
        item.add("status", "CANCELLED")
    else:
        item.add("status", "CONFIRMED")
    item.add("sequence", int(event.updated_at.timestamp()) // 60 % 2_000_000_000)
    return item


def calendar(
    events: Iterable[Event],
    *,
    name: str = "",
    with_link: bool = False,
    method: str | None = None,
    cancelled: bool = False,
) -> bytes:
    """A VCALENDAR of ``events``: a subscribed feed (no ``method``), or the ``PUBLISH``
    attached to a participant's e-mail; ``cancelled`` marks the events cancelled for the
    reader (their place was cancelled). No ORGANIZER/ATTENDEE: iTIP's REQUEST and CANCEL
    need them and mail clients then offer replies nobody reads."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_component(event, with_link=with_link, cancelled=cancelled))
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation(event: Event, *, cancelled: bool = False) -> list[str]:
    """The attachment for a participant's e-mail: ``[filename, text, MIME type]``."""
    text = calendar([event], with_link=not cancelled, method="PUBLISH", cancelled=cancelled)
    return ["event.ics", text.decode(), "text/calendar"]
