"""Registering for a webinar in a real browser: a member in one click (and cancelling),
a guest with the short form."""

import re

import pytest
from playwright.sync_api import Page, expect

from commons.conftest import PASSWORD
from commons.events.models import Registration

pytestmark = pytest.mark.browser

SECRET = "https://meet.example.org/secret-room"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def test_a_member_registers_for_a_webinar_and_cancels(page, webinar, bob):
    _sign_in(page, "bob@example.org")
    page.goto("/events/")
    page.get_by_role("link", name="Safe recruitment webinar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe recruitment webinar")
    expect(page.get_by_role("link", name=SECRET)).to_have_count(0)

    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=SECRET)).to_be_visible()
    expect(page.get_by_text("2 places · 1 left")).to_be_visible()

    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(page.get_by_text("You are registered.", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=SECRET)).to_have_count(0)
    expect(page.get_by_role("button", name="Register", exact=True)).to_be_visible()
    assert webinar.registrations.get().status == Registration.Status.CANCELLED


def test_a_guest_registers_with_the_short_form(page, webinar):
    page.goto("/events/webinar/")
    page.get_by_role("link", name="Register as a guest").click()
    page.get_by_label("Your name").fill("Nok")
    page.get_by_label("Your e-mail address").fill("nok@example.net")
    page.get_by_label("Your organisation").fill("Mekong Migrant Network")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Check your e-mail to confirm your registration.")).to_be_visible()
    guest = webinar.registrations.get()
    assert (guest.email, guest.organisation_name, guest.status) == (
        "nok@example.net",
        "Mekong Migrant Network",
        Registration.Status.UNCONFIRMED,
    )
