"""No page asks another origin for anything: every request the browser makes while the
main pages load goes to the site itself (no third-party fonts, scripts or trackers)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from commons.core.tests.test_browser_csp import PUBLIC, SIGNED_IN, sign_in_as_staff

pytestmark = pytest.mark.browser

# Inline data needs no request to anyone.
LOCAL_SCHEMES = {"data", "blob", "about"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _visit(page: Page, paths: list[str], site: str) -> list[str]:
    """Open each page, wait until the network is idle, and list the requests made to
    any origin but ``site`` as ``"<page>: <url>"``."""
    requests: list[tuple[str, str]] = []
    current = [""]
    page.on("request", lambda request: requests.append((current[0], request.url)))
    for path in paths:
        current[0] = path
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert not page.url.endswith("/accounts/login/") or path.startswith("/accounts/"), path
    assert len(requests) >= len(paths)  # the recorder saw at least the pages themselves
    return sorted(
        {
            f"{on}: {url}"
            for on, url in requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and _origin(url) != site
        }
    )


def test_public_pages_ask_no_other_origin_for_anything(page, live_server, lantern):
    assert _visit(page, PUBLIC, live_server.url) == []


def test_signed_in_pages_ask_no_other_origin_for_anything(page, live_server, lantern):
    sign_in_as_staff(page, live_server, "origins-staff@example.org")
    assert _visit(page, SIGNED_IN, live_server.url) == []


def test_a_request_to_another_origin_would_be_reported(page, live_server):
    # Seen from another origin, the home page's own requests are all foreign: the check
    # lists them, page first, and so would list a third-party font or script.
    reported = _visit(page, ["/"], "http://elsewhere.example")
    assert f"/: {live_server.url}/" in reported
    assert any(line.endswith(".css") for line in reported)
