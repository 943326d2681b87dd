"""Error pages speak the reader's language and keep the site's frame, direction included."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path
from django.utils import translation

from commons.conftest import client_for


def _boom(request):
    raise RuntimeError("a bug")


def _refuse(request):
    raise PermissionDenied("not for you")


urlpatterns = [path("boom/", _boom), path("refuse/", _refuse), path("", include("commons.urls"))]


@pytest.mark.parametrize("code", ["fr", "ar", "km"])
def test_a_missing_page_says_so_in_the_readers_language(db, code):
    response = client_for(None).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=code)
    assert response.status_code == 404
    page = response.content.decode()
    with translation.override(code):
        heading = translation.gettext("Page not found")
    assert heading != "Page not found"
    assert f"<h1>{heading}</h1>" in page
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in page


@pytest.mark.urls(__name__)
def test_a_refusal_is_explained_in_the_readers_language(dave):
    response = client_for(dave).get("/refuse/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    page = response.content.decode()
    with translation.override("es"):
        heading = translation.gettext("Not allowed")
    assert heading != "Not allowed"
    assert f"<h1>{heading}</h1>" in page
    assert "not for you" not in page  # the internal reason is for the audit log only


@pytest.mark.urls(__name__)
def test_a_server_error_page_stands_on_its_own_in_the_readers_language(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    with translation.override("ar"):
        heading = translation.gettext("Something went wrong")
    assert heading != "Something went wrong"
    assert f"<h1>{heading}</h1>" in page
