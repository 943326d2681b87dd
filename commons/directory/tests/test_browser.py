"""A visitor narrows the directory by two facets without a page reload and opens a profile."""

import re

import pytest
from playwright.sync_api import expect

from commons.accounts.services import create_organisation
from commons.directory.services import save_profile

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(staff):
    def make(name, country, works_in, **terms):
        organisation = create_organisation(name=name, country=country, verified_by=staff)
        save_profile(
            organisation=organisation, terms=terms, presences=[{"country": c} for c in works_in]
        )

    make("Lantern Shelter", "TH", ["TH"], services=["shelter"], populations=["children"])
    make("Chiang Mai Legal Aid", "TH", ["TH"], services=["legal_aid"], populations=["children"])
    make(
        "Mekong Returnee Network",
        "KH",
        ["KH", "TH"],
        services=["shelter", "reintegration"],
        populations=["women"],
    )
    make("Penang Migrant Help", "MY", ["MY"], services=["shelter"], populations=["migrant_workers"])


def test_search_narrowing_by_two_facets_then_opening_a_profile(page, directory):
    page.goto("/directory/")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text("4 organisations")

    page.locator("#facet-country label", has_text="Thailand").locator("input").check()
    expect(heading).to_have_text("3 organisations")
    expect(page).to_have_url(re.compile(r"country=TH"))
    # The counts of the services facet now count within Thailand only.
    shelter = page.locator("#facet-services label", has_text="Shelter and safe accommodation")
    expect(shelter.locator(".count")).to_have_text("2")
    shelter.locator("input").check()
    expect(heading).to_have_text("2 organisations")
    expect(page).to_have_url(re.compile(r"country=TH.*services=shelter"))
    results = page.locator(".org-results h3")
    expect(results).to_have_text(["Lantern Shelter", "Mekong Returnee Network"])

    page.get_by_role("link", name="Mekong Returnee Network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mekong Returnee Network")
    expect(page.locator(".facts")).to_contain_text("Returnee reintegration")
    expect(page.locator(".facts")).to_contain_text("Cambodia")

    # The shared link gives the same narrowed list.
    page.go_back()
    expect(heading).to_have_text("2 organisations")
