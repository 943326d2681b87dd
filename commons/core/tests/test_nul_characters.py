"""A NUL character in a page's parameters is a bad request, never a server error
(PostgreSQL cannot store one, and a search read straight from the query would fail)."""

import pytest
from django.urls import reverse

from commons.conftest import client_for


@pytest.mark.parametrize(
    "url", ["directory:search", "library:search", "discussions:search", "events:calendar"]
)
def test_a_search_with_a_nul_character_is_a_bad_request(db, url):
    response = client_for(None).get(reverse(url), {"q": "shelter\x00"})
    assert response.status_code == 400
    assert "<html" in response.content.decode()


def test_a_form_sent_with_a_nul_character_is_a_bad_request(dave):
    response = client_for(dave).post(reverse("accounts:profile"), {"name": "Dave\x00"})
    assert response.status_code == 400
    dave.refresh_from_db()
    assert dave.name == "Dave"


def test_the_same_search_without_it_is_answered(db):
    assert client_for(None).get(reverse("directory:search"), {"q": "shelter"}).status_code == 200


def test_the_api_names_the_parameter_itself(db):
    response = client_for(None).get("/api/v1/organisations", {"q": "a\x00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "string_nul"
