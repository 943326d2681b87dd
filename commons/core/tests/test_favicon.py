"""The site has an icon: pages link an SVG drawn for it, and /favicon.ico, which browsers
and feed readers ask for whatever a page links, is an icon rather than a logged 404."""

from django.test import Client


def test_favicon_ico_is_an_icon_at_the_root(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    # An ICO file: reserved 0, type 1 (icon), then how many images it holds.
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00" and body[4] >= 1


def test_pages_link_the_svg_icon(db):
    page = Client().get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = Client().get("/static/favicon.svg")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content).startswith(b"<svg ")
