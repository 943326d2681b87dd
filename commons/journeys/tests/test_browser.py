"""A visitor filters the flow map without a reload, and takes it away as a PNG."""

import re

import pytest
from playwright.sync_api import expect

from commons.journeys.tests.test_public import ROUTES, _release

pytestmark = pytest.mark.browser


def test_filtering_the_map_and_downloading_it_as_a_picture(page, db):
    _release(ROUTES)
    page.goto("/journeys/")
    caption = page.locator("#map-region caption")
    expect(caption).to_have_text("2 routes, 1,310 people")
    expect(page.locator(".flowmap path.flow")).to_have_count(2)

    page.locator("select[name=form]").select_option("forced_labour")
    expect(caption).to_have_text("1 route, 900 people")
    expect(page).to_have_url(re.compile(r"form=forced_labour"))
    expect(page.locator(".flowmap path.flow title")).to_have_text(
        ["Myanmar → Thailand: 900 people"]
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="· PNG").click()
    saved = download.value
    assert saved.suggested_filename.endswith(".png")
    with open(saved.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_sector_shows_its_routes_and_says_which_filters_it_sets_aside(page, db):
    _release(ROUTES)
    page.goto("/journeys/?form=forced_labour")
    caption = page.locator("#map-region caption")
    expect(caption).to_have_text("1 route, 900 people")
    page.locator("select[name=sector]").select_option("fishing")
    expect(caption).to_have_text("1 route, 470 people")
    expect(page.locator("#map-region .notice")).to_contain_text("cannot be combined")
    expect(page.locator("select[name=sector]")).to_have_value("fishing")
    page.locator("select[name=form]").select_option("")
    expect(page.locator("#map-region .notice")).to_have_count(0)
    expect(caption).to_have_text("1 route, 470 people")
