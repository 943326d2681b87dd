"""Demo events (``fixtures/demo_events.json``).

Past events come from public reports: the five regional forums of 2021 with their
priorities and recommendations by audience, the 2023 Asia regional forum, the 2024 ARAT
conference and ECPAT's collective-action workshop, and two webinars of 2020. Their texts
are written for this demo from the reports' facts; where a report gives no date the
date is illustrative and the summary says so. Nobody is registered for them: inventing
participants next to a real organisation's name would be invented data about it.

Upcoming webinars, two past ones with attendance and feedback, and the commitments on
2021 recommendations are fictional: their titles and texts end with "(demo)" and their
organisers are the fictional demo organisations.

Every event is flagged ``is_demo``. An event whose slug exists is left as it is, so the
loader is safe to run again.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from commons.core.services import without_emails
from commons.events import outcomes, services
from commons.events.models import (
    Commitment,
    Event,
    Material,
    Recommendation,
    Registration,
    Session,
    Speaker,
    Theme,
)

FIXTURE = Path(__file__).parent / "fixtures" / "demo_events.json"

# Copied from a fixture row into Event fields as they are.
_PLAIN_FIELDS = (
    "slug", "kind", "title", "summary", "region", "countries", "languages", "interpretation",
    "time_zone", "external_organiser", "external_url", "online_url", "venue", "city",
    "country", "capacity",
)  # fmt: skip


def demo_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_events() -> int:
    """Create the demo events that do not exist yet, with their programme, outcomes and
    registrations, and the demo commitments that are missing. Returns how many events it
    added.

    Side effects: inserts events, sessions, speakers, materials, priorities,
    recommendations, registrations, feedback, commitments and their updates; queues the
    reminders of the upcoming demo webinars. The made-up registrations are not e-mailed.
    """
    with without_emails():
        return _load_demo_events()


def _load_demo_events() -> int:
    from commons.accounts.models import Organisation, User
    from commons.core.demo import PEOPLE

    data = demo_data()
    # The curated themes come with a migration; a database emptied since (a test's flush,
    # an operator's) has none, and the demo needs them.
    for code, label in Theme.CURATED.items():
        Theme.objects.get_or_create(code=code, defaults={"name": str(label)})
    context = _Context(
        people={p.key: User.objects.filter(email=p.email).first() for p in PEOPLE},
        organisations={o.slug: o for o in Organisation.objects.all()},
        themes={t.code: t for t in Theme.objects.all()},
    )
    existing = set(
        Event.objects.filter(slug__in=[r["slug"] for r in data["events"]]).values_list(
            "slug", flat=True
        )
    )
    added = 0
    for row in data["events"]:
        if row["slug"] not in existing:
            _load_event(row, context)
            added += 1
    _load_commitments(data, context)
    return added


class _Context:
    def __init__(self, *, people, organisations, themes):
        self.people = people
        self.organisations = organisations
        self.themes = themes

    def themes_for(self, codes) -> list[Theme]:
        return [self.themes[code] for code in codes]

    def organisation(self, slug: str | None):
        return self.organisations.get(slug) if slug else None


def _times(row: dict) -> tuple[datetime.datetime, datetime.datetime]:
    """Fixed dates are wall-clock times in the event's zone; upcoming and recent demo
    webinars are placed relative to today so that the demo never goes stale."""
    tz = zoneinfo.ZoneInfo(row["time_zone"])
    if "starts" in row:
        starts = datetime.datetime.fromisoformat(row["starts"]).replace(tzinfo=tz)
        ends = datetime.datetime.fromisoformat(row["ends"]).replace(tzinfo=tz)
        return starts, ends
    day = timezone.localdate(timezone=tz) + datetime.timedelta(days=row["starts_in_days"])
    starts = datetime.datetime.combine(day, datetime.time.fromisoformat(row["at"]), tzinfo=tz)
    return starts, starts + datetime.timedelta(minutes=row["minutes"])


def _load_event(row: dict, context: _Context) -> Event:
    starts, ends = _times(row)
    fields = {name: row[name] for name in _PLAIN_FIELDS if name in row}
    fields.update(
        starts_at=starts,
        ends_at=ends,
        status=row.get("status", Event.Status.PUBLISHED),
        registration=row.get("registration", Event.Registration.OPEN),
        is_demo=True,
    )
    event = services.save_event(
        fields=fields,
        organisers=[context.organisations[s] for s in row.get("organisers", [])],
        themes=context.themes_for(row.get("themes", [])),
    )
    for speaker in row.get("speakers", []):
        _add_speaker(event, None, speaker, context)
    for item in row.get("sessions", []):
        session_start = starts + datetime.timedelta(minutes=item["offset_minutes"])
        session = Session.objects.create(
            event=event,
            title=item["title"],
            description=item.get("description", ""),
            starts_at=session_start,
            ends_at=session_start + datetime.timedelta(minutes=item["minutes"]),
            language=item.get("language", ""),
        )
        for speaker in item.get("speakers", []):
            _add_speaker(event, session, speaker, context)
    for item in row.get("materials", []):
        Material.objects.create(event=event, **item)
    for item in row.get("priorities", []):
        outcomes.add_priority(
            event=event,
            region=item["region"],
            title=item["title"],
            description=item.get("description", ""),
            themes=context.themes_for(item.get("themes", [])),
        )
    for item in row.get("recommendations", []):
        outcomes.add_recommendations(
            event=event,
            region=item["region"],
            audience=item["audience"],
            audience_country=item.get("audience_country", ""),
            texts=[item["text"]],
            themes=context.themes_for(item.get("themes", [])),
            countries=item.get("countries", []),
        )
    if ends < timezone.now():
        _load_past_registrations(event, row.get("registrations", []), context)
    else:
        _load_registrations(event, row.get("registrations", []), context)
    return event


def _add_speaker(event: Event, session: Session | None, row: dict, context: _Context) -> None:
    person = context.people.get(row["person"]) if "person" in row else None
    if "person" in row and person is None:
        return  # the demo people are loaded first; without them, no speaker
    Speaker.objects.create(
        event=event,
        session=session,
        role=row.get("role", Speaker.Role.SPEAKER),
        person=person,
        name=person.name if person else row["name"],
        organisation=context.organisation(row.get("organisation")),
        affiliation=row.get("affiliation", ""),
    )


def _load_registrations(event: Event, rows: list[dict], context: _Context) -> None:
    """Registrations to upcoming events go through the service, in order: the places
    fill up and the waiting list forms as it would for real."""
    for row in rows:
        if "person" in row:
            user = context.people.get(row["person"])
            if user is not None:
                services.register(event=event, user=user)
            continue
        registration, token = services.register(
            event=event,
            name=row["guest"],
            email=row["email"],
            organisation_name=row.get("organisation", ""),
        )
        if row.get("confirm") and token:
            services.confirm_registration(registration=registration, token=token)


def _load_past_registrations(event: Event, rows: list[dict], context: _Context) -> None:
    """Registrations to past events are written directly (the service refuses events
    that have ended), with attendance and feedback."""
    for row in rows:
        user = context.people.get(row["person"]) if "person" in row else None
        if "person" in row and user is None:
            continue
        _raw, digest = Registration.new_token()
        cancelled = row.get("cancelled", False)
        registration = Registration.objects.create(
            event=event,
            user=user,
            name=user.name if user else row["guest"],
            email=user.email if user else row["email"],
            organisation_name=row.get("organisation", ""),
            language="en",
            status=Registration.Status.CANCELLED if cancelled else Registration.Status.CONFIRMED,
            token_hash=digest,
            confirmed_at=event.starts_at - datetime.timedelta(days=5),
            cancelled_at=event.starts_at - datetime.timedelta(days=1) if cancelled else None,
            attended=None if cancelled else row.get("attended"),
        )
        if "feedback" in row:
            services.save_feedback(registration=registration, **row["feedback"])


def _recommendation_texts(data: dict) -> dict[str, tuple[str, str]]:
    """The key a fixture gives a recommendation → (event slug, text)."""
    return {
        item["key"]: (row["slug"], item["text"])
        for row in data["events"]
        for item in row.get("recommendations", [])
        if "key" in item
    }


def _load_commitments(data: dict, context: _Context) -> None:
    texts = _recommendation_texts(data)
    for row in data["commitments"]:
        slug, text = texts[row["recommendation"]]
        recommendation = Recommendation.objects.filter(event__slug=slug, text=text).first()
        organisation = context.organisation(row["organisation"])
        if recommendation is None or organisation is None:
            continue
        if Commitment.objects.filter(
            recommendation=recommendation, organisation=organisation
        ).exists():
            continue
        commitment = outcomes.commit_to(
            recommendation=recommendation,
            organisation=organisation,
            action=row["action"],
            due=timezone.localdate() + datetime.timedelta(days=row["due_in_days"]),
            actor=context.people.get(row.get("by", "")),
        )
        for update in row["updates"]:
            outcomes.update_commitment(
                commitment=commitment,
                status=update["status"],
                text=update["text"],
                actor=context.people.get(update.get("by", "")),
            )
