import pytest
from django.urls import reverse

from commons.accounts.models import Organisation
from commons.accounts.services import create_organisation, verify_organisation
from commons.conftest import client_for
from commons.directory.forms import parse_search
from commons.directory.queries import SearchQuery, search_organisations
from commons.directory.services import save_profile


@pytest.fixture
def directory(staff):
    """Five organisations with known facets; all verified but the last."""

    def make(name, country, *, verified=True, type="ngo", works_in=(), **terms):
        organisation = create_organisation(
            name=name, country=country, type=type, verified_by=staff if verified else None
        )
        save_profile(
            organisation=organisation,
            terms=terms,
            presences=[{"country": c} for c in works_in],
        )
        return organisation

    return {
        "shelter_th": make(
            "Lantern Shelter",
            "TH",
            works_in=["TH"],
            services=["shelter", "legal_aid"],
            populations=["children"],
        ),
        "legal_kh": make(
            "Mekong Legal Aid",
            "KH",
            works_in=["KH", "TH"],
            services=["legal_aid"],
            populations=["women"],
        ),
        "thai_name": make(
            "มูลนิธิต่อต้านการค้ามนุษย์",
            "TH",
            works_in=["TH"],
            services=["awareness"],
            populations=["children", "women"],
        ),
        "network": make(
            "Regional Migrant Network",
            "MY",
            type="network",
            works_in=["MY", "BD", "NP"],
            services=["coordination"],
            populations=["migrant_workers"],
        ),
        "unverified": make(
            "Unverified Shelter", "TH", verified=False, works_in=["TH"], services=["shelter"]
        ),
    }


def _facet(result, name):
    facet = next(f for f in result.facets if f.name == name)
    return {value.code: value.count for value in facet.values}


def test_facets_are_or_within_and_and_across(directory, dave):
    result = search_organisations(
        dave, SearchQuery(filters={"country": ["TH", "KH"], "services": ["legal_aid"]})
    )
    assert {o.slug for o in result.page.object_list} == {"lantern-shelter", "mekong-legal-aid"}


def test_facet_counts_say_what_ticking_a_value_would_give(directory, dave):
    result = search_organisations(dave, SearchQuery(filters={"country": ["TH"]}))
    assert result.total == 4  # three verified + one unverified, dave is signed in
    # Counts of the country facet ignore the country filter itself …
    assert _facet(result, "country") == {"TH": 4, "KH": 1, "MY": 1, "BD": 1, "NP": 1}
    # … while other facets count within Thailand.
    assert _facet(result, "services") == {"shelter": 2, "legal_aid": 2, "awareness": 1}
    assert _facet(result, "populations") == {"children": 2, "women": 2}
    assert result.verified_count == 3
    assert result.frontline_count == 3  # shelter or legal aid makes a frontline provider


def test_anonymous_visitors_do_not_see_or_count_unverified_organisations(directory):
    from django.contrib.auth.models import AnonymousUser

    result = search_organisations(AnonymousUser(), SearchQuery(filters={"services": ["shelter"]}))
    assert [o.slug for o in result.page.object_list] == ["lantern-shelter"]
    assert _facet(result, "services")["shelter"] == 1


def test_text_search_finds_words_inside_thai_script(directory, dave):
    result = search_organisations(dave, SearchQuery(q="การค้า"))
    assert [o.slug for o in result.page.object_list] == [directory["thai_name"].slug]


def test_text_search_needs_every_word_and_ranks_names_first(directory, dave):
    save_profile(
        organisation=directory["legal_kh"],
        profile_fields={"description": "We run a shelter in Phnom Penh."},
    )
    result = search_organisations(dave, SearchQuery(q="shelter"))
    assert [o.slug for o in result.page.object_list] == [
        "lantern-shelter",
        "unverified-shelter",
        "mekong-legal-aid",
    ]
    assert search_organisations(dave, SearchQuery(q="shelter penh")).total == 1
    assert search_organisations(dave, SearchQuery(q="zz")).total == 0


def test_hostile_search_text_is_only_text(directory, dave):
    for q in ['"', "shelter OR", "*", "NEAR(a b)", "'; DROP TABLE x; --", "<script>"]:
        search_organisations(dave, SearchQuery(q=q))  # must not raise


def test_sorting_by_recently_updated(directory, dave):
    save_profile(organisation=directory["network"], profile_fields={"founded": 1999})
    result = search_organisations(dave, SearchQuery(sort="updated"))
    assert result.page.object_list[0].slug == "regional-migrant-network"


def test_the_query_string_is_read_leniently():
    from django.http import QueryDict

    query = parse_search(
        QueryDict(
            "q=+ngo+&country=th&country=XX&services=shelter&services=nope&sort=weird&page=x&verified=1"
        )
    )
    assert query == SearchQuery(
        q="ngo", filters={"country": ["TH"], "services": ["shelter"]}, verified=True
    )


def test_the_search_page_shows_results_and_counts(directory, db):
    response = client_for(None).get(reverse("directory:search"), {"country": "TH"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 organisations" in body
    assert 'name="country" value="TH" checked' in body
    assert "Unverified Shelter" not in body


def test_htmx_gets_only_the_results_region(directory, db):
    body = (
        client_for(None).get(reverse("directory:search"), HTTP_HX_REQUEST="true").content.decode()
    )
    assert "<html" not in body
    assert 'class="directory-layout"' in body


def test_pagination_keeps_the_filters(staff, db):
    for n in range(30):
        create_organisation(name=f"Org {n:02}", country="TH", verified_by=staff)
    body = (
        client_for(None)
        .get(reverse("directory:search"), {"hq": "TH", "sort": "name"})
        .content.decode()
    )
    assert "?hq=TH&amp;sort=name&amp;page=2" in body
    page_two = (
        client_for(None)
        .get(reverse("directory:search"), {"hq": "TH", "sort": "name", "page": 2})
        .content.decode()
    )
    assert "Org 29" in page_two and "Org 00" not in page_two


def test_the_search_page_refuses_the_wrong_method(db):
    assert client_for(None).post(reverse("directory:search")).status_code == 405


def test_verified_only(directory, dave, staff):
    result = search_organisations(
        dave, SearchQuery(verified=True, filters={"services": ["shelter"]})
    )
    assert [o.slug for o in result.page.object_list] == ["lantern-shelter"]
    # Verifying is a write like any other: the next search sees it at once.
    verify_organisation(organisation=Organisation.objects.get(slug="unverified-shelter"), by=staff)
    assert (
        search_organisations(
            dave, SearchQuery(verified=True, filters={"services": ["shelter"]})
        ).total
        == 2
    )


def test_the_map_view_shades_countries_and_links_them_to_filters(directory, db):
    response = client_for(None).get(
        reverse("directory:search"), {"view": "map", "services": "legal_aid"}
    )
    body = response.content.decode()
    assert "<svg" in body
    # Thailand has two verified organisations offering legal aid; a click adds it to the filters.
    assert "Thailand: 2 organisations" in body
    assert "/directory/?view=map&amp;services=legal_aid&amp;country=TH" in body
    assert "Malaysia:" not in body  # no organisation with legal aid works there
    selected = (
        client_for(None)
        .get(reverse("directory:search"), {"view": "map", "country": "TH"})
        .content.decode()
    )
    assert "?view=map" in selected  # clicking Thailand again removes it


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("ที่พักพิง", ["ที่พักพิง"]),
        ("ស្ត្រី និង កុមារ", ["ស្ត្រី", "និង", "កុមារ"]),
        ('shelter "OR" *NEAR(x)', ["shelter", "or", "near", "x"]),
        ("Children's  aid-workers", ["children's", "aid-workers"]),
    ],
)
def test_words_keep_their_combining_marks(query, terms):
    from commons.directory.queries import text_terms

    assert text_terms(query) == terms


def test_khmer_words_are_found_whole(staff, dave):
    organisation = create_organisation(name="អង្គការការពារស្ត្រី", country="KH", verified_by=staff)
    create_organisation(name="Other", country="KH", summary="ស្ត", verified_by=staff)
    result = search_organisations(dave, SearchQuery(q="ស្ត្រី"))
    assert [o.pk for o in result.page.object_list] == [organisation.pk]
