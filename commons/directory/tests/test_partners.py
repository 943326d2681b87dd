import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from commons.accounts.services import create_organisation
from commons.conftest import client_for
from commons.directory.queries import PartnerNeed, find_partners
from commons.directory.services import save_profile


@pytest.fixture
def partners(staff):
    def make(name, country, *, verified=True, works_in=(), **terms):
        organisation = create_organisation(
            name=name, country=country, verified_by=staff if verified else None
        )
        save_profile(
            organisation=organisation, terms=terms, presences=[{"country": c} for c in works_in]
        )
        return organisation

    make(
        "Dhaka Returnee Centre",
        "BD",
        works_in=["BD"],
        services=["reintegration", "pre_departure"],
        populations=["migrant_workers"],
        languages=["bn"],
    )
    make(
        "Kathmandu Safe Migration",
        "NP",
        works_in=["NP"],
        services=["pre_departure"],
        populations=["migrant_workers", "women"],
        languages=["ne"],
    )
    make("Yangon Shelter", "MM", works_in=["MM"], services=["shelter"], populations=["children"])
    make(
        "Unverified Dhaka Helpers",
        "BD",
        verified=False,
        works_in=["BD"],
        services=["reintegration", "pre_departure"],
        populations=["migrant_workers"],
    )
    make(
        "Bangkok Legal Aid",
        "TH",
        works_in=["TH"],
        services=["reintegration", "pre_departure"],
        populations=["migrant_workers"],
    )


NEED = PartnerNeed(
    countries=["BD", "NP", "MM"],
    services=["pre_departure", "reintegration"],
    populations=["migrant_workers"],
)


def test_it_ranks_verified_organisations_first_then_by_matches(partners, dave):
    matches = find_partners(dave, NEED)
    assert [m.organisation.name for m in matches] == [
        "Dhaka Returnee Centre",  # 2 services + population + country
        "Kathmandu Safe Migration",  # 1 service + population + country
        "Unverified Dhaka Helpers",  # as good as the first, but not verified
    ]
    assert matches[0].reasons == [
        "Works in Bangladesh",
        "Offers Pre-departure training for migrants, Returnee reintegration",
        "Serves Migrant workers",
    ]
    assert matches[0].score > matches[1].score


def test_organisations_outside_the_countries_are_not_suggested(partners, dave):
    names = {m.organisation.name for m in find_partners(dave, NEED)}
    assert "Bangkok Legal Aid" not in names  # right services, wrong country
    assert "Yangon Shelter" not in names  # right country, nothing needed


def test_anonymous_visitors_get_verified_organisations_only(partners):
    names = [m.organisation.name for m in find_partners(AnonymousUser(), NEED)]
    assert "Unverified Dhaka Helpers" not in names


def test_the_page_and_the_api_give_the_same_answer(partners, db):
    query = (
        "country=BD&country=NP&country=MM&services=pre_departure&services=reintegration"
        "&populations=migrant_workers"
    )
    page = client_for(None).get(f"{reverse('directory:partners')}?{query}").content.decode()
    assert "2 possible partners" in page
    assert page.index("Dhaka Returnee Centre") < page.index("Kathmandu Safe Migration")
    body = client_for(None).get(f"/api/v1/partners?{query}").json()
    assert [m["organisation"]["name"] for m in body] == [
        "Dhaka Returnee Centre",
        "Kathmandu Safe Migration",
    ]
    assert body[0]["reasons"][0] == "Works in Bangladesh"


def test_an_empty_form_suggests_nothing(partners, db):
    page = client_for(None).get(reverse("directory:partners")).content.decode()
    assert "possible partner" not in page
    assert client_for(None).get("/api/v1/partners").json() == []
