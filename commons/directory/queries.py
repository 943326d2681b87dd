"""Directory search: who does what where, with facet counts.

One function, ``search_organisations``, serves the search page, the API and exports, so
that everyone sees exactly the organisations their tier may see.

Facets are disjunctive within a facet and conjunctive across facets: ticking Thailand
and Cambodia finds organisations in either; adding "shelter" keeps those that also run
a shelter. The counts shown next to each value of a facet are computed with every
filter applied except that facet's own, so they say what ticking the value would add.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from commons.accounts.models import Organisation
from commons.accounts.queries import visible_organisations
from commons.directory import vocabularies as v
from commons.directory.models import NetworkLink, Presence, Term
from commons.lib.geo import country_name
from commons.lib.languages import language_name
from commons.lib.wordindex import words

PAGE_SIZE = 25


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    kind: str  # "term", "field", "presence" or "network"
    vocabulary: type | None = None
    field: str = ""

    def value_label(self, code: str) -> str:
        if self.vocabulary is not None:
            return v.label(self.vocabulary, code)
        if self.name in {"country", "hq"}:
            return country_name(code)
        if self.name == "languages":
            return language_name(code)
        return code


FACETS: list[Facet] = [
    Facet("country", _("Countries of operation"), "presence"),
    Facet("type", _("Type of organisation"), "field", v.OrganisationType, "type"),
    Facet("four_ps", _("The 4Ps"), "term", v.FourP),
    Facet("services", _("Services"), "term", v.Service),
    Facet("exploitation", _("Forms of exploitation"), "term", v.Exploitation),
    Facet("populations", _("Populations served"), "term", v.Population),
    Facet("sectors", _("Industrial sectors"), "term", v.Sector),
    Facet("languages", _("Languages worked in"), "term"),
    Facet("network", _("Networks and coalitions"), "network"),
    Facet("hq", _("Headquarters"), "field", None, "country"),
    Facet("size", _("Size"), "field", v.SizeBand, "profile__size"),
]
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
SORTS = ("relevance", "name", "updated")


@dataclass
class SearchQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    verified: bool = False
    frontline: bool = False
    sort: str = "relevance"
    page: int = 1


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    facet: Facet
    values: list[FacetValue]

    @property
    def name(self) -> str:
        return self.facet.name


@dataclass
class SearchResult:
    page: Page
    total: int
    facets: list[FacetResult]
    verified_count: int
    frontline_count: int


# --- Text ------------------------------------------------------------------------------


def text_terms(q: str) -> list[str]:
    """The words of a search query (at most ten)."""
    return words(q)[:10]


# --- Search ----------------------------------------------------------------------------


class _Results:
    """The organisations of a bitset in the query's order, loaded a page at a time;
    what Django's Paginator needs (a count and slicing)."""

    def __init__(self, index, mask: int, sort: str, phrase: str):
        self.index, self.mask, self.sort, self.phrase = index, mask, sort, phrase

    def count(self) -> int:
        return self.mask.bit_count()

    def __len__(self) -> int:
        return self.count()

    def positions(self, start: int, stop: int | None) -> list[int]:
        return self.index.ordered(self.mask, self.sort, self.phrase, start, stop)

    def __getitem__(self, window: slice):
        pks = [self.index.pks[where] for where in self.positions(window.start or 0, window.stop)]
        found = (
            Organisation.objects.select_related("profile")
            .prefetch_related("presences")
            .in_bulk(pks)
        )
        return [found[pk] for pk in pks if pk in found]


def _facet_values(index, facet: Facet, mask: int, selected: set[str]) -> list[FacetValue]:
    values = []
    walked = index.count_values(facet.name, mask)
    if walked is not None:
        counts = walked
    else:
        counts = {
            code: (mask & bits).bit_count()
            for code, bits in index.facets.get(facet.name, {}).items()
        }
    for code, count in counts.items():
        if count or code in selected:
            label = (
                index.network_names.get(code, code)
                if facet.kind == "network"
                else facet.value_label(code)
            )
            values.append(
                FacetValue(code=code, label=str(label), count=count, selected=code in selected)
            )
    for code in selected - {value.code for value in values}:  # a ticked value no one has
        values.append(
            FacetValue(code=code, label=str(facet.value_label(code)), count=0, selected=True)
        )
    values.sort(key=lambda value: (not value.selected, -value.count, value.label))
    return values


@dataclass
class _Matching:
    """What a query selects in the index: the organisations, and how to count and
    order them."""

    index: object
    query: SearchQuery
    base: int  # the reader's tier, narrowed by the text
    chosen: dict[str, int]  # facet -> the OR of its ticked values
    phrase: str  # the words of the text, for relevance

    def narrowed(self, *, without: str = "", verified=None, frontline=None) -> int:
        """The organisations of every filter but ``without`` (and the flags as given)."""
        index, query = self.index, self.query
        mask = self.base
        if query.verified if verified is None else verified:
            mask &= index.verified
        if query.frontline if frontline is None else frontline:
            mask &= index.frontline
        for name, facet_mask in self.chosen.items():
            if name != without:
                mask &= facet_mask
        return mask

    def results(self, mask: int | None = None) -> _Results:
        mask = self.narrowed() if mask is None else mask
        return _Results(self.index, mask, self.query.sort, self.phrase)


def _matching(user, query: SearchQuery) -> _Matching:
    """1. Start from the organisations of the reader's tier (anonymous visitors: verified).
    2. Keep those with every word of the text (remembered for the next pages).
    3. Each ticked facet is the OR of its values' bitsets."""
    from commons.directory import facet_index

    index = facet_index.current()
    terms = text_terms(query.q)
    base = index.everyone if user.is_authenticated else index.verified
    if terms:
        base &= facet_index.remembered(
            index, ("text", *terms), lambda: index.text.match_all(terms, index.everyone)
        )
    chosen: dict[str, int] = {}
    for name, codes in query.filters.items():
        values = index.facets.get(name, {})
        chosen[name] = 0
        for code in codes:
            chosen[name] |= values.get(code, 0)
    return _Matching(index, query, base, chosen, " ".join(terms))


def search_organisations(user, query: SearchQuery, *, page_size: int = PAGE_SIZE) -> SearchResult:
    """Organisations this person may see that match the query, with facet counts; a
    facet's counts use every filter but its own; a page loads its rows by key."""
    matching = _matching(user, query)
    index = matching.index
    selected = matching.narrowed()
    page = Paginator(matching.results(selected), page_size).get_page(query.page)
    facets = [
        FacetResult(
            facet=facet,
            values=_facet_values(
                index,
                facet,
                matching.narrowed(without=facet.name),
                set(query.filters.get(facet.name, [])),
            ),
        )
        for facet in FACETS
    ]
    return SearchResult(
        page=page,
        total=selected.bit_count(),
        facets=facets,
        verified_count=(matching.narrowed(verified=False) & index.verified).bit_count(),
        frontline_count=(matching.narrowed(frontline=False) & index.frontline).bit_count(),
    )


EXPORT_LIMIT = 100_000
# The columns of an export, in order. Every tier gets the same columns today: all of them
# are public facts of organisations that the tier may see. The rows are what differs.
EXPORT_FIELDS = [
    "slug",
    "name",
    "acronym",
    "type",
    "country",
    "website",
    "summary",
    "verified",
    "frontline",
    "countries_of_operation",
    "four_ps",
    "services",
    "exploitation",
    "populations",
    "sectors",
    "languages",
    "networks",
    "founded",
    "size",
    "updated",
]


def export_fields(user) -> list[str]:
    """The columns this person may export (one place to narrow them per tier)."""
    return list(EXPORT_FIELDS)


def export_rows(user, query: SearchQuery):
    """Every organisation matching the query (no pagination, at most EXPORT_LIMIT), as
    dictionaries of ``export_fields(user)``, read in batches."""
    matching = _matching(user, query)
    index = matching.index
    ids = [index.pks[where] for where in matching.results().positions(0, EXPORT_LIMIT)]
    fields = export_fields(user)
    batch_size = 2000
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        by_pk = Organisation.objects.select_related("profile").in_bulk(chunk)
        tags: dict[int, dict[str, list[str]]] = {pk: {} for pk in chunk}
        for pk, vocabulary, code in Term.objects.filter(organisation_id__in=chunk).values_list(
            "organisation_id", "vocabulary", "code"
        ):
            tags[pk].setdefault(vocabulary, []).append(code)
        for pk, country in Presence.objects.filter(organisation_id__in=chunk).values_list(
            "organisation_id", "country"
        ):
            tags[pk].setdefault("countries_of_operation", []).append(country)
        for pk, slug in NetworkLink.objects.filter(member_id__in=chunk).values_list(
            "member_id", "network__slug"
        ):
            tags[pk].setdefault("networks", []).append(slug)
        for pk in chunk:
            organisation = by_pk[pk]
            profile = getattr(organisation, "profile", None)
            row = {
                "slug": organisation.slug,
                "name": organisation.name,
                "acronym": organisation.acronym,
                "type": organisation.type,
                "country": organisation.country,
                "website": organisation.website,
                "summary": organisation.summary,
                "verified": organisation.is_verified,
                "frontline": bool(profile and profile.is_frontline),
                "founded": profile.founded if profile else None,
                "size": profile.size if profile else "",
                "updated": profile.updated_at.date().isoformat() if profile else "",
                **{key: sorted(set(values)) for key, values in tags[pk].items()},
            }
            yield {name: row.get(name, []) for name in fields}


def organisation_profile(user, organisation: Organisation) -> dict:
    """Everything the profile page shows about an organisation, grouped for display."""
    from commons.directory.services import ensure_profile

    profile = ensure_profile(organisation)
    terms: dict[str, list[str]] = {}
    for term in organisation.terms.all().order_by("vocabulary", "code"):
        terms.setdefault(term.vocabulary, []).append(term.code)
    groups = []
    for facet in FACETS:
        if facet.kind == "term" and terms.get(facet.name):
            groups.append(
                (facet.label, facet.name, [(c, facet.value_label(c)) for c in terms[facet.name]])
            )
    return {
        "profile": profile,
        "term_groups": groups,
        "terms": terms,
        "presences": list(
            organisation.presences.all().order_by("country", "subdivision", "locality")
        ),
        "hotlines": list(organisation.hotlines.all()),
        "networks": list(
            visible_organisations(user)
            .filter(network_members__member=organisation)
            .order_by("name")
        ),
        "network_members": list(
            visible_organisations(user).filter(networks__network=organisation).order_by("name")
        ),
        "origins": origin_partners(user, organisation),
    }


def origin_partners(user, organisation: Organisation, *, limit: int = 5) -> list[dict]:
    """Where people exploited in the organisation's countries were recruited (by the
    latest journeys release), each with verified organisations working there: the
    partners to reach in the countries of origin."""
    countries = list(dict.fromkeys(organisation.presences.values_list("country", flat=True))) or [
        organisation.country
    ]
    origins = [
        code
        for code in dict.fromkeys(
            code for country in countries for code in suggested_origin_countries(country)
        )
        if code not in countries
    ][:limit]
    return [
        {
            "country": code,
            "organisations": list(
                visible_organisations(user)
                .filter(verified_at__isnull=False, presences__country=code)
                .exclude(pk=organisation.pk)
                .distinct()
                .order_by("name")[:limit]
            ),
        }
        for code in origins
    ]


# --- Duplicates ------------------------------------------------------------------------

_STOP_WORDS = {
    "the",
    "of",
    "for",
    "and",
    "a",
    "an",
    "in",
    "to",
    "foundation",
    "organisation",
    "organization",
    "association",
    "international",
    "ngo",
    "inc",
    "ltd",
    "network",
    "society",
    "trust",
    "fund",
}


def _name_key(name: str) -> set[str]:
    found = set(words(name))
    return (found - _STOP_WORDS) or found


def likely_duplicates(
    *, name: str, country: str, acronym: str = "", exclude_pk=None, limit: int = 5
):
    """Organisations in the same country whose name looks like ``name``.

    Compares the significant words of the names (ignoring "the", "foundation", …) and
    the whole strings, so "Blue Dragon Children's Foundation" and "Blue Dragon
    Childrens Fdn" match while "Blue Sky" does not.
    """
    from difflib import SequenceMatcher

    key = _name_key(name)
    lowered = (name or "").lower()
    candidates = Organisation.objects.filter(country=(country or "").upper())
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for pk, other_name, other_acronym in candidates.values_list("pk", "name", "acronym").iterator():
        other_key = _name_key(other_name)
        overlap = len(key & other_key) / max(1, len(key | other_key))
        ratio = SequenceMatcher(None, lowered, other_name.lower()).ratio()
        same_acronym = bool(acronym) and acronym.lower() == (other_acronym or "").lower()
        score = max(overlap, ratio, 1.0 if same_acronym else 0.0)
        if score >= 0.75:
            scored.append((score, pk))
    scored.sort(reverse=True)
    by_pk = Organisation.objects.in_bulk([pk for _score, pk in scored[:limit]])
    return [by_pk[pk] for _score, pk in scored[:limit] if pk in by_pk]


# --- The community in numbers ----------------------------------------------------------

NUMBERS_CACHE_SECONDS = 60


def _top(rows, label, limit: int = 10) -> list[dict]:
    return [{"code": code, "label": str(label(code)), "count": n} for code, n in list(rows)[:limit]]


def _live_numbers(user) -> dict:
    from commons.accounts.models import Membership, User

    organisations = visible_organisations(user)
    ids = organisations.values("pk")
    members = User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__organisation__in=ids,
    )
    countries = set(
        Presence.objects.filter(organisation_id__in=ids)
        .values_list("country", flat=True)
        .distinct()
    )
    countries |= set(organisations.values_list("country", flat=True).distinct())

    def terms(vocabulary: str):
        return (
            Term.objects.filter(vocabulary=vocabulary, organisation_id__in=ids)
            .values_list("code")
            .annotate(n=Count("id"))
            .order_by("-n", "code")
        )

    return {
        "organisations": organisations.count(),
        "verified": organisations.filter(verified_at__isnull=False).count(),
        "frontline": organisations.filter(profile__is_frontline=True).count(),
        "professionals": members.distinct().count(),
        "countries": len(countries),
        "network_partnerships": NetworkLink.objects.filter(
            member_id__in=ids, network_id__in=ids
        ).count(),
        "languages": Term.objects.filter(vocabulary="languages", organisation_id__in=ids)
        .values("code")
        .distinct()
        .count(),
        "by_four_ps": list(terms("four_ps")),
        "by_exploitation": list(terms("exploitation")),
        "by_population": list(terms("populations")),
        "top_languages": list(terms("languages")[:10]),
        "top_countries_by_members": list(
            members.values_list("memberships__organisation__country")
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", "memberships__organisation__country")[:10]
        ),
    }


def community_figures(user) -> dict:
    """Figures about the community, computed live from the organisations this person may
    see (anonymous visitors: verified organisations), cached for a minute per tier.
    Breakdowns are (code, count) pairs; ``community_in_numbers`` adds their labels."""
    from django.core.cache import cache

    tier = "members" if user.is_authenticated else "public"
    numbers = cache.get(f"directory:numbers:{tier}")
    if numbers is None:
        numbers = _live_numbers(user)
        cache.set(f"directory:numbers:{tier}", numbers, NUMBERS_CACHE_SECONDS)
    return numbers


def community_in_numbers(user) -> dict:
    """``community_figures`` with every breakdown labelled in the reader's language."""
    numbers = community_figures(user)
    return {
        **numbers,
        "by_four_ps": _top(numbers["by_four_ps"], lambda c: v.label(v.FourP, c)),
        "by_exploitation": _top(
            numbers["by_exploitation"], lambda c: v.label(v.Exploitation, c), 20
        ),
        "by_population": _top(numbers["by_population"], lambda c: v.label(v.Population, c), 20),
        "top_languages": _top(numbers["top_languages"], language_name),
        "top_countries_by_members": _top(numbers["top_countries_by_members"], country_name),
    }


# --- Partner finder --------------------------------------------------------------------


@dataclass
class PartnerNeed:
    countries: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.countries or self.services or self.populations or self.languages)


@dataclass
class PartnerMatch:
    organisation: Organisation
    score: int
    reasons: list[str]


# How much each kind of match weighs in the ranking.
WEIGHTS = {"services": 3, "populations": 2, "countries": 2, "languages": 1}


def suggested_origin_countries(country: str) -> list[str]:
    """Countries people exploited in ``country`` were recruited from, by the latest
    published journeys release, most frequent first (empty before the first release)."""
    from commons.journeys.public import origin_countries

    return origin_countries(country)


def find_partners(user, need: PartnerNeed, *, limit: int = 50) -> list[PartnerMatch]:
    """Organisations that could help with ``need``, best first, with the reasons.

    1. Keep organisations this person may see that work in at least one of the
       countries (when countries are given).
    2. Of those, keep the ones matching at least one needed service, population or
       language (when any is given).
    3. Score each by the weighted number of matches; verified organisations come
       first, then the higher score, then the name.
    """
    from django.utils.translation import gettext as gettext_now

    candidates = visible_organisations(user)
    if need.countries:
        candidates = candidates.filter(
            pk__in=Presence.objects.filter(country__in=need.countries).values("organisation_id")
        )
    wanted = {
        "services": need.services,
        "populations": need.populations,
        "languages": need.languages,
    }
    term_filter = Q()
    for vocabulary, codes in wanted.items():
        if codes:
            term_filter |= Q(vocabulary=vocabulary, code__in=codes)
    if term_filter:
        candidates = candidates.filter(
            pk__in=Term.objects.filter(term_filter).values("organisation_id")
        )
    organisations = {o.pk: o for o in candidates.select_related("profile")[:5000]}
    if not organisations:
        return []

    matched: dict[int, dict[str, list[str]]] = {pk: {} for pk in organisations}
    if term_filter:
        for pk, vocabulary, code in Term.objects.filter(
            term_filter, organisation_id__in=list(organisations)
        ).values_list("organisation_id", "vocabulary", "code"):
            matched[pk].setdefault(vocabulary, []).append(code)
    if need.countries:
        for pk, country in (
            Presence.objects.filter(
                organisation_id__in=list(organisations), country__in=need.countries
            )
            .values_list("organisation_id", "country")
            .distinct()
        ):
            matched[pk].setdefault("countries", []).append(country)

    labels = {
        "countries": (gettext_now("Works in %(values)s"), country_name),
        "services": (gettext_now("Offers %(values)s"), lambda c: v.label(v.Service, c)),
        "populations": (gettext_now("Serves %(values)s"), lambda c: v.label(v.Population, c)),
        "languages": (gettext_now("Works in these languages: %(values)s"), language_name),
    }
    matches = []
    for pk, found in matched.items():
        score = sum(WEIGHTS[kind] * len(set(codes)) for kind, codes in found.items())
        reasons = [
            labels[kind][0]
            % {"values": ", ".join(str(labels[kind][1](c)) for c in sorted(set(found[kind])))}
            for kind in ("countries", "services", "populations", "languages")
            if found.get(kind)
        ]
        matches.append(PartnerMatch(organisation=organisations[pk], score=score, reasons=reasons))
    matches.sort(key=lambda m: (not m.organisation.is_verified, -m.score, m.organisation.name))
    return matches[:limit]


# --- People ----------------------------------------------------------------------------


def _levels(viewer, person) -> set[str]:
    from commons.directory.models import PersonProfile

    if viewer.is_authenticated and viewer.pk == person.pk:
        return {
            PersonProfile.Level.PUBLIC,
            PersonProfile.Level.MEMBERS,
            PersonProfile.Level.PRIVATE,
        }
    if viewer.is_authenticated:
        return {PersonProfile.Level.PUBLIC, PersonProfile.Level.MEMBERS}
    return {PersonProfile.Level.PUBLIC}


def people_for_user(viewer, *, q: str = "", country: str = "", language: str = ""):
    """Person profiles this viewer may list, filtered only on what the viewer may see."""
    from commons.directory.models import PersonProfile

    people = PersonProfile.objects.filter(user__is_active=True).select_related("user")
    column = "members_text" if viewer.is_authenticated else "public_text"
    people = (
        people.filter(listed_to_members=True)
        if viewer.is_authenticated
        else people.filter(listed_publicly=True)
    )
    for word in text_terms(q):
        people = people.filter(**{f"{column}__contains": word})
    if country:
        people = people.filter(**{f"{column}__contains": f"country:{country.lower()}"})
    if language:
        people = people.filter(**{f"{column}__contains": f"language:{language.lower()}"})
    return people.order_by("user__name", "user__pk")


def shared_profiles(viewer, profiles) -> list[dict | None]:
    """``shared_profile`` for each of a page of people, their organisations read in one
    query for the whole page."""
    profiles = list(profiles)
    organisations = _organisations_of(viewer, [profile.user_id for profile in profiles])
    return [
        shared_profile(viewer, profile, organisations=organisations[profile.user_id])
        for profile in profiles
    ]


def _organisations_of(viewer, user_ids: list[int]) -> dict[int, list[dict]]:
    """Each person's active memberships in organisations the viewer may see, by name."""
    from commons.accounts.models import Membership

    found: dict[int, list[dict]] = {user_id: [] for user_id in user_ids}
    for user_id, slug, name in (
        Membership.objects.filter(
            user_id__in=user_ids,
            status=Membership.Status.ACTIVE,
            organisation__in=visible_organisations(viewer),
        )
        .order_by("organisation__name")
        .values_list("user_id", "organisation__slug", "organisation__name")
    ):
        found[user_id].append({"slug": slug, "name": name})
    return found


def shared_profile(viewer, profile, *, organisations: list[dict] | None = None) -> dict | None:
    """The fields of a person's profile this viewer may see, ready to show; ``None``
    when the viewer may see nothing (the page then does not exist for them).
    ``organisations``: the person's organisations this viewer may see, when known."""
    levels = _levels(viewer, profile.user)
    if profile.level("name") not in levels:
        return None
    user = profile.user
    shown: dict = {"id": user.pk}
    values = {
        "name": user.name or user.display_name,
        "title": profile.title,
        "expertise": list(profile.expertise),
        "languages": [{"code": c, "label": str(language_name(c))} for c in profile.languages],
        "countries": [{"code": c, "label": str(country_name(c))} for c in profile.countries],
        "bio": profile.bio,
        "email": user.email,
        "phone": profile.phone,
    }
    for name, value in values.items():
        if profile.level(name) in levels:
            shown[name] = value
    if profile.level("organisations") in levels:
        if organisations is None:
            organisations = _organisations_of(viewer, [user.pk])[user.pk]
        shown["organisations"] = organisations
    return shown


def get_person_for_user(viewer, user_id: int) -> dict:
    """What this viewer may see of a person's profile, or 404 when nothing."""
    from django.http import Http404

    from commons.directory.models import PersonProfile

    profile = (
        PersonProfile.objects.select_related("user")
        .filter(user_id=user_id, user__is_active=True)
        .first()
    )
    shown = shared_profile(viewer, profile) if profile else None
    if shown is None:
        raise Http404
    return shown
