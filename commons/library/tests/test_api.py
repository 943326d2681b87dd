"""The library API: the search page's filters and facet counts over published versions,
every language unless one is asked for, and one work with the versions the caller may
see (a submission waiting for review only for its submitter, its organisation and
moderators)."""

import datetime

import pytest
from django.urls import reverse

from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.library.files import CheckedFile
from commons.library.models import Work
from commons.library.services import create_work, submit_resource
from commons.library.tests.conftest import PDF, publish


def _get(path: str, user=None, **params):
    """GET as ``user`` through a personal API token (no session), or anonymously."""
    headers = {}
    if user is not None:
        _token, raw = create_api_token(user=user, name="script")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client_for(None).get(path, params, **headers)


def _shown(body) -> list[tuple[str, str]]:
    return [(item["work"], item["language"]) for item in body["items"]]


def _facet(body, name) -> dict[str, int]:
    return {value["code"]: value["count"] for value in body["facets"][name]}


@pytest.fixture
def guide(carol, moderator) -> Work:
    """A guide in French (with a file) and Spanish (a link), by a publisher that is not
    on the platform."""
    work = create_work(
        fields={
            "type": Work.Type.GUIDE,
            "topics": ["sexual"],
            "countries": ["SN"],
            "regions": ["africa"],
            "publisher_name": "Example Press",
            "published_on": datetime.date(2021, 5, 1),
            "licence": "CC BY-NC 4.0",
        },
        title="Guide d'identification",
        authors=[{"name": "C. Exemple"}],
    )
    french = submit_resource(
        work=work,
        fields={"language": "fr", "title": "Guide d'identification", "summary": "Indicateurs."},
        submitter=moderator,
        file=CheckedFile(name="guide.pdf", kind="pdf", content=PDF),
    )
    assert french.status == "approved"
    publish(
        work,
        language="es",
        title="Guía de identificación",
        external_url="https://example.org/guia",
        by=carol,
        moderator=moderator,
    )
    return work


def test_it_lists_every_language_unless_one_is_asked_for(toolkit, guide):
    everything = _get("/api/v1/resources").json()
    assert everything["count"] == 2
    assert sorted(_shown(everything)) == [(guide.slug, "fr"), (toolkit.slug, "en")]
    khmer = _get("/api/v1/resources", language="km").json()
    assert _shown(khmer) == [(toolkit.slug, "km")]
    assert khmer["items"][0]["other_languages"] == ["en"]
    assert _shown(_get("/api/v1/resources", language=["es", "km"]).json()) in (
        [(guide.slug, "es"), (toolkit.slug, "km")],
        [(toolkit.slug, "km"), (guide.slug, "es")],
    )
    assert _get("/api/v1/resources", language="xx").json()["count"] == 0


def test_it_filters_like_the_search_page(toolkit, guide):
    for params, expected in [
        ({"type": "guide"}, [guide.slug]),
        ({"type": ["guide", "toolkit"]}, sorted([guide.slug, toolkit.slug])),
        ({"topic": "migration"}, [toolkit.slug]),
        ({"country": "SN"}, [guide.slug]),
        ({"year": 2021}, [guide.slug]),
        ({"publisher": "lantern"}, [toolkit.slug]),
        ({"publisher": "Example Press"}, [guide.slug]),
        ({"q": "checklists"}, [toolkit.slug]),
        ({"q": "បញ្ជីត្រួតពិនិត្យ", "language": "km"}, [toolkit.slug]),
        ({"type": "guide", "topic": "migration"}, []),
    ]:
        body = _get("/api/v1/resources", **params).json()
        assert sorted(work for work, _language in _shown(body)) == expected, params


def test_it_counts_each_facet_with_every_other_filter_applied(toolkit, guide):
    body = _get("/api/v1/resources", type="toolkit").json()
    assert _facet(body, "type") == {"toolkit": 1, "guide": 1}
    assert _facet(body, "topic") == {"forced_labour": 1, "migration": 1}
    assert _facet(body, "language") == {"en": 1, "km": 1}
    assert _facet(body, "publisher") == {"lantern": 1}
    [toolkit_value] = [v for v in body["facets"]["type"] if v["code"] == "toolkit"]
    assert toolkit_value == {"code": "toolkit", "label": "Toolkit", "count": 1, "selected": True}
    assert set(body["facets"]) == {"language", "type", "topic", "country", "year", "publisher"}


def test_an_item_carries_the_work_and_links_to_its_page_and_file(toolkit, guide):
    body = _get("/api/v1/resources", language="fr").json()
    [item] = body["items"]
    assert item == {
        "work": guide.slug,
        "language": "fr",
        "title": "Guide d'identification",
        "summary": "Indicateurs.",
        "type": "guide",
        "topics": ["sexual"],
        "countries": ["SN"],
        "regions": ["africa"],
        "publisher": {"slug": None, "name": "Example Press"},
        "authors": [{"name": "C. Exemple", "organisation": None}],
        "published_on": "2021-05-01",
        "licence": "CC BY-NC 4.0",
        "url": f"http://testserver/library/{guide.slug}/fr/",
        "file_url": f"http://testserver/library/{guide.slug}/fr/file",
        "external_url": None,
        "other_languages": ["es"],
    }
    [spanish] = _get("/api/v1/resources", language="es").json()["items"]
    assert (spanish["file_url"], spanish["external_url"]) == (None, "https://example.org/guia")
    [english] = _get("/api/v1/resources", language="en").json()["items"]
    assert english["publisher"] == {"slug": "lantern", "name": "Lantern Outreach"}
    assert english["authors"] == [{"name": "Lantern Outreach", "organisation": "lantern"}]


def test_it_pages_the_list(toolkit, guide):
    first = _get("/api/v1/resources", page_size=1, sort="title").json()
    second = _get("/api/v1/resources", page_size=1, page=2, sort="title").json()
    assert (first["count"], first["pages"], second["page"]) == (2, 2, 2)
    assert _shown(first) + _shown(second) == [(guide.slug, "fr"), (toolkit.slug, "en")]
    assert _get("/api/v1/resources", page_size=101).status_code == 422


def test_a_work_lists_its_published_versions(toolkit, guide):
    response = _get(f"/api/v1/resources/{toolkit.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == toolkit.slug
    assert body["url"] == f"http://testserver/library/{toolkit.slug}/"
    assert [(v["language"], v["status"]) for v in body["versions"]] == [
        ("en", "approved"),
        ("km", "approved"),
    ]
    assert body["versions"][0]["approved_at"].endswith("+00:00")
    french = _get(f"/api/v1/resources/{guide.slug}").json()["versions"][1]
    assert (french["file_name"], french["file_type"], french["file_size"]) == (
        "guide.pdf",
        "pdf",
        len(PDF),
    )
    assert _get("/api/v1/resources/no-such-work").status_code == 404


def test_unapproved_versions_are_shown_only_to_who_may_see_them(
    toolkit, pending, bob, carol, dave, moderator, lantern
):
    burmese = submit_resource(
        work=toolkit,
        fields={"language": "my", "title": "Burmese toolkit"},
        submitter=bob,
        organisation=lantern,
    )
    for user in (None, carol, dave, bob, moderator):
        body = _get("/api/v1/resources", user).json()
        assert _shown(body) == [(toolkit.slug, "en")], user
        assert "my" not in _facet(body, "language")
        assert _get("/api/v1/resources", user, language="my").json()["count"] == 0
    waiting = f"/api/v1/resources/{pending.work.slug}"
    for user in (None, carol, dave):
        assert _get(waiting, user).status_code == 404, user
        languages = [
            v["language"]
            for v in _get(f"/api/v1/resources/{toolkit.slug}", user).json()["versions"]
        ]
        assert languages == ["en", "km"], user
    for user in (bob, moderator):
        [version] = _get(waiting, user).json()["versions"]
        assert (version["title"], version["status"]) == ("Shelter standards report", "submitted")
        versions = _get(f"/api/v1/resources/{toolkit.slug}", user).json()["versions"]
        assert [(v["language"], v["status"]) for v in versions][-1] == ("my", "submitted")
    assert burmese.status == "submitted"


def test_it_answers_only_get(toolkit):
    assert client_for(None).post("/api/v1/resources").status_code == 405
    assert client_for(None).post(f"/api/v1/resources/{toolkit.slug}").status_code == 405


def test_the_schema_describes_the_library_endpoints(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    assert {"/api/v1/resources", "/api/v1/resources/{slug}"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/resources"]["get"]["parameters"]}
    assert {
        "q",
        "language",
        "type",
        "topic",
        "country",
        "year",
        "publisher",
        "sort",
        "page",
        "page_size",
    } <= parameters
    assert reverse("api-v1:resources") == "/api/v1/resources"
    assert reverse("api-v1:resource_detail", kwargs={"slug": "x"}) == "/api/v1/resources/x"
