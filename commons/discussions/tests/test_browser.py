"""A member reads a thread, replies quoting a message, and flags another message, in a
real browser (Debian Chromium driven by Playwright). See accounts/tests/test_browser.py
for how the live server and the browser are set up."""

import pytest
from playwright.sync_api import Page, expect

from commons.conftest import PASSWORD
from commons.discussions import services
from commons.discussions.models import Flag, Message
from commons.discussions.tests.conftest import start

pytestmark = pytest.mark.browser


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()


def test_a_member_replies_with_a_quote_and_flags_a_message(page, alice, bob, carol, members):
    thread = start(alice, members, "Shelter beds this weekend", "Who has two beds free?")
    first = thread.messages.get()
    odd = services.post_reply(author=carol, thread=thread, body="Cheap visas, message me")

    _sign_in(page, "bob@example.org")
    page.goto("/discussions/")
    page.get_by_role("link", name="Shelter beds this weekend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shelter beds this weekend")

    page.locator(f"#message-{first.pk}").get_by_role("link", name="Quote and reply").click()
    body = page.get_by_label("Message")
    expect(body).to_have_value("> **Alice wrote:**\n>\n> Who has two beds free?\n\n", timeout=5_000)
    body.press("Control+End")
    body.type("We have two beds from Friday.")
    page.get_by_role("button", name="Post the reply").click()

    expect(page.get_by_text("Your message is posted.")).to_be_visible()
    reply = Message.objects.get(author=bob)
    article = page.locator(f"#message-{reply.pk}")
    expect(article).to_contain_text("We have two beds from Friday.")
    expect(article.locator("blockquote")).to_contain_text("Alice wrote: Who has two beds free?")
    expect(article.locator(".disc-body > p")).to_have_text("We have two beds from Friday.")
    expect(article.get_by_role("link", name="In reply to Alice")).to_have_attribute(
        "href", f"#message-{first.pk}"
    )

    page.locator(f"#message-{odd.pk}").get_by_role("link", name="Flag").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Details for the moderators (optional)").fill("Selling visas")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(
        page.get_by_text("Thank you. The moderators will look at the message you flagged.")
    ).to_be_visible()
    flag = Flag.objects.get()
    assert (flag.message_id, flag.reporter, flag.reason, flag.note) == (
        odd.pk,
        bob,
        "spam",
        "Selling visas",
    )
