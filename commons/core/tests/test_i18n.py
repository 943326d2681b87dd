import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from commons.conftest import client_for

HOME_HEADING = "Together against modern slavery and human trafficking"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_every_language_has_a_translated_interface(code):
    with translation.override(code):
        assert translation.gettext(HOME_HEADING) != HOME_HEADING
        assert translation.gettext("My account") != "My account"


def test_switching_language_changes_the_page_and_is_remembered_on_the_account(dave):
    client = client_for(dave)
    response = client.post(
        reverse("accounts:switch_language"), {"language": "th", "next": "/organisations/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    dave.refresh_from_db()
    assert dave.language == "th"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="th" dir="ltr">' in page
    with translation.override("th"):
        assert translation.gettext(HOME_HEADING) in page
    # A new browser (no cookie) signed in as dave gets Thai too.
    assert '<html lang="th"' in client_for(dave).get(reverse("home")).content.decode()


def test_arabic_pages_run_right_to_left(db):
    client = client_for(None)
    client.post(reverse("accounts:switch_language"), {"language": "ar"})
    assert '<html lang="ar" dir="rtl">' in client.get(reverse("home")).content.decode()


def test_it_does_not_redirect_to_another_site(db):
    response = client_for(None).post(
        reverse("accounts:switch_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_unknown_language_is_ignored(db):
    client = client_for(None)
    client.post(reverse("accounts:switch_language"), {"language": "xx"})
    assert '<html lang="en"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("code", ["km", "my", "vi", "th"])
def test_the_sign_in_page_speaks_every_language_of_the_region(db, code):
    client = client_for(None)
    client.post(reverse("accounts:switch_language"), {"language": code})
    page = client.get(reverse("account_login")).content.decode()
    with translation.override(code):
        sign_in = translation.gettext("Sign In")
    assert sign_in != "Sign In"
    assert sign_in in page


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("km-KH,km;q=0.9,en;q=0.5", "km"),
        ("ar-EG,ar;q=0.9", "ar"),
        ("my", "my"),
        ("fr-CA", "fr"),
        ("es-419,es;q=0.9", "es"),
        ("de-DE,th;q=0.8", "th"),  # the first language the interface speaks
        ("de-DE", "en"),
    ],
)
def test_a_first_visit_speaks_the_browsers_preferred_language(db, accept, expected):
    page = client_for(None).get(reverse("home"), HTTP_ACCEPT_LANGUAGE=accept)
    assert f'<html lang="{expected}"' in page.content.decode()


def test_a_chosen_language_wins_over_the_browsers_preference(db):
    client = client_for(None)
    client.post(reverse("accounts:switch_language"), {"language": "vi"})
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar")
    assert '<html lang="vi"' in page.content.decode()
