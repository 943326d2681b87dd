"""Who sees a members-only thread, a held one and a hidden one: every persona, on every
page that lists threads, in search results and in the API (discussions have no feed)."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.discussions.models import Message, Thread
from commons.discussions.tests.conftest import start

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "dave", "bob", "carol", "moderator"]
# whether each persona reads a members-only thread
MEMBERS = {"anonymous": False, "dave": False, "bob": True, "carol": True, "moderator": True}


@pytest.fixture
def threads(alice, members, public):
    members_only = start(alice, members, "Zebra members briefing", "zebra words", tags=["zebra"])
    hidden = start(alice, public, "Zebra hidden thread", "zebra words", tags=["zebra"])
    Thread.objects.filter(pk=hidden.pk).update(is_visible=False)
    hidden.messages.update(status=Message.Status.HIDDEN)
    from commons.discussions import search

    search.discussions_changed([hidden.pk])
    public_one = start(alice, public, "Zebra public notes", "zebra words", tags=["zebra"])
    return {"members": members_only, "hidden": hidden, "public": public_one}


def _listing_pages(threads):
    return [
        reverse("discussions:index"),
        reverse("discussions:tag", args=["zebra"]),
        reverse("discussions:search") + "?q=zebra",
        reverse("discussions:category", args=["field-updates"]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_listings_and_search_show_each_persona_what_they_may_read(persona, personas, threads):
    client = client_for(personas[persona])
    for url in _listing_pages(threads):
        page = client.get(url).content.decode()
        assert "Zebra public notes" in page, url
        assert "Zebra hidden thread" not in page or persona == "moderator", url
        if "field-updates" not in url:
            assert ("Zebra members briefing" in page) is MEMBERS[persona], url


@pytest.mark.parametrize("persona", PERSONAS)
def test_thread_pages_answer_each_persona(persona, personas, threads):
    client = client_for(personas[persona])
    members_status = client.get(threads["members"].get_absolute_url()).status_code
    expected = {"anonymous": 302, "dave": 403}.get(persona, 200)
    assert members_status == expected
    assert client.get(reverse("discussions:category", args=["help-requests"])).status_code == (
        expected
    )
    hidden_status = client.get(threads["hidden"].get_absolute_url()).status_code
    assert hidden_status == (200 if persona == "moderator" else 404)
    assert client.get(threads["public"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_shows_each_persona_what_they_may_read(persona, personas, threads):
    client = client_for(personas[persona])  # the session counts as the API's caller
    titles = {i["title"] for i in client.get("/api/v1/discussions/threads").json()["items"]}
    assert "Zebra public notes" in titles
    assert "Zebra hidden thread" not in titles
    assert ("Zebra members briefing" in titles) is MEMBERS[persona]
    found = {i["title"] for i in client.get("/api/v1/discussions/threads?q=zebra").json()["items"]}
    assert found == titles
    detail = client.get(f"/api/v1/discussions/threads/{threads['members'].pk}").status_code
    assert detail == (200 if MEMBERS[persona] else 404)
    hidden = client.get(f"/api/v1/discussions/threads/{threads['hidden'].pk}").status_code
    assert hidden == 404
