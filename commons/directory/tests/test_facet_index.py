"""The bitmap index must answer exactly as the database would."""

import random

import pytest
from django.contrib.auth.models import AnonymousUser

from commons.accounts.models import Organisation
from commons.accounts.queries import visible_organisations
from commons.accounts.services import create_organisation
from commons.directory import vocabularies as v
from commons.directory.queries import (
    FACETS,
    SearchQuery,
    _apply_facet,
    _filtered,
    _match_text,
    search_organisations,
    text_terms,
)
from commons.directory.services import save_profile

COUNTRIES = ["TH", "KH", "MY", "NP", "BD"]


@pytest.fixture
def random_directory(staff):
    rng = random.Random(7)
    network = create_organisation(
        name="Regional Network", country="TH", type="network", verified_by=staff
    )
    for n in range(40):
        organisation = create_organisation(
            name=" ".join(
                [
                    rng.choice(["Safe", "Hope", "Mekong", "Migrant"]),
                    rng.choice(["Shelter", "Aid"]),
                    str(n),
                ]
            ),
            country=rng.choice(COUNTRIES),
            type=rng.choice(["ngo", "network", "legal_service"]),
            verified_by=staff if rng.random() < 0.7 else None,
        )
        save_profile(
            organisation=organisation,
            terms={
                "services": rng.sample(list(v.Service.values), 3),
                "populations": rng.sample(list(v.Population.values), 2),
            },
            presences=[{"country": c} for c in rng.sample(COUNTRIES, 2)],
            networks=[network] if rng.random() < 0.3 else [],
        )
    return rng


def _sql_counts(user, query, facet):
    terms = text_terms(query.q)
    base = visible_organisations(user)
    if terms:
        base = _match_text(base, terms)
    others = SearchQuery(
        filters={k: c for k, c in query.filters.items() if k != facet.name},
        verified=query.verified,
        frontline=query.frontline,
    )
    narrowed = _filtered(base, others)
    counts = {}
    for value in search_organisations(user, query).facets[FACETS.index(facet)].values:
        counts[value.code] = _apply_facet(narrowed, facet, [value.code]).count()
    return counts


@pytest.mark.parametrize("signed_in", [False, True])
def test_counts_and_totals_equal_the_database_s(random_directory, dave, signed_in):
    user = dave if signed_in else AnonymousUser()
    rng = random_directory
    for _round in range(8):
        query = SearchQuery(
            q=rng.choice(["", "shelter", "mekong aid", "hope"]),
            filters={
                "country": rng.sample(COUNTRIES, rng.randint(0, 2)),
                "services": rng.sample(list(v.Service.values), rng.randint(0, 2)),
            },
            verified=rng.random() < 0.3,
        )
        query.filters = {k: c for k, c in query.filters.items() if c}
        result = search_organisations(user, query)
        terms = text_terms(query.q)
        base = visible_organisations(user)
        if terms:
            base = _match_text(base, terms)
        assert result.total == _filtered(base, query).count()
        for facet in FACETS:
            got = {value.code: value.count for value in result.facets[FACETS.index(facet)].values}
            assert got == _sql_counts(user, query, facet), facet.name


def test_a_write_is_seen_by_the_next_search(random_directory, dave, staff):
    before = search_organisations(dave, SearchQuery(q="zebra")).total
    organisation = Organisation.objects.order_by("pk").last()
    save_profile(
        organisation=organisation, profile_fields={"description": "zebra crossing outreach"}
    )
    assert search_organisations(dave, SearchQuery(q="zebra")).total == before + 1
    organisation.delete()
    assert search_organisations(dave, SearchQuery(q="zebra")).total == before


def test_pages_follow_the_chosen_order(random_directory, dave):
    names = [
        o.name
        for o in search_organisations(
            dave, SearchQuery(sort="name"), page_size=100
        ).page.object_list
    ]
    assert names == sorted(names, key=str.lower)
    second = search_organisations(
        dave, SearchQuery(sort="name", page=2), page_size=10
    ).page.object_list
    assert [o.name for o in second] == names[10:20]
