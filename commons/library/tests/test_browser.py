"""Finding a Khmer resource from the Khmer interface, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KHMER_TITLE = "ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក"
# "migrant worker", a run of letters inside the title (Khmer writes no spaces between words)
KHMER_WORD = "ពលករ"


def test_a_khmer_reader_finds_the_khmer_resource_and_opens_it(page, toolkit):
    page.goto("/library/")
    expect(
        page.locator(".lib-list").get_by_role("link", name="Migrant worker toolkit")
    ).to_be_visible()
    # in English, the library searches the English versions: the Khmer word is in none
    page.locator("#q").fill(KHMER_WORD)
    page.locator("#q").press("Enter")
    expect(page.get_by_text("No resource matches.")).to_be_visible()
    expect(page.get_by_role("link", name=KHMER_TITLE)).to_have_count(0)

    # the language switcher in the header
    page.locator("#language-select").select_option("km")
    page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "km")

    page.goto("/library/")
    page.locator("#q").fill(KHMER_WORD)
    page.locator("#q").press("Enter")
    result = page.locator(".lib-list").get_by_role("link", name=KHMER_TITLE)
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KHMER_TITLE)
    expect(page.get_by_text("បញ្ជីត្រួតពិនិត្យសម្រាប់បុគ្គលិកចុះមូលដ្ឋាន")).to_be_visible()
    # and the English version is one click away
    expect(page.get_by_role("link", name="English", exact=True)).to_be_visible()
