"""Directory endpoints: the same search function and visibility rules as the pages."""

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema

from commons.accounts.auth import SIGNED_IN
from commons.accounts.queries import organisations_for_user
from commons.core.api_schemas import ErrorOut, Id, InvalidOut
from commons.directory.forms import parse_partner_need, parse_search
from commons.directory.queries import (
    community_in_numbers,
    find_partners,
    get_person_for_user,
    organisation_profile,
    people_for_user,
    search_organisations,
    shared_profiles,
)

router = Router(tags=["directory"])
MAX_PAGE_SIZE = 100


class SearchParams(Schema):
    """Every facet takes one or more values (repeat the parameter: ``country=TH&country=KH``)."""

    q: str = Field(
        "", description="Words to find in names, acronyms and descriptions (any script)."
    )
    country: list[str] = Field([], description="Countries of operation, ISO 3166-1 alpha-2.")
    type: list[str] = Field([], description="Organisation types (codes).")
    four_ps: list[str] = Field([], description="prevention, protection, prosecution, partnership")
    services: list[str] = Field([], description="Service codes.")
    exploitation: list[str] = Field([], description="Forms of exploitation (codes).")
    populations: list[str] = Field([], description="Populations served (codes).")
    sectors: list[str] = Field([], description="Industrial sectors (codes).")
    languages: list[str] = Field([], description="Languages worked in, ISO 639-1.")
    network: list[str] = Field([], description="Slugs of networks the organisation belongs to.")
    hq: list[str] = Field([], description="Headquarters country, ISO 3166-1 alpha-2.")
    size: list[str] = Field([], description="Size bands.")
    verified: bool = Field(False, description="Verified organisations only.")
    frontline: bool = Field(False, description="Frontline service providers only.")
    sort: str = Field("relevance", description="relevance, name or updated")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class OrganisationSummary(Schema):
    slug: str
    name: str
    acronym: str
    country: str
    type: str
    website: str
    summary: str
    verified: bool = Field(..., alias="is_verified")
    frontline: bool
    countries_of_operation: list[str]


class FacetValueOut(Schema):
    code: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    count: int
    page: int
    pages: int
    items: list[OrganisationSummary]
    facets: dict[str, list[FacetValueOut]]
    verified_count: int
    frontline_count: int


class PlaceOut(Schema):
    country: str
    subdivision: str
    locality: str
    latitude: float | None
    longitude: float | None


class HotlineOut(Schema):
    number: str
    label: str
    hours: str
    channels: list[str]


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    country: str
    type: str
    website: str
    summary: str
    verified: bool
    frontline: bool
    member_count: int
    description_html: str
    logo: str | None
    founded: int | None
    size: str
    updated_at: str
    terms: dict[str, list[str]]
    places: list[PlaceOut]
    hotlines: list[HotlineOut]
    networks: list[str]
    network_members: list[str]


def _summary(organisation) -> dict:
    profile = getattr(organisation, "profile", None)
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "country": organisation.country,
        "type": organisation.type,
        "website": organisation.website,
        "summary": organisation.summary,
        "is_verified": organisation.is_verified,
        "frontline": bool(profile and profile.is_frontline),
        "countries_of_operation": sorted({p.country for p in organisation.presences.all()}),
    }


@router.get(
    "/organisations",
    response={200: SearchOut, 422: InvalidOut},
    summary="Search the directory",
)
def search(request, params: Query[SearchParams]):
    query = parse_search(request.GET)
    result = search_organisations(request.user, query, page_size=params.page_size)
    return {
        "count": result.total,
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
        "items": [_summary(o) for o in result.page.object_list],
        "facets": {
            facet.name: [
                {"code": v.code, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ]
            for facet in result.facets
        },
        "verified_count": result.verified_count,
        "frontline_count": result.frontline_count,
    }


@router.get(
    "/organisations/{slug:slug}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation's profile",
)
def detail(request, slug: str):
    organisation = organisations_for_user(request.user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    data = organisation_profile(request.user, organisation)
    profile = data["profile"]
    return {
        **_summary(organisation),
        "verified": organisation.is_verified,
        "member_count": organisation.member_count,
        "description_html": profile.description_html,
        "logo": request.build_absolute_uri(profile.logo.url) if profile.logo else None,
        "founded": profile.founded,
        "size": profile.size,
        "updated_at": profile.updated_at.isoformat(),
        "terms": data["terms"],
        "places": data["presences"],
        "hotlines": data["hotlines"],
        "networks": [n.slug for n in data["networks"]],
        "network_members": [n.slug for n in data["network_members"]],
    }


class Figure(Schema):
    code: str
    label: str
    count: int


class EventNumbersOut(Schema):
    events_held: int = Field(..., description="Published events that have ended.")
    webinars_held: int
    forums_held: int
    panelists: int = Field(..., description="Distinct speakers of the events held.")
    event_languages: int = Field(..., description="Languages spoken or interpreted.")
    registrations: int = Field(..., description="Places taken or waited for, not cancelled.")
    participants: int = Field(..., description="Registrations marked as attended.")
    recommendations: int
    commitments: int


class NumbersOut(Schema):
    professionals: int
    organisations: int
    verified: int
    frontline: int
    countries: int
    network_partnerships: int
    languages: int
    by_four_ps: list[Figure]
    by_exploitation: list[Figure]
    by_population: list[Figure]
    top_languages: list[Figure]
    top_countries_by_members: list[Figure]
    events: EventNumbersOut


@router.get("/numbers", response=NumbersOut, summary="The community in numbers")
def numbers(request):
    from commons.events.queries import cached_event_figures

    return {**community_in_numbers(request.user), "events": cached_event_figures()}


class PartnerParams(Schema):
    country: list[str] = Field([], description="Countries where the partner should work.")
    services: list[str] = Field([], description="Services needed (codes).")
    populations: list[str] = Field([], description="People to be served (codes).")
    languages: list[str] = Field([], description="Languages, ISO 639-1.")


class PartnerOut(Schema):
    organisation: OrganisationSummary
    score: int
    reasons: list[str]


@router.get(
    "/partners",
    response={200: list[PartnerOut], 422: InvalidOut},
    summary="Partner finder: ranked organisations with reasons",
)
def partners(request, params: Query[PartnerParams]):
    need = parse_partner_need(request.GET)
    if need.is_empty():
        return []
    return [
        {"organisation": _summary(m.organisation), "score": m.score, "reasons": m.reasons}
        for m in find_partners(request.user, need)
    ]


class LabelledCode(Schema):
    code: str
    label: str


class OrganisationRef(Schema):
    slug: str
    name: str


class PersonOut(Schema):
    """Only the fields the caller may see are present."""

    id: int
    name: str | None = None
    title: str | None = None
    organisations: list[OrganisationRef] | None = None
    expertise: list[str] | None = None
    languages: list[LabelledCode] | None = None
    countries: list[LabelledCode] | None = None
    bio: str | None = None
    email: str | None = None
    phone: str | None = None


class PeopleOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PersonOut]


@router.get(
    "/people",
    response={200: PeopleOut, 401: ErrorOut, 422: InvalidOut},
    auth=SIGNED_IN,
    summary="People in the network (signed-in members)",
)
def people(request, q: str = "", country: str = "", language: str = "", page: int = 1):
    found = people_for_user(
        request.user, q=q[:100], country=country[:2].upper(), language=language[:3].lower()
    )
    paginated = Paginator(found, 50).get_page(page)
    return {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
        "items": shared_profiles(request.user, paginated.object_list),
    }


@router.get(
    "/people/{user_id}",
    response={200: PersonOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    auth=SIGNED_IN,
    summary="One person's shared profile",
)
def person(request, user_id: Id):
    return get_person_for_user(request.user, user_id)
