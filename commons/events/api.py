"""Events endpoints: the calendar, one event, forum recommendations and the commitments
made on them. The same queries as the pages decide what a caller sees; the meeting link
is only in an event's answer for its confirmed participants and its organisers."""

import datetime

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from commons.accounts.models import Organisation
from commons.core.api_schemas import ErrorOut, Id, InvalidOut
from commons.events import queries, rules
from commons.events.models import Event, Recommendation
from commons.lib.geo import Region

router = Router(tags=["events"])
MAX_PAGE_SIZE = 100


def _utc(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _page(found, page: int, page_size: int):
    paginated = Paginator(found, page_size).get_page(page)
    return paginated, {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
    }


class OrganisationRef(Schema):
    slug: str
    name: str


class ThemeOut(Schema):
    code: str
    label: str


class EventParams(Schema):
    when: str = Field("upcoming", description="upcoming (default), past or all")
    kind: str = Field("", description=", ".join(Event.Kind.values))
    region: str = Field("", description=", ".join(Region.values))
    language: str = Field("", description="Spoken or interpreted into, ISO 639-1.")
    theme: str = Field("", description="A theme's code (see the recommendations' themes).")
    country: str = Field("", description="ISO 3166-1 alpha-2.")
    organiser: str = Field("", description="An organising organisation's slug.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class EventSummary(Schema):
    slug: str
    url: str
    kind: str
    status: str = Field(..., description="published or cancelled (draft for its organisers)")
    title: str
    summary: str
    starts_at: str = Field(..., description="ISO 8601, UTC.")
    ends_at: str = Field(..., description="ISO 8601, UTC.")
    time_zone: str = Field(..., description="Where the event happens (IANA name).")
    region: str
    countries: list[str]
    languages: list[str]
    interpretation: list[str]
    online: bool
    venue: str
    city: str
    country: str
    organisers: list[OrganisationRef]
    external_organiser: str
    external_url: str
    themes: list[ThemeOut]
    registration: str = Field(..., description="open, members, closed or elsewhere")
    capacity: int | None


class EventsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[EventSummary]


class SpeakerOut(Schema):
    name: str
    role: str
    affiliation: str
    organisation: OrganisationRef | None


class SessionOut(Schema):
    title: str
    description: str
    starts_at: str
    ends_at: str
    language: str
    speakers: list[SpeakerOut]


class MaterialOut(Schema):
    kind: str
    title: str
    url: str
    language: str


class EventOut(EventSummary):
    summary_html: str
    seats_left: int | None = Field(..., description="Places still free; null: no limit.")
    online_url: str | None = Field(
        None, description="Only for confirmed participants and the organisers."
    )
    speakers: list[SpeakerOut] = Field(..., description="Speakers of the whole event.")
    sessions: list[SessionOut]
    materials: list[MaterialOut]


def _organisation(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"slug": organisation.slug, "name": organisation.name}


def _themes(item) -> list[dict]:
    return [{"code": theme.code, "label": theme.label} for theme in item.themes.all()]


def _event_summary(request, event) -> dict:
    return {
        "slug": event.slug,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "kind": event.kind,
        "status": event.status,
        "title": event.title,
        "summary": event.summary,
        "starts_at": _utc(event.starts_at),
        "ends_at": _utc(event.ends_at),
        "time_zone": event.time_zone,
        "region": event.region,
        "countries": event.countries,
        "languages": event.languages,
        "interpretation": event.interpretation,
        "online": event.is_online,
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "organisers": [_organisation(o) for o in event.organisers.all()],
        "external_organiser": event.external_organiser,
        "external_url": event.external_url,
        "themes": _themes(event),
        "registration": event.registration,
        "capacity": event.capacity,
    }


def _speaker(speaker) -> dict:
    return {
        "name": speaker.name,
        "role": speaker.role,
        "affiliation": speaker.affiliation,
        "organisation": _organisation(speaker.organisation),
    }


@router.get(
    "/events",
    response={200: EventsOut, 422: InvalidOut},
    url_name="events",
    summary="The calendar of events",
)
def events(request, params: Query[EventParams]):
    filters = queries.EventFilters.from_query(params.dict())
    found = queries.calendar_events(request.user, filters)
    paginated, counts = _page(found, params.page, params.page_size)
    return {**counts, "items": [_event_summary(request, e) for e in paginated.object_list]}


@router.get(
    "/events/{slug:slug}",
    response={200: EventOut, 404: ErrorOut},
    url_name="event_detail",
    summary="One event with its programme, speakers and materials",
)
def event_detail(request, slug: str):
    event = queries.event_detail(queries.get_event_for_user(request, slug))
    registration = queries.registration_for(event, user=request.user)
    shows_link = bool(event.online_url) and rules.can_see_online_link(
        request.user, event, registration
    )
    return {
        **_event_summary(request, event),
        "summary_html": event.summary_html,
        "seats_left": queries.seats_left(event),
        "online_url": event.online_url if shows_link else None,
        "speakers": [_speaker(s) for s in event.event_speakers],
        "sessions": [
            {
                "title": session.title,
                "description": session.description,
                "starts_at": _utc(session.starts_at),
                "ends_at": _utc(session.ends_at),
                "language": session.language,
                "speakers": [_speaker(s) for s in session.speakers.all()],
            }
            for session in event.sessions.all()
        ],
        "materials": [
            {
                "kind": m.kind,
                "title": m.title,
                "url": request.build_absolute_uri(m.href),
                "language": m.language,
            }
            for m in event.materials.all()
        ],
    }


class RecommendationParams(Schema):
    region: str = Field("", description="A region code (as for events).")
    audience: str = Field(
        "",
        description=", ".join(Recommendation.Audience.values),
    )
    theme: str = Field("", description="A theme's code.")
    country: str = Field("", description="Named in the recommendation, ISO 3166-1 alpha-2.")
    event: str = Field("", description="The slug of the event that made it.")
    taken: str = Field("", description="yes: someone committed to it; no: nobody has yet.")
    q: str = Field("", description="Words in the recommendation's text.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class RecommendationOut(Schema):
    id: int
    url: str
    event: str = Field(..., description="The slug of the event that made it.")
    region: str
    audience: str
    audience_country: str = Field(..., description="For audience government-of-country.")
    text: str
    themes: list[ThemeOut]
    countries: list[str]
    commitment_count: int


class RecommendationsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[RecommendationOut]


@router.get(
    "/recommendations",
    response={200: RecommendationsOut, 422: InvalidOut},
    url_name="recommendations",
    summary="Forum recommendations, by region, audience, theme and country",
)
def recommendations(request, params: Query[RecommendationParams]):
    filters = queries.RecommendationFilters.from_query(params.dict())
    found = queries.recommendations_for(request.user, filters)
    paginated, counts = _page(found, params.page, params.page_size)
    return {
        **counts,
        "items": [
            {
                "id": r.pk,
                "url": request.build_absolute_uri(r.get_absolute_url()),
                "event": r.event.slug,
                "region": r.region,
                "audience": r.audience,
                "audience_country": r.audience_country,
                "text": r.text,
                "themes": _themes(r),
                "countries": r.countries,
                "commitment_count": r.commitment_count,
            }
            for r in paginated.object_list
        ],
    }


class CommitmentParams(Schema):
    recommendation: Id | None = Field(None, description="A recommendation's id.")
    organisation: str = Field("", description="The committed organisation's slug.")
    status: str = Field("", description="planned, in-progress, done or stopped")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class UpdateOut(Schema):
    status: str
    text: str
    created_at: str


class CommitmentOut(Schema):
    id: int
    recommendation: int
    event: str
    organisation: OrganisationRef
    action: str
    due: str | None = Field(..., description="ISO 8601 date.")
    status: str
    updated_at: str
    updates: list[UpdateOut] = Field(..., description="Newest first.")


class CommitmentsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[CommitmentOut]


@router.get(
    "/commitments",
    response={200: CommitmentsOut, 422: InvalidOut},
    url_name="commitments",
    summary="Commitments organisations made to act on recommendations",
)
def commitments(request, params: Query[CommitmentParams]):
    organisation = None
    if params.organisation:
        organisation = Organisation.objects.filter(slug=params.organisation).first()
    found = queries.commitments_for(
        request.user,
        recommendation=params.recommendation,
        organisation=organisation,
        status=params.status,
    ).order_by("-updated_at", "pk")
    if params.organisation and organisation is None:
        found = found.none()  # an unknown organisation has made no commitments
    paginated, counts = _page(found, params.page, params.page_size)
    return {
        **counts,
        "items": [
            {
                "id": c.pk,
                "recommendation": c.recommendation_id,
                "event": c.recommendation.event.slug,
                "organisation": _organisation(c.organisation),
                "action": c.action,
                "due": c.due.isoformat() if c.due else None,
                "status": c.status,
                "updated_at": _utc(c.updated_at),
                "updates": [
                    {"status": u.status, "text": u.text, "created_at": _utc(u.created_at)}
                    for u in c.updates.all()
                ],
            }
            for c in paginated.object_list
        ],
    }
