"""Reads of events and forum outcomes, shared by the pages, the feeds and the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commons.accounts.queries import organisations_administered_by
from commons.core.errors import deny
from commons.core.queries import json_list_has
from commons.events import rules
from commons.events.models import (
    Commitment,
    Event,
    Feedback,
    Material,
    Recommendation,
    Registration,
    Speaker,
    Theme,
)
from commons.lib.geo import Region
from commons.lib.tokens import hash_token

# --- Events ---------------------------------------------------------------------------


def events_for_user(user) -> QuerySet[Event]:
    """Published and cancelled events are public; drafts only to their organisers."""
    public = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
    if not user.is_authenticated:
        return Event.objects.filter(public)
    if user.is_staff:
        return Event.objects.all()
    return Event.objects.filter(
        public | Q(organisers__in=organisations_administered_by(user))
    ).distinct()


@dataclass
class EventFilters:
    """The calendar's filters; the API takes the same ones."""

    when: str = "upcoming"  # upcoming | past | all
    kind: str = ""
    region: str = ""
    language: str = ""
    theme: str = ""
    country: str = ""
    organiser: str = ""  # an organisation's slug

    @classmethod
    def from_query(cls, params) -> EventFilters:
        found = cls(**{name: (params.get(name) or "").strip() for name in cls.field_names()})
        if found.when not in {"upcoming", "past", "all"}:
            found.when = "upcoming"
        return found

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.__dataclass_fields__)

    def as_query(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.field_names() if getattr(self, name)}


def calendar_events(user, filters: EventFilters) -> QuerySet[Event]:
    """Events for the calendar, the feeds and the API: upcoming soonest first, past
    latest first. An event that has started but not ended is upcoming (still joinable)."""
    now = timezone.now()
    found = events_for_user(user).exclude(status=Event.Status.DRAFT)
    if filters.when == "upcoming":
        found = found.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif filters.when == "past":
        found = found.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        found = found.order_by("-starts_at", "-pk")
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.region:
        found = found.filter(region=filters.region)
    if filters.language:
        found = found.filter(
            json_list_has("languages", filters.language)
            | json_list_has("interpretation", filters.language)
        )
    if filters.country:
        in_list = json_list_has("countries", filters.country)
        found = found.filter(in_list | Q(country=filters.country))
    if filters.theme:
        found = found.filter(themes__code=filters.theme)
    if filters.organiser:
        found = found.filter(organisers__slug=filters.organiser)
    return found.distinct().prefetch_related("organisers", "themes")


def get_event_for_user(request, slug: str) -> Event:
    """The event, or 404 when it does not exist or is a draft this person may not see."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404
    if not rules.can_see_event(request.user, event):
        deny(request, target=event, reason="draft event", not_found=True)
    return event


def get_event_for_organiser(request, slug: str) -> Event:
    """The event its organisers manage: 404 for whoever may not see it, 403 for anyone
    else (both audited)."""
    event = get_event_for_user(request, slug)
    if not rules.can_organise(request.user, event):
        deny(request, target=event, reason="cannot organise this event")
    return event


def event_detail(event: Event) -> Event:
    """The event with what its page shows fetched in a few queries."""
    return (
        Event.objects.filter(pk=event.pk)
        .prefetch_related(
            "organisers",
            "themes",
            Prefetch("materials", queryset=Material.objects.select_related("work")),
            Prefetch("sessions__speakers", queryset=Speaker.objects.select_related("organisation")),
            Prefetch(
                "speakers",
                queryset=Speaker.objects.filter(session__isnull=True).select_related(
                    "organisation"
                ),
                to_attr="event_speakers",
            ),
        )
        .get()
    )


def speaker_profiles_visible_to(viewer, event: Event) -> set[int]:
    """The speakers (by person id) whose directory profile this viewer may open: a
    speaker's name links to it only then."""
    from commons.directory.queries import people_for_user

    ids = [s.person_id for s in event.speakers.all() if s.person_id is not None]
    if not ids:
        return set()
    return set(people_for_user(viewer).filter(user_id__in=ids).values_list("user_id", flat=True))


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def seats_left(event: Event) -> int | None:
    """Places still free; ``None`` when the event has no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event))


def registration_for(event: Event, *, user=None, token: str = "") -> Registration | None:
    """The live registration of a signed-in person, or the one a link's token opens."""
    live = event.registrations.exclude(status=Registration.Status.CANCELLED)
    if token:
        return live.filter(token_hash=hash_token(token)).first()
    if user is not None and user.is_authenticated:
        return live.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email)).first()
    return None


def registration_by_token(token: str) -> Registration | None:
    """Any registration (live or cancelled) a link's token opens, with its event."""
    if not token:
        return None
    return Registration.objects.select_related("event").filter(token_hash=hash_token(token)).first()


def participants(event: Event) -> QuerySet[Registration]:
    """The organisers' participant list: everyone who registered, in order."""
    return event.registrations.select_related("user").order_by("status", "created_at", "pk")


def waitlist(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )


def registrations_of(user) -> QuerySet[Registration]:
    """A person's live registrations, soonest event first (their dashboard)."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .filter(event__ends_at__gte=timezone.now())
        .select_related("event")
        .order_by("event__starts_at")
    )


def events_organised_by(user) -> QuerySet[Event]:
    if not user.is_authenticated:
        return Event.objects.none()
    if user.is_staff:
        return Event.objects.all()
    return Event.objects.filter(organisers__in=organisations_administered_by(user)).distinct()


def participant_counts(event: Event) -> dict[str, int | None]:
    """How many registrations of the event are in each status, and the places left
    (``None``: no limit)."""
    found = dict(
        event.registrations.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    counts: dict[str, int | None] = {s: found.get(s, 0) for s in Registration.Status.values}
    counts["places_left"] = (
        None if event.capacity is None else max(0, event.capacity - counts["confirmed"])
    )
    return counts


@dataclass
class FeedbackResults:
    answers: int
    average: float | None
    # (rating, how many gave it, its share of the answers in per cent), 1 to 5
    distribution: list[tuple[int, int, int]]
    comments: QuerySet[Feedback]


def feedback_results(event: Event) -> FeedbackResults:
    """What participants thought of the event: for its organisers."""
    given = Feedback.objects.filter(registration__event=event)
    by_rating = dict(given.values_list("rating").annotate(n=Count("pk")).order_by("rating"))
    answers = sum(by_rating.values())
    average = given.aggregate(average=Avg("rating"))["average"]
    return FeedbackResults(
        answers=answers,
        average=None if average is None else round(float(average), 1),
        distribution=[
            (rating, by_rating.get(rating, 0), round(100 * by_rating.get(rating, 0) / answers))
            if answers
            else (rating, 0, 0)
            for rating in range(1, 6)
        ],
        comments=given.exclude(useful="", improve="")
        .select_related("registration")
        .order_by("-created_at", "-pk"),
    )


def codes_in_use(events: QuerySet[Event]) -> tuple[set[str], set[str]]:
    """The languages (spoken or interpreted into) and countries of these events: what
    the calendar's filters offer, and how many languages the network's events spoke."""
    languages: set[str] = set()
    countries: set[str] = set()
    rows = events.values_list("languages", "interpretation", "countries", "country")
    for spoken, interpreted, listed, country in rows:
        languages.update(spoken or ())
        languages.update(interpreted or ())
        countries.update(listed or ())
        if country:
            countries.add(country)
    return languages, countries


def event_figures() -> dict[str, int]:
    """For "the community in numbers": what the network's events have gathered."""
    now = timezone.now()
    held = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=now)
    languages, _countries = codes_in_use(held)
    registrations = Registration.objects.filter(event__in=held).exclude(
        status__in=[Registration.Status.CANCELLED, Registration.Status.UNCONFIRMED]
    )
    return {
        "events_held": held.count(),
        "webinars_held": held.filter(kind=Event.Kind.WEBINAR).count(),
        "forums_held": held.filter(kind=Event.Kind.REGIONAL_FORUM).count(),
        "panelists": Speaker.objects.filter(event__in=held)
        .exclude(role=Speaker.Role.INTERPRETER)
        .values("name")
        .distinct()
        .count(),
        "event_languages": len(languages),
        "registrations": registrations.count(),
        "participants": registrations.filter(attended=True).count(),
        "recommendations": Recommendation.objects.count(),
        "commitments": Commitment.objects.count(),
    }


FIGURES_CACHE_SECONDS = 60


def cached_event_figures() -> dict[str, int]:
    """``event_figures`` for the home page and the API, cached for a minute: they are
    the same for every reader (published events only)."""
    from django.core.cache import cache

    figures = cache.get("events:figures")
    if figures is None:
        figures = event_figures()
        cache.set("events:figures", figures, FIGURES_CACHE_SECONDS)
    return figures


# --- Outcomes -------------------------------------------------------------------------


@dataclass
class RecommendationFilters:
    region: str = ""
    audience: str = ""
    theme: str = ""
    country: str = ""
    event: str = ""  # an event's slug
    taken: str = ""  # "yes": with a commitment; "no": nobody took it up
    q: str = ""

    @classmethod
    def from_query(cls, params) -> RecommendationFilters:
        return cls(**{name: (params.get(name) or "").strip() for name in cls.__dataclass_fields__})

    def as_query(self) -> dict[str, str]:
        return {n: getattr(self, n) for n in self.__dataclass_fields__ if getattr(self, n)}


def recommendations_for(user, filters: RecommendationFilters) -> QuerySet[Recommendation]:
    """Recommendations of the events this person may see, filtered, with how many
    commitments each has (``commitment_count``)."""
    found = Recommendation.objects.filter(
        event__in=events_for_user(user).exclude(status=Event.Status.DRAFT)
        if not (user.is_authenticated and user.is_staff)
        else Event.objects.all()
    )
    if filters.region:
        found = found.filter(region=filters.region)
    if filters.audience:
        found = found.filter(audience=filters.audience)
    if filters.theme:
        found = found.filter(themes__code=filters.theme)
    if filters.country:
        found = found.filter(
            json_list_has("countries", filters.country) | Q(audience_country=filters.country)
        )
    if filters.event:
        found = found.filter(event__slug=filters.event)
    if filters.q:
        found = found.filter(text__icontains=filters.q)
    taken = Exists(Commitment.objects.filter(recommendation=OuterRef("pk")))
    if filters.taken == "yes":
        found = found.filter(taken)
    elif filters.taken == "no":
        found = found.filter(~taken)
    return (
        found.distinct()
        .annotate(commitment_count=Count("commitments", distinct=True))
        .select_related("event")
        .prefetch_related("themes")
        .order_by("-event__starts_at", "region", "order", "pk")
    )


def get_recommendation_for_user(request, pk: int) -> Recommendation:
    found = Recommendation.objects.select_related("event").filter(pk=pk).first()
    if found is None:
        raise Http404
    if not rules.can_see_event(request.user, found.event):
        deny(request, target=found, reason="recommendation of a draft event", not_found=True)
    return found


@dataclass
class Matrix:
    """Themes (rows) by regions (columns): how many recommendations each pair has."""

    regions: list[tuple[str, str]]
    themes: list[Theme]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def row(self, theme: Theme) -> list[int]:
        return [self.counts.get((theme.code, region), 0) for region, _label in self.regions]

    @property
    def rows(self) -> list[tuple[Theme, list[int], int, int]]:
        """(theme, counts by region, total, regions where it recurs), most widespread
        first: the themes that recur across regions are the global priorities."""
        found = []
        for theme in self.themes:
            counts = self.row(theme)
            found.append((theme, counts, sum(counts), sum(1 for c in counts if c)))
        found.sort(key=lambda item: (-item[3], -item[2], item[0].label))
        return [item for item in found if item[2]]

    @property
    def max_count(self) -> int:
        return max(self.counts.values(), default=0)

    @property
    def region_totals(self) -> list[int]:
        totals: Counter[str] = Counter()
        for (_theme, region), count in self.counts.items():
            totals[region] += count
        return [totals[region] for region, _label in self.regions]


def theme_matrix(user, filters: RecommendationFilters) -> Matrix:
    """Which themes recur in which regions, for the recommendations the filters select
    (a region filter is ignored: the matrix is the regions side by side)."""
    scope = RecommendationFilters(**{**filters.as_query(), "region": ""})
    pairs = (
        Recommendation.themes.through.objects.filter(
            recommendation__in=recommendations_for(user, scope).values("pk")
        )
        .values_list("theme__code", "recommendation__region")
        .annotate(n=Count("recommendation", distinct=True))
    )
    counts = {(code, region): n for code, region, n in pairs}
    present = {region for _code, region in counts}
    regions = [(value, label) for value, label in Region.choices if value in present]
    themes = list(Theme.objects.filter(code__in={code for code, _r in counts}))
    return Matrix(regions=regions, themes=themes, counts=counts)


def commitments_for(
    user, *, recommendation=None, organisation=None, status: str = ""
) -> QuerySet[Commitment]:
    """Commitments are public follow-up: who promised what on which recommendation."""
    found = Commitment.objects.filter(
        recommendation__in=recommendations_for(user, RecommendationFilters()).values("pk")
    )
    if recommendation is not None:
        found = found.filter(recommendation=recommendation)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    if status:
        found = found.filter(status=status)
    return found.select_related("organisation", "recommendation__event").prefetch_related("updates")


def get_commitment_for_user(request, pk: int) -> Commitment:
    found = Commitment.objects.select_related("organisation", "recommendation__event").filter(pk=pk)
    commitment = found.first()
    if commitment is None or not rules.can_see_event(request.user, commitment.recommendation.event):
        raise Http404
    return commitment


def themes() -> QuerySet[Theme]:
    return Theme.objects.all()


def organisations_committing(user):
    """The organisations a person may commit for (``rules.can_commit``): those where
    they are an active member."""
    from commons.accounts.models import Membership, Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


def event_outcomes(event: Event) -> tuple[QuerySet, QuerySet[Recommendation]]:
    """An event's priorities and recommendations (with ``commitment_count``), for an
    event the caller already may see (``get_event_for_user``)."""
    priorities = event.priorities.prefetch_related("themes")
    recommendations = (
        event.recommendations.annotate(commitment_count=Count("commitments", distinct=True))
        .prefetch_related("themes")
        .order_by("region", "audience", "order", "pk")
    )
    return priorities, recommendations
