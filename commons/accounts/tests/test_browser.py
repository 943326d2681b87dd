"""End-to-end journeys in a real browser (Debian Chromium driven by Playwright).

Each test asserts what a person would see on the page. The live server runs in a thread
of this process, so the tests use real transactions (``transactional_db``) and
``transaction.on_commit`` callbacks, such as sending e-mail, fire as they would in
production. A screenshot of the last page of every test is saved to
``var/screenshots/<test-name>.png`` for a human to look at.
"""

import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from commons.accounts.models import Membership, Organisation
from commons.conftest import PASSWORD, with_totp

pytestmark = pytest.mark.browser

STRONG = "quiet-river-lantern-1957"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()


def _current_totp_code(user) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    # Do not hand over a code that expires before the form is submitted.
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    secret = Authenticator.objects.get(user=user, type="totp").wrap().instance.data["secret"]
    return format_hotp_value(hotp_value(decrypt(secret), int(time.time()) // 30))


def _switch_language(page: Page, code: str) -> None:
    switcher = page.locator("form.language-switcher")
    switcher.locator("select#language-select").select_option(code)
    switcher.get_by_role("button").click()


def test_sign_up_confirm_create_an_organisation_and_switch_language(page):
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill("nita@example.org")
    page.locator("input[name=password1]").fill(STRONG)
    page.locator("input[name=password2]").fill(STRONG)
    page.locator("form[action$='/accounts/signup/'] button[type=submit]").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("verify your email", re.IGNORECASE))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nita@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)

    page.goto(link)
    expect(page.get_by_text("nita@example.org").first).to_be_visible()
    page.get_by_role("button", name="Confirm", exact=True).click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_text("You do not belong to an organisation yet.")).to_be_visible()

    page.get_by_role("link", name="Create an organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an organisation")
    # Labels of required fields end in an aria-hidden "*", which is not part of the field's name.
    page.get_by_role("textbox", name="Name", exact=True).fill("Mekong Safe Passage")
    page.get_by_role("combobox", name="Headquarters country").select_option("KH")
    page.get_by_role("combobox", name="Type").select_option("ngo")
    page.get_by_role("button", name="Create organisation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mekong Safe Passage")
    expect(page.get_by_text("Not yet verified")).to_be_visible()
    expect(page.locator("p.meta")).to_contain_text("Cambodia")
    expect(page.get_by_role("status")).to_contain_text("has been created and you are its admin")
    organisation_url = page.url
    assert Organisation.objects.get(name="Mekong Safe Passage").memberships.get().role == "admin"

    _switch_language(page, "th")
    expect(page).to_have_url(organisation_url)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#language-select")).to_have_value("th")
    expect(page.locator("header nav[aria-label] a").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mekong Safe Passage")

    _switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#language-select")).to_have_value("ar")
    expect(page.locator("header nav[aria-label] a").first).to_be_visible()


def test_a_join_request_is_approved_by_the_admin(open_page, alice, dave, lantern):
    dave_page = open_page()
    _sign_in(dave_page, "dave@example.org")
    expect(dave_page).to_have_url(re.compile(r"/me/$"))
    dave_page.goto("/organisations/lantern/")
    expect(dave_page.get_by_role("heading", level=1)).to_have_text("Lantern Outreach")
    dave_page.locator("textarea[name=message]").fill("I run the shelter hotline in Chiang Mai.")
    dave_page.get_by_role("button", name="Ask to join").click()
    expect(dave_page.get_by_role("status")).to_contain_text("Your request has been sent")
    expect(dave_page.get_by_text("Your request to join is waiting for an admin.")).to_be_visible()

    alice_page = open_page()
    _sign_in(alice_page, "alice@example.org")
    expect(alice_page).to_have_url(re.compile(r"/me/$"))
    alice_page.goto("/organisations/lantern/members/")
    requests = alice_page.locator("ul.requests")
    expect(requests).to_contain_text("dave@example.org")
    expect(requests).to_contain_text("I run the shelter hotline in Chiang Mai.")
    requests.get_by_role("button", name="Approve").click()
    expect(alice_page.get_by_role("status")).to_contain_text("is now a member")
    expect(alice_page.get_by_text("No requests waiting.")).to_be_visible()
    expect(alice_page.locator("table")).to_contain_text("dave@example.org")

    membership = Membership.objects.get(user=dave, organisation=lantern)
    assert membership.status == Membership.Status.ACTIVE


def test_sign_in_with_a_second_factor(page, dave):
    with_totp(dave)
    _sign_in(page, "dave@example.org")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")

    page.locator("input[name=code]").fill(_current_totp_code(dave))
    page.get_by_role("button", name="Sign In", exact=True).click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    # With a second factor in place the dashboard no longer nags about one.
    expect(page.get_by_text("Protect your account with a second factor")).to_have_count(0)


def test_home_page_keyboard_and_landmarks(page, alice, bob, carol, staff, harbour):
    harbour.verified_at, harbour.verified_by = timezone.now(), staff
    harbour.save()
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden skip links must appear when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()

    expect(page.locator("main")).to_have_count(1)
    navigation = page.locator("nav[aria-label]")
    expect(navigation.first).to_be_visible()
    assert navigation.first.get_attribute("aria-label").strip()

    numbers = page.get_by_role("region", name="The community in numbers")
    expect(numbers).to_be_visible()
    terms = numbers.locator("dt").all_inner_texts()
    figures = dict(zip(terms, numbers.locator("dd").all_inner_texts(), strict=True))
    # The network's events come next; none has been held here.
    assert {figures.pop(term) for term in ("Events held", "Webinars", "Registrations")} == {"0"}
    for term in ("Panelists", "Languages", "Participants"):
        figures.pop(term)
    # A visitor counts what they may see: Harbour (KH, verified, Carol is a member), not
    # Lantern (TH, not yet verified, Alice and Bob).
    assert figures == {
        "Organisations": "1",
        "Verified organisations": "1",
        "Countries": "1",
        "Anti-trafficking professionals": "1",
    }
