"""The main pages in Khmer and in Arabic, as a first-time visitor whose browser asks for
that language: each is photographed into var/screenshots/ for a person to look at, and
checked for what breaks most often in another script: the wrong language or direction,
missing glyphs (the page's own Noto font must have been used), text reversed by the
bidirectional algorithm, and a page wider than the window."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from commons.accounts.services import create_organisation
from commons.conftest import SCREENSHOTS
from commons.directory.services import save_profile
from commons.events.tests.conftest import make_event
from commons.journeys.tests.test_public import ROUTES, _release

pytestmark = pytest.mark.browser

FONTS = {"km": "Noto Sans Khmer", "ar": "Noto Sans Arabic"}
SAMPLE = {"km": "ក", "ar": "ع"}


@pytest.fixture
def content(staff, lantern):
    for name, country, services in [
        ("Lantern Shelter", "TH", ["shelter"]),
        ("Mekong Returnee Network", "KH", ["shelter", "reintegration"]),
    ]:
        organisation = create_organisation(name=name, country=country, verified_by=staff)
        save_profile(
            organisation=organisation,
            terms={"services": services},
            presences=[{"country": country}],
        )
    _release(ROUTES)
    return make_event(organisers=[lantern], capacity=20)


@pytest.fixture
def visitor(browser, live_server, request):
    """A first visit from a browser whose preferred language is the test's language."""
    contexts = []

    def _open(language: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale=language,
            extra_http_headers={"Accept-Language": f"{language},en;q=0.5"},
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _check_and_photograph(page: Page, language: str, name: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    page.evaluate("document.fonts.ready")
    family = FONTS[language]
    loaded = page.evaluate(
        """(family) => [...document.fonts]
            .filter((face) => face.family.replace(/"/g, "") === family && face.status === "loaded")
            .length""",
        family,
    )
    assert loaded, f"{name}: the page's {family} font was never used, so glyphs may be missing"
    assert page.evaluate(
        '([family, sample]) => document.fonts.check(`16px "${family}"`, sample)',
        [family, SAMPLE[language]],
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{language}-{name}.png", full_page=True)


@pytest.mark.parametrize("language", ["km", "ar"])
def test_the_main_pages_in_khmer_and_arabic(visitor, content, language):
    page = visitor(language)
    with translation.override(language):
        _ = translation.gettext

        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            _("Together against modern slavery and human trafficking")
        )
        _check_and_photograph(page, language, "home")

        page.goto("/directory/?q=shelter")
        expect(page.get_by_role("link", name="Lantern Shelter")).to_be_visible()
        _check_and_photograph(page, language, "directory-search")

        page.goto("/journeys/")
        expect(page.locator(".flowmap path.flow")).to_have_count(2)
        _check_and_photograph(page, language, "flow-map")

        page.goto(f"/events/{content.slug}/register/")
        expect(page.locator("form input[name=email]")).to_be_visible()
        _check_and_photograph(page, language, "registration-form")


def test_times_and_ranges_keep_their_order_in_arabic(visitor, content):
    """A range of times is shown left to right inside Arabic text: '14:00–16:00' must not
    read '16:00–14:00'."""
    page = visitor("ar")
    page.goto(f"/events/{content.slug}/")
    times = page.locator(".cal-when-main bdi").first
    expect(times).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    assert times.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    start, end = times.inner_text().split("–")
    assert start < end, "the range reads from the start time to the end time"
