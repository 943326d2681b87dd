"""Who sees what of an alert, on every surface: the list and its search, an alert's
page, the API with and without a token, and no feed at all. The actor's name must never
appear in a response to someone who may not read alerts."""

import pytest
from django.urls import NoReverseMatch, reverse

from commons.accounts.services import create_api_token
from commons.conftest import client_for

ACTOR = "Golden Bridge Placement"
NON_READERS = ["anonymous", "dave", "bob"]  # bob: a member of Lantern, not verified
READERS = ["vera", "moderator"]  # vera: a member of the verified Beacon


@pytest.fixture
def people(dave, bob, vera, moderator) -> dict:
    return {"anonymous": None, "dave": dave, "bob": bob, "vera": vera, "moderator": moderator}


@pytest.fixture
def token(people):
    def _token(persona):
        if people[persona] is None:
            return {}
        _made, raw = create_api_token(user=people[persona], name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return _token


def _surfaces(alert) -> dict[str, str]:
    return {
        "list": reverse("alerts:list"),
        "search by name": reverse("alerts:list") + "?q=golden+bridge",
        "search by licence": reverse("alerts:list") + "?licence=TH12342566",
        "search by country": reverse("alerts:list") + "?country=KH",
        "alert": reverse("alerts:detail", kwargs={"pk": alert.pk}),
        "api list": "/api/v1/alerts",
        "api search": "/api/v1/alerts?q=golden",
        "api alert": f"/api/v1/alerts/{alert.pk}",
    }


@pytest.mark.parametrize("persona", NON_READERS)
def test_it_shows_nothing_of_an_alert_to_someone_who_may_not_read_alerts(
    persona, people, published, token
):
    client = client_for(people[persona])
    for surface, url in _surfaces(published).items():
        for headers in ({}, token(persona)):
            response = client.get(url, **headers)
            assert ACTOR not in response.content.decode(), (surface, headers)
            assert "TH-1234" not in response.content.decode(), (surface, headers)


def test_it_answers_non_readers_with_an_explanation_a_404_or_a_refusal(people, published, token):
    detail = reverse("alerts:detail", kwargs={"pk": published.pk})
    anonymous = client_for(None)
    assert anonymous.get(reverse("alerts:list")).status_code == 302
    assert anonymous.get(detail).status_code == 302
    assert anonymous.get("/api/v1/alerts").status_code == 401
    for persona in ["dave", "bob"]:
        client = client_for(people[persona])
        page = client.get(reverse("alerts:list"))
        assert page.status_code == 200
        assert "only by members of verified organisations" in page.content.decode()
        assert client.get(detail).status_code == 404
        # the browser session does not open the API: a token does, and it is refused
        assert client.get("/api/v1/alerts").status_code == 401
        assert client.get("/api/v1/alerts", **token(persona)).status_code == 403
        assert client.get(f"/api/v1/alerts/{published.pk}", **token(persona)).status_code == 403
    assert (
        "Your organisation is not verified yet"
        in client_for(people["bob"]).get(reverse("alerts:list")).content.decode()
    )


@pytest.mark.parametrize("persona", READERS)
def test_it_shows_the_alert_to_readers_everywhere(persona, people, published, token):
    client = client_for(people[persona])
    for surface, url in _surfaces(published).items():
        headers = token(persona) if url.startswith("/api/") else {}
        response = client.get(url, **headers)
        assert response.status_code == 200, surface
        assert ACTOR in response.content.decode(), surface


def test_it_keeps_a_submitted_alert_to_its_author_and_the_moderators(
    people, vera, submitted, published, token
):
    other_reader = people["vera"].__class__.objects.create_user(email="x@example.org")
    from commons.accounts.models import Membership

    Membership.objects.create(
        user=other_reader,
        organisation=published.organisation,
        role="member",
        status="active",
    )
    detail = reverse("alerts:detail", kwargs={"pk": submitted.pk})
    assert client_for(vera).get(detail).status_code == 200
    assert client_for(people["moderator"]).get(detail).status_code == 200
    assert client_for(other_reader).get(detail).status_code == 404
    listing = client_for(other_reader).get(reverse("alerts:list")).content.decode()
    assert "Silver Road" not in listing
    assert ACTOR in listing
    api = client_for(None).get("/api/v1/alerts", **token("vera")).json()
    assert [item["actor_name"] for item in api["items"]] == [published.actor_name]
    assert (
        client_for(None).get(f"/api/v1/alerts/{submitted.pk}", **token("vera")).status_code == 404
    )


def test_it_marks_every_alert_page_private_and_unindexed(people, published, token):
    for persona in ["anonymous", "dave", "vera"]:
        client = client_for(people[persona])
        for surface, url in _surfaces(published).items():
            headers = token(persona) if url.startswith("/api/") else {}
            response = client.get(url, **headers)
            if response.status_code in {401}:
                continue
            assert "no-store" in response["Cache-Control"], (persona, surface)
            assert "private" in response["Cache-Control"], (persona, surface)
            assert "noindex" in response["X-Robots-Tag"], (persona, surface)


def test_it_has_no_feed_and_stays_out_of_the_sitewide_search(people, published):
    for name in ["alerts:feed", "alerts:atom", "alerts:rss"]:
        with pytest.raises(NoReverseMatch):
            reverse(name)
    # the public search and the other public lists do not know alerts
    client = client_for(people["vera"])
    for url in ["/", reverse("directory:search") + "?q=Golden", "/api/v1/search?q=Golden"]:
        assert ACTOR not in client.get(url).content.decode(), url


def test_it_lists_alerts_in_the_navigation_of_signed_in_people_only(people):
    assert reverse("alerts:list") not in client_for(None).get("/").content.decode()
    assert reverse("alerts:list") in client_for(people["dave"]).get("/").content.decode()
