"""Every response tells the browser what it may load, run, frame and share."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from commons.conftest import client_for
from commons.core.middleware import SecurityHeadersMiddleware, allow_inline_styles

TEMPLATES = sorted(Path(settings.BASE_DIR, "commons").glob("**/templates/**/*.html"))
# An HTML e-mail is read in a mail program, not under the site's policy.
PAGE_TEMPLATES = [path for path in TEMPLATES if "/email/" not in path.as_posix()]


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.django_db
def test_a_page_carries_every_security_header(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client_for(None).get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
        + ("; preload" if settings.SECURE_HSTS_PRELOAD else "")
    )
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_content_security_policy_allows_no_inline_script_and_no_framing():
    directives = _directives(client_for(None).get(reverse("home")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in " ".join(directives.values())


@pytest.mark.django_db
def test_error_pages_and_static_files_carry_the_policy_too(dave):
    missing = client_for(dave).get("/no-such-page/")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing["Content-Security-Policy"]
    css = client_for(None).get("/static/css/commons.css")
    assert css.status_code == 200
    assert "Content-Security-Policy" in css


def test_a_view_that_sets_its_own_policy_keeps_it():
    # An uploaded file is served sandboxed (library/views/files.py): stricter, not replaced.
    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_svg_picture_may_style_itself_but_runs_nothing():
    response = SecurityHeadersMiddleware(
        lambda request: HttpResponse("<svg/>", content_type="image/svg+xml")
    )(RequestFactory().get("/"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: p.name)
def test_no_template_has_inline_script_handlers_or_styles(path):
    text = path.read_text()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", text)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline_scripts == []
    assert re.findall(r"\son[a-z]+\s*=", text) == []
    assert re.findall(r"\sstyle\s*=", text) == []
    assert "hx-on" not in text
    assert "<style" not in text


def test_htmx_may_not_evaluate_code_nor_inject_styles():
    base = Path(settings.BASE_DIR, "commons", "templates", "base.html").read_text()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', base)[1]
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config


def test_the_newsletter_preview_may_use_inline_styles_but_never_inline_scripts():
    # The preview shows the HTML e-mail, whose styles are inline, in a sandboxed frame.
    view = allow_inline_styles(lambda request: HttpResponse("<iframe sandbox srcdoc=''>"))
    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    directives = _directives(response)
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"
