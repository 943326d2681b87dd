"""The main page of every module, opened in a real browser under the site's
Content-Security-Policy, breaks none of its rules: no inline script or style, nothing
from another origin."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from commons.conftest import make_user, with_totp

pytestmark = pytest.mark.browser

PUBLIC = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/directory/",
    "/numbers/",
    "/directory/partners/",
    "/journeys/",
    "/journeys/releases/",
    "/events/",
    "/recommendations/",
    "/library/",
    "/library/collections/",
    "/news/",
    "/newsletter/",
    "/newsletter/archive/",
    "/alerts/",
    "/alerts/right-of-reply/",
    "/discussions/",
    "/no-such-page/",
]
SIGNED_IN = [
    "/me/",
    "/me/profile/",
    "/me/tokens/",
    "/me/directory-profile/",
    "/organisations/",
    "/organisations/new/",
    "/people/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/journeys/contribute/",
    "/journeys/contribute/record/",
    "/journeys/steward/",
    "/journeys/mine/",
    "/surveys/",
    "/surveys/new/",
    "/events/new/",
    "/events/mine/",
    "/recommendations/matrix/",
    "/library/submit/",
    "/library/moderation/",
    "/news/submit/",
    "/news/editors/",
    "/newsletter/issues/",
    "/newsletter/issues/new/",
    "/alerts/new/",
    "/alerts/review/",
    "/discussions/moderation/",
    "/discussions/notifications/",
    "/admin/",
]

# Records every violation in every frame, before the page's own scripts run.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` in ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    return problems


def _visit(page: Page, paths: list[str], problems: list[str]) -> None:
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations")
        problems.extend(f"{path}: {text}" for text in found)
        assert not page.url.endswith("/accounts/login/") or path.startswith("/accounts/"), path


def test_public_pages_break_no_rule_of_the_policy(page, lantern):
    problems = _watch(page)
    _visit(page, PUBLIC, problems)
    assert problems == []


def sign_in_as_staff(page: Page, live_server, email: str) -> None:
    """Give the browser the session of a staff member with a second factor, who may open
    every page."""
    staff = with_totp(make_user(email, name="Stella", is_staff=True, is_superuser=True))
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_signed_in_pages_break_no_rule_of_the_policy(page, live_server, lantern):
    sign_in_as_staff(page, live_server, "csp-staff@example.org")
    problems = _watch(page)
    _visit(page, SIGNED_IN, problems)
    assert problems == []


def test_bar_charts_keep_their_lengths_without_inline_styles(page, alice, bob, carol, staff):
    from django.utils import timezone

    from commons.accounts.models import Organisation

    Organisation.objects.update(verified_at=timezone.now(), verified_by=staff)
    problems = _watch(page)
    _visit(page, ["/numbers/"], problems)
    assert problems == []
    widths = [box["width"] for box in (bar.bounding_box() for bar in page.locator("svg.bar").all())]
    # Thailand has two members, Cambodia one: the second bar is half the first.
    assert len(widths) == 2
    assert widths[1] == pytest.approx(widths[0] / 2, rel=0.05)
