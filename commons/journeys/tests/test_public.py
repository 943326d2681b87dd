"""The public side reads published releases only: the map, country pages, downloads."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.journeys.models import Release, ReleaseCell
from commons.journeys.public import FlowFilters, flows, new_routes


def _release(cells, *, published=True, days_ago=0):
    release = Release.objects.create(
        status=Release.Status.PUBLISHED if published else Release.Status.DRAFT,
        epsilon=1.0,
        k=11,
        records=1000,
        people=1200,
        published_at=timezone.now() - timedelta(days=days_ago) if published else None,
    )
    ReleaseCell.objects.bulk_create(
        ReleaseCell(release=release, table=table, **dims, count=count)
        for table, dims, count in cells
    )
    return release


ROUTES = [
    ("route", {"recruitment": "MM", "exploitation": "TH"}, 1230),
    ("leg", {"origin": "LA", "destination": "TH"}, 300),
    ("leg", {"origin": "TH", "destination": "MY"}, 250),
    ("route", {"recruitment": "KH", "exploitation": "TH"}, 80),
    ("route_year", {"recruitment": "MM", "exploitation": "TH", "year": 2021}, 600),
    ("route_year", {"recruitment": "MM", "exploitation": "TH", "year": 2022}, 630),
    ("route_form", {"recruitment": "MM", "exploitation": "TH", "form": "forced_labour"}, 900),
    ("route_sex", {"recruitment": "KH", "exploitation": "TH", "sex": "female"}, 40),
    (
        "flow",
        {
            "recruitment": "MM",
            "exploitation": "TH",
            "year": 2022,
            "form": "forced_labour",
            "sex": "female",
            "age": "adult",
        },
        120,
    ),
    ("recruitment", {"recruitment": "MM"}, 1230),
    ("exploitation", {"exploitation": "TH"}, 1310),
    ("exploitation_sector", {"exploitation": "TH", "sector": "fishing"}, 500),
    ("route_sector", {"recruitment": "MM", "exploitation": "TH", "sector": "fishing"}, 470),
    ("route_sector", {"recruitment": "KH", "exploitation": "TH", "sector": "construction"}, 30),
]


@pytest.fixture
def release(db):
    return _release(ROUTES)


def test_each_question_is_answered_from_the_table_that_has_its_dimensions(release):
    assert flows(release, FlowFilters()).flows == [
        {"recruitment": "MM", "exploitation": "TH", "count": 1230},
        {"recruitment": "KH", "exploitation": "TH", "count": 80},
    ]
    assert flows(release, FlowFilters(year_from=2022)).flows == [
        {"recruitment": "MM", "exploitation": "TH", "count": 630}
    ]
    assert flows(release, FlowFilters(form="forced_labour")).table == "route_form"
    assert flows(release, FlowFilters(sex="female")).flows[0]["recruitment"] == "KH"
    combined = flows(release, FlowFilters(year_from=2022, form="forced_labour", sex="female"))
    assert (combined.table, combined.total) == ("flow", 120)


def _table(response) -> str:
    """The routes table of a map page (the filters list every country)."""
    return response.content.decode().split("<table>")[1]


def test_drafts_are_never_shown_and_old_releases_stay_citable(release):
    draft = _release([("route", {"recruitment": "VN", "exploitation": "GB"}, 99)], published=False)
    table = _table(client_for(None).get(reverse("journeys:map")))
    assert "Myanmar" in table and "United Kingdom" not in table
    old = _release(ROUTES[:1], days_ago=30)
    response = client_for(None).get(reverse("journeys:map"), {"release": old.pk})
    assert f"release {old.pk}" in response.content.decode()
    assert "Cambodia" not in _table(response)
    assert client_for(None).get(reverse("journeys:map"), {"release": draft.pk}).status_code == 404


def test_routes_new_since_the_previous_release_are_marked(db):
    _release(ROUTES[:1], days_ago=30)
    current = _release(ROUTES)
    assert new_routes(current) == {("KH", "TH")}
    page = client_for(None).get(reverse("journeys:map")).content.decode()
    assert 'class="flow new"' in page and "New since the previous release" in page


def test_the_map_works_without_javascript_and_cites_its_release(release):
    page = client_for(None).get(reverse("journeys:map"), {"form": "forced_labour"}).content.decode()
    assert "<svg" in page and "Myanmar → Thailand: 900 people" in page
    assert f"release {release.pk}" in page and "k = 11" in page
    assert "Cambodia" not in page.split("<table>")[1]  # filtered out of the table too


def test_downloads_carry_the_citation_and_are_audited(release):
    client = client_for(None)
    csv = client.get(reverse("journeys:map_download", args=["csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("# Freedom Commons journeys, release")
    assert "\ufeff" not in csv
    assert "MM,TH,1230" in csv
    geo = json.loads(client.get(reverse("journeys:map_download", args=["geojson"])).content)
    assert geo["citation"].startswith("Freedom Commons") and len(geo["features"]) == 2
    assert geo["features"][0]["properties"]["count"] == 1230
    svg = client.get(reverse("journeys:map_download", args=["svg"])).content.decode()
    assert svg.startswith("<svg") and "k = 11" in svg
    assert AuditEvent.objects.filter(action="data.export").count() == 3


def test_a_country_page_shows_it_as_a_place_of_recruitment_and_exploitation(release):
    page = client_for(None).get(reverse("journeys:country", args=["TH"])).content.decode()
    assert "1,310 people exploited here" in page
    assert "Fishing and seafood processing" in page and "Myanmar" in page
    page = client_for(None).get(reverse("journeys:country", args=["MM"])).content.decode()
    assert "1,230 people recruited here" in page and "Forced labour" in page
    assert client_for(None).get(reverse("journeys:country", args=["ZZ"])).status_code == 404


def test_the_partner_finder_suggests_where_people_were_recruited(release):
    page = client_for(None).get(reverse("directory:partners"), {"country": "TH"}).content.decode()
    suggestion = page.split("often recruited in:")[1].split("</p>")[0]
    assert suggestion.index("Myanmar") < suggestion.index("Cambodia")


def test_an_organisation_s_page_points_to_partners_where_its_people_came_from(release, staff):
    from commons.accounts.services import create_organisation
    from commons.directory.services import save_profile

    shelter = create_organisation(name="Mae Sot Shelter", country="TH", verified_by=staff)
    save_profile(organisation=shelter, presences=[{"country": "TH"}])
    partner = create_organisation(name="Yangon Returnee Network", country="MM", verified_by=staff)
    save_profile(organisation=partner, presences=[{"country": "MM"}])
    page = client_for(None).get(shelter.get_absolute_url()).content.decode()
    section = page.split("Partners in the countries of origin")[1]
    assert "Myanmar" in section and "Yangon Returnee Network" in section
    assert "Cambodia" in section and "none listed yet" in section


def test_every_published_release_is_listed_and_downloadable_and_drafts_are_not(release):
    draft = _release(ROUTES, published=False)
    page = client_for(None).get(reverse("journeys:releases")).content.decode()
    assert f"?release={release.pk}" in page and f"?release={draft.pk}" not in page
    csv = client_for(None).get(reverse("journeys:release_download", args=[release.pk, "csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("table,recruitment,transit,exploitation")
    assert "route,MM,,TH,,,,,,,,,1230" in lines
    assert (
        client_for(None)
        .get(reverse("journeys:release_download", args=[draft.pk, "csv"]))
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="data.export").count() == 1


def test_the_map_can_show_each_leg_through_transit_countries(release):
    response = client_for(None).get(reverse("journeys:map"), {"legs": "1"})
    page = response.content.decode()
    assert "Laos → Thailand: 300 people" in page and "Thailand → Malaysia: 250 people" in page
    assert "Myanmar → Thailand" not in page
    # Legs carry no other dimension: with a filter, the map shows routes again.
    filtered = client_for(None).get(reverse("journeys:map"), {"legs": "1", "sex": "female"})
    assert "Laos → Thailand" not in filtered.content.decode()


def test_choosing_a_sector_shows_its_routes(release):
    response = client_for(None).get(reverse("journeys:map"), {"sector": "fishing"})
    page = response.content.decode()
    assert "Myanmar → Thailand: 470 people" in page  # on the map
    assert "1 route, 470 people" in _table(response)
    assert "Cambodia" not in _table(response)
    assert "cannot be combined" not in page
    assert '<option value="fishing" selected>' in page


def test_a_sector_sets_aside_the_filters_it_cannot_be_combined_with(release):
    response = client_for(None).get(
        reverse("journeys:map"), {"sector": "fishing", "sex": "female", "year_from": "2022"}
    )
    page = response.content.decode()
    assert "it cannot be combined with year, form of exploitation, sex or age" in page
    assert "1 route, 470 people" in _table(response)
    assert "Myanmar → Thailand: 470 people" in page


def test_downloads_hold_what_the_map_shows(release):
    client = client_for(None)
    url = reverse("journeys:map_download", args=["csv"])
    legs_csv = client.get(url, {"legs": "1"}).content.decode("utf-8-sig")
    assert "LA,TH,300" in legs_csv and "MM,TH,1230" not in legs_csv
    response = client.get(url, {"sector": "fishing", "sex": "female"})
    assert response["Content-Type"].startswith("text/csv")
    sector_csv = response.content.decode("utf-8-sig")
    assert "MM,TH,470" in sector_csv and "MM,TH,1230" not in sector_csv
