"""A survey's whole life in a real browser: its owner uploads the form and opens it, a
member answers it with the skip logic applied as they go, and sees the answer in the
findings."""

import re

import pytest
from playwright.sync_api import Page, expect

from commons.conftest import PASSWORD

from .forms import cso_form

pytestmark = pytest.mark.browser


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def test_a_member_answers_a_new_survey_and_sees_the_answer_in_the_findings(open_page, alice, bob):
    owner = open_page()
    _sign_in(owner, "alice@example.org")
    owner.goto("/surveys/")
    owner.get_by_role("link", name="New survey from an XLSForm").click()
    owner.locator("input[name=workbook]").set_input_files(
        files=[{"name": "cso.xlsx", "mimeType": "application/octet-stream", "buffer": cso_form()}]
    )
    owner.get_by_role("button", name="Check and create the survey").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("CSO survey (demo)")
    owner.get_by_role("button", name="Open the survey").click()
    expect(owner.get_by_text("The survey is open.", exact=True)).to_be_visible()

    member = open_page()
    _sign_in(member, "bob@example.org")
    member.goto("/surveys/")
    member.get_by_role("link", name="CSO survey (demo)").first.click()
    populations = member.locator('[data-question="populations"]')
    capacity = member.locator('fieldset[data-group="capacity"]')
    expect(populations).to_be_hidden()  # asked only of trained organisations
    member.get_by_label("No", exact=True).first.check()
    expect(capacity).to_be_visible()
    projects = member.locator('[data-question="projects"]')
    expect(projects).to_be_visible()  # selected(populations, 'children') or not(staff > 5)
    member.get_by_label("Staff").fill("30")
    expect(projects).to_be_hidden()
    expect(capacity).to_be_hidden()  # a section with nothing left to ask
    member.get_by_label("Yes", exact=True).first.check()
    expect(populations).to_be_visible()
    expect(capacity).to_be_hidden()
    member.get_by_label("Children").check()
    member.get_by_label("Staff").fill("12")

    member.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Thank you")
    member.get_by_role("link", name="See the findings").click()
    expect(member.get_by_text("1 response.", exact=False)).to_be_visible()
    trained = member.locator("section", has=member.locator("#q-trained"))
    expect(trained.locator("tbody tr").first).to_contain_text("100.0%")
    children = member.locator("section", has=member.locator("#q-populations"))
    expect(children.get_by_role("row", name=re.compile("Children"))).to_contain_text("100.0%")


def test_a_draft_on_a_phone_keeps_what_was_typed(open_page, alice, bob, lantern):
    from commons.surveys.services import create_survey

    survey = create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    survey.status = "open"
    survey.save()
    phone = open_page()
    phone.set_viewport_size({"width": 375, "height": 740})
    _sign_in(phone, "bob@example.org")
    phone.goto("/surveys/cso/answer/?lang=th")
    phone.get_by_label("พนักงาน").fill("7")
    phone.get_by_role("button", name="Save as a draft").click()
    expect(phone.get_by_text("Your draft is saved.", exact=False)).to_be_visible()
    expect(phone.get_by_label("พนักงาน")).to_have_value("7")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the questionnaire is {width}px wide on a 375px screen"
