"""Accessibility in a real browser.

axe-core (installed from the npm registry by ``make axe``, used by these tests only and
never served) finds no serious or critical violation on the main pages of every module,
filled with the demo content: as an anonymous visitor and as the admin of a verified
organisation, in Arabic (right to left), and in the states htmx leaves a search in.

The main flows work with the keyboard alone: the skip link, a visible focus on every
stop, the language switcher, the navigation, the directory's search and filters, the flow
map's filters, signing in and registering for an event; and no page traps the focus."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from commons.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Runs axe on the whole page and keeps what blocks people: "serious" and "critical".
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.helpUrl,
      nodes: violation.nodes.map((node) => node.target.join(" ")),
    }));
}"""


@pytest.fixture
def axe_page(browser, live_server):
    """Open a page in a fresh browser context with axe-core loaded into every document.

    An init script is injected by the browser itself, outside the page's
    Content-Security-Policy, so the policy stays as strict as the site sends it."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci) to install axe-core")
    contexts = []

    def _open(*, user=None, language: str = "en-GB") -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale=language,
            extra_http_headers={"Accept-Language": language},
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        context.add_init_script(path=AXE)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _check(page: Page, label: str, problems: list[str]) -> None:
    """Run axe on the page as it is now and add its serious and critical violations."""
    for violation in page.evaluate(RUN_AXE):
        problems.append(
            f"{label}: {violation['id']} ({violation['impact']}) {violation['help']}\n    "
            + "\n    ".join(violation["nodes"][:5])
        )


def _visit(page: Page, paths: list[str], problems: list[str], who: str) -> None:
    for path in paths:
        response = page.goto(path)
        assert response.status == (404 if path == "/no-such-page/" else 200), (who, path)
        assert not page.url.endswith("/accounts/login/") or path.startswith("/accounts/"), path
        _check(page, f"{who} {path}", problems)


@pytest.fixture
def demo(live_server, settings, tmp_path):
    """The demo content: every module has something to show. Returns the pages' paths."""
    from commons.accounts.models import User
    from commons.alerts.models import Alert
    from commons.core.demo import PEOPLE, load_demo
    from commons.discussions.models import Thread
    from commons.events.models import Event
    from commons.library.models import Collection, Resource
    from commons.news.models import Post
    from commons.newsletter.models import Issue
    from commons.surveys.demo import OPEN_SLUG, SLUG

    settings.VAR_DIR = tmp_path
    load_demo()
    upcoming = (
        Event.objects.filter(
            status=Event.Status.PUBLISHED,
            registration=Event.Registration.OPEN,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    public_thread = Thread.objects.filter(category__audience="public").order_by("pk").first()
    return {
        "alice": User.objects.get(email="alice@example.org"),
        "organisation": f"/organisations/{PEOPLE[0].organisation}/",  # Alice's
        "event": upcoming.get_absolute_url(),
        "work": Resource.objects.filter(status="approved")
        .order_by("pk")
        .first()
        .work.get_absolute_url(),
        "collection": Collection.objects.filter(is_published=True).first().get_absolute_url(),
        "post": Post.objects.filter(status="published", audience="public")
        .first()
        .get_absolute_url(),
        "issue": f"/newsletter/archive/{Issue.objects.get(status='sent').pk}/",
        "public_thread": public_thread.get_absolute_url(),
        "thread": Thread.objects.filter(category__audience="members")
        .order_by("pk")
        .first()
        .get_absolute_url(),
        "alert": Alert.objects.filter(status="published").first().get_absolute_url(),
        "survey": SLUG,
        "open_survey": OPEN_SLUG,
    }


def test_main_pages_have_no_serious_or_critical_violation(axe_page, demo):
    d = demo
    problems: list[str] = []

    anonymous = axe_page()
    _visit(
        anonymous,
        [
            "/",
            "/directory/",
            d["organisation"],
            "/numbers/",
            "/journeys/",
            "/journeys/countries/TH/",
            "/events/",
            d["event"],
            f"{d['event']}register/",
            "/recommendations/",
            "/library/",
            d["work"],
            d["collection"],
            "/news/",
            d["post"],
            "/newsletter/",
            "/newsletter/archive/",
            d["issue"],
            "/discussions/",
            d["public_thread"],
            f"/surveys/{d['survey']}/report/",
            "/accounts/login/",
            "/accounts/signup/",
            "/languages/",
            "/no-such-page/",
        ],
        problems,
        "anonymous",
    )

    # Alice is the admin of a verified organisation: she reads alerts and members' pages.
    alice = axe_page(user=d["alice"])
    _visit(
        alice,
        [
            "/me/",
            "/me/profile/",
            d["organisation"],
            "/journeys/contribute/",
            "/journeys/contribute/record/",
            "/surveys/",
            f"/surveys/{d['open_survey']}/answer/",
            d["event"],
            d["thread"],
            "/alerts/",
            d["alert"],
        ],
        problems,
        "alice",
    )

    arabic = axe_page(language="ar")
    for path in ["/", d["event"]]:
        arabic.goto(path)
        expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
        _check(arabic, f"arabic {path}", problems)

    # What htmx swaps in: the directory's results for a search and a filter, and its map;
    # the library's and the people's results.
    anonymous.goto("/directory/")
    heading = anonymous.locator("#results-heading")
    before = heading.text_content()
    anonymous.locator("#q").fill("shelter")
    expect(heading).not_to_have_text(before)
    # Ticked as the search field loses the focus, which sends a request of its own: the
    # tick is kept, not undone by that request's older results.
    anonymous.locator("#f-verified").check()
    expect(anonymous).to_have_url(re.compile(r"q=shelter&verified=1"))
    expect(anonymous.locator("#f-verified")).to_be_checked()
    _check(anonymous, "anonymous /directory/ (searched and filtered)", problems)
    anonymous.get_by_role("link", name="Map", exact=True).click()
    expect(anonymous.locator("svg.worldmap")).to_be_visible()
    _check(anonymous, "anonymous /directory/ (map)", problems)

    anonymous.goto("/library/")
    heading = anonymous.locator("#results-heading")
    before = heading.text_content()
    anonymous.locator("#q").fill("trafficking")
    expect(heading).not_to_have_text(before)
    _check(anonymous, "anonymous /library/ (searched)", problems)

    alice.goto("/people/")
    count = alice.locator("#people p[aria-live]")
    before = count.text_content()
    alice.locator("#people-q").fill("case")
    expect(count).not_to_have_text(before)
    _check(alice, "alice /people/ (searched)", problems)

    assert problems == [], "\n".join(problems)


def test_a_violation_would_be_reported(axe_page):
    # An image without a text alternative and a field without a name, put into a page:
    # the check names the rules they break, with where they are and the help page.
    page = axe_page()
    page.goto("/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
             '<img src="/static/favicon.svg"><input>')"""
    )
    problems: list[str] = []
    _check(page, "/", problems)
    assert sorted(problem.split(" ")[1] for problem in problems) == ["image-alt", "label"]
    image = next(problem for problem in problems if " image-alt " in problem)
    assert "dequeuniversity.com/rules/axe/4.14/image-alt" in image
    assert image.endswith("\n    img")  # where: the only image of the page


# --- The keyboard alone -----------------------------------------------------------------

# What has the focus: None once it has left the page. ``again`` is true for an element
# focused before, which a walk down the page never meets unless the focus is trapped.
# ``visible`` is the focus indicator: an outline, or for a link of an SVG map the
# highlight that commons.css or worldmap.css and flowmap.css give its shape.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  window.__seen = window.__seen || new WeakSet();
  const again = window.__seen.has(el);
  window.__seen.add(el);
  const style = getComputedStyle(el);
  let visible = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)";
  if (!visible && el instanceof SVGElement) {
    const shape = el.querySelector("path, circle");
    const drawn = shape && getComputedStyle(shape);
    visible = !!drawn && [drawn.stroke, drawn.fill].includes("rgb(240, 180, 0)");
  }
  const box = el.getBoundingClientRect();
  const text = (el.getAttribute("aria-label") || el.textContent || el.value || "")
    .trim().replace(/\\s+/g, " ").slice(0, 60);
  return {
    label: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text}"`,
    id: el.id,
    text,
    again,
    visible,
    on_screen: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.width > 0,
    in_main: !!el.closest("main"),
  };
}"""


def _tab_to(page: Page, what: str, key: str = "Tab", limit: int = 120) -> dict:
    """Press Tab until the focused element's label contains ``what``."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused and what in focused["label"]:
            return focused
    raise AssertionError(f"{page.url}: {key} never reached {what}")


def _walk(page: Page, limit: int = 400) -> list[dict]:
    """Tab from where the focus is until it leaves the page, or wraps around to the first
    stop, and return each stop.

    Fails when the focus comes back to any other element: a trap."""
    page.evaluate("window.__seen = new WeakSet()")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (focused["again"] and focused["label"] == stops[0]["label"]):
            return stops
        assert not focused["again"], (
            f"{page.url}: the focus is trapped, it came back to {focused['label']} after "
            + " → ".join(stop["label"] for stop in stops[-5:])
        )
        stops.append(focused)
    raise AssertionError(f"{page.url}: the focus never left the page in {limit} presses of Tab")


@pytest.fixture
def site(lantern, alice, staff):
    """Verified organisations for the directory, a release for the flow map and an
    upcoming webinar with room left."""
    from commons.accounts.services import create_organisation
    from commons.directory.services import save_profile
    from commons.events.tests.conftest import make_event
    from commons.journeys.tests.test_public import ROUTES, _release

    for name, country in [("Lantern Shelter", "TH"), ("Mekong Returnee Network", "KH")]:
        organisation = create_organisation(name=name, country=country, verified_by=staff)
        save_profile(
            organisation=organisation,
            terms={"services": ["shelter"]},
            presences=[{"country": country}],
        )
    _release(ROUTES)
    return make_event(organisers=[lantern], capacity=20)


def test_every_stop_of_the_main_pages_shows_the_focus_and_none_traps_it(page, site):
    pages = ["/", "/directory/", "/journeys/", site.get_absolute_url(), "/accounts/login/"]
    hidden = []
    for path in pages:
        page.goto(path)
        if path == site.get_absolute_url():
            # The time zone chooser is a disclosure: opened with Enter, it is walked too.
            _tab_to(page, "Show the times in another time zone")
            page.keyboard.press("Enter")
            expect(page.locator("details.cal-tz")).to_have_attribute("open", "")
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUSED)["id"] == "cal-tz-select"
            page.goto(path)
        stops = _walk(page)
        assert len(stops) >= 10, (path, stops)
        hidden += [f"{path}: {stop['label']}" for stop in stops if not stop["visible"]]
        hidden += [
            f"{path}: {stop['label']} (off screen)" for stop in stops if not stop["on_screen"]
        ]
        # And back up: Shift+Tab reaches the last stop, then the one before it.
        _tab_to(page, stops[-1]["label"], key="Shift+Tab", limit=3)
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUSED)["label"] == stops[-2]["label"], path
    assert hidden == []


def test_the_main_flows_work_with_the_keyboard_alone(page, site, alice):
    from commons.events.models import Registration

    # The first Tab reaches the skip link, shown on screen; Enter moves to the content.
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["text"] == "Skip to content" and skip["visible"] and skip["on_screen"]
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["in_main"]

    # The language switcher: choose with an arrow key, then its button.
    _tab_to(page, "select#language-select")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#language-select").input_value()
    assert chosen != "en"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", chosen)
    _tab_to(page, "select#language-select")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The main navigation leads to the directory, whose search and filters work from
    # the keyboard, and the focus stays on a filter while htmx replaces the results.
    _tab_to(page, 'a "Directory"')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/directory/$"))
    heading = page.locator("#results-heading")
    expect(heading).to_have_text("2 organisations")
    _tab_to(page, "input#q")
    page.keyboard.type("Mekong")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Search"
    page.keyboard.press("Enter")
    expect(heading).to_have_text("1 organisation")
    _tab_to(page, "input#f-verified")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"q=Mekong&verified=1"))
    expect(page.locator("#f-verified")).to_be_checked()
    assert page.evaluate(FOCUSED)["id"] == "f-verified"
    _tab_to(page, 'a "Mekong Returnee Network"')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mekong Returnee Network")

    # The flow map's filters: the focus stays on a filter while htmx redraws the map.
    page.goto("/journeys/")
    _tab_to(page, "select#map-form")
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"form=\w+"))
    assert page.evaluate(FOCUSED)["id"] == "map-form"

    # From an event, sign in and come back to register.
    page.goto(site.get_absolute_url())
    _tab_to(page, "Members: sign in to register in one click")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    _tab_to(page, "input#id_login")
    page.keyboard.type(alice.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(site.get_absolute_url()) + "$"))
    _tab_to(page, 'button "Register"')
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("You are registered")
    assert Registration.objects.filter(event=site, user=alice).count() == 1
