from commons.accounts.services import create_api_token, create_organisation
from commons.conftest import client_for
from commons.directory.services import save_profile


def _make(staff, name, country, *, verified=True, works_in=(), **terms):
    organisation = create_organisation(
        name=name, country=country, verified_by=staff if verified else None
    )
    save_profile(
        organisation=organisation, terms=terms, presences=[{"country": c} for c in works_in]
    )
    return organisation


def test_every_facet_is_a_query_parameter_and_counts_come_back(staff, db):
    _make(
        staff,
        "Lantern Shelter",
        "TH",
        works_in=["TH"],
        services=["shelter"],
        populations=["children"],
    )
    _make(
        staff,
        "Mekong Legal Aid",
        "KH",
        works_in=["KH", "TH"],
        services=["legal_aid"],
        populations=["women"],
    )
    _make(staff, "Hidden Shelter", "TH", verified=False, works_in=["TH"], services=["shelter"])
    body = (
        client_for(None)
        .get("/api/v1/organisations?country=TH&country=KH&services=shelter&q=shelter")
        .json()
    )
    assert body["count"] == 1
    assert [o["slug"] for o in body["items"]] == ["lantern-shelter"]
    assert body["items"][0]["countries_of_operation"] == ["TH"]
    assert body["items"][0]["frontline"] is True
    services = {v["code"]: v["count"] for v in body["facets"]["services"]}
    assert services == {"shelter": 1}  # the text filter still applies to facet counts
    countries = {v["code"]: (v["count"], v["selected"]) for v in body["facets"]["country"]}
    assert countries == {"TH": (1, True), "KH": (0, True)}


def test_signed_in_callers_also_see_unverified_organisations(staff, dave):
    _make(staff, "Hidden Shelter", "TH", verified=False, services=["shelter"])
    _token, raw = create_api_token(user=dave, name="script")
    anonymous = client_for(None).get("/api/v1/organisations?services=shelter").json()
    member = (
        client_for(None)
        .get("/api/v1/organisations?services=shelter", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .json()
    )
    assert (anonymous["count"], member["count"]) == (0, 1)


def test_page_size_is_bounded(staff, db):
    for n in range(3):
        _make(staff, f"Org {n}", "TH")
    body = client_for(None).get("/api/v1/organisations?page_size=2&page=2&sort=name").json()
    assert (body["page"], body["pages"], [o["name"] for o in body["items"]]) == (2, 2, ["Org 2"])
    assert client_for(None).get("/api/v1/organisations?page_size=1000").status_code == 422


def test_the_profile_endpoint_returns_the_whole_profile(staff, db):
    organisation = _make(staff, "Lantern Shelter", "TH", works_in=["TH"], services=["shelter"])
    save_profile(
        organisation=organisation,
        profile_fields={"description": "We run *one* shelter.", "founded": 2009},
        hotlines=[
            {"number": "+6621234567", "label": "Help", "hours": "24/7", "channels": ["phone"]}
        ],
    )
    body = client_for(None).get("/api/v1/organisations/lantern-shelter").json()
    assert body["description_html"] == "<p>We run <em>one</em> shelter.</p>"
    assert body["terms"] == {"services": ["shelter"]}
    assert body["places"][0]["country"] == "TH"
    assert body["hotlines"][0]["number"] == "+6621234567"
    assert (body["founded"], body["verified"], body["member_count"]) == (2009, True, 0)


def test_an_unverified_profile_is_not_found_for_anonymous_callers(staff, db):
    _make(staff, "Hidden Shelter", "TH", verified=False)
    assert client_for(None).get("/api/v1/organisations/hidden-shelter").status_code == 404
