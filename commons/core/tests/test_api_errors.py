"""The API's error answers (commons/api.py) come in the caller's language: the token
owner's saved language, else ``Accept-Language``. Programs keep pydantic's ``loc`` and
``type`` to act on."""

import pytest
from django.utils import translation

from commons.accounts.services import create_api_token
from commons.conftest import client_for

pytestmark = pytest.mark.django_db


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _get(path: str, language: str = "fr", **headers):
    return client_for(None).get(path, HTTP_ACCEPT_LANGUAGE=language, **headers)


def test_a_404_is_in_the_callers_language():
    answer = _get("/api/v1/organisations/no-such-organisation")
    assert answer.status_code == 404
    assert answer["Content-Language"] == "fr"
    assert answer.json() == {"detail": in_language("fr", "Not found.")}
    assert _get("/api/v1/events/no-such-event", "th").json() == {
        "detail": in_language("th", "Not found.")
    }


def test_a_401_is_in_the_callers_language():
    answer = _get("/api/v1/me")
    assert answer.status_code == 401
    assert answer["Content-Language"] == "fr"
    assert answer.json() == {
        "detail": in_language("fr", "Sign in or send a personal API token to use this.")
    }


def test_a_422_says_which_values_in_the_callers_language_and_keeps_pydantics_items():
    answer = _get("/api/v1/organisations?page_size=1000&page=x")
    assert answer.status_code == 422
    assert answer["Content-Language"] == "fr"
    body = answer.json()
    # in the order of the parameters
    invalid = in_language("fr", "These values are not valid: %(names)s.")
    assert body["detail"] == invalid % {"names": "page, page_size"}
    found = {tuple(error["loc"]): error["type"] for error in body["errors"]}
    assert found == {("query", "page_size"): "less_than_equal", ("query", "page"): "int_parsing"}


def test_a_tokens_owner_is_answered_in_their_saved_language(dave):
    dave.language = "ar"
    dave.save(update_fields=["language"])
    _token, raw = create_api_token(user=dave, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answer = _get("/api/v1/events?page_size=101", "en", **auth)
    assert answer.status_code == 422
    assert answer["Content-Language"] == "ar"
    assert answer.json()["detail"] == in_language(
        "ar", "These values are not valid: %(names)s."
    ) % {"names": "page_size"}
    assert _get("/api/v1/me", "en", **auth).json()["language"] == "ar"
    # the same request without the token: the browser's language
    assert _get("/api/v1/events?page_size=101", "es")["Content-Language"] == "es"


def test_the_alerts_refusal_is_in_the_callers_language(dave):
    _token, raw = create_api_token(user=dave, name="script")
    answer = _get("/api/v1/alerts", "fr", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 403
    assert answer.json() == {
        "detail": in_language("fr", "Alerts are for members of verified organisations.")
    }
    assert answer["Content-Language"] == "fr"
