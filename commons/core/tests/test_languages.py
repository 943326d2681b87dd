"""The languages page lists every language the interface speaks, by its own name and the
reader's, with how much is translated, and switches to one; the switcher in every page's
header names each language in its own words."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from commons.conftest import client_for

PAGE = reverse("languages")
ENDONYMS = {
    "en": "English",
    "th": "ไทย",
    "km": "ខ្មែរ",
    "vi": "Tiếng Việt",
    "my": "မြန်မာ",
    "id": "Indonesia",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
}


class _Elements(HTMLParser):
    """Each <tag> of ``tags`` as (attributes, text inside), and each table row's cells."""

    def __init__(self, *tags):
        super().__init__()
        self.tags, self.found, self.open = tags, {tag: [] for tag in tags}, []
        self.rows, self.cells = [], None

    def handle_starttag(self, tag, attrs):
        if tag in self.tags:
            self.found[tag].append([dict(attrs), ""])
            self.open.append(tag)
        if tag == "tr":
            self.cells = []
        if tag in ("th", "td") and self.cells is not None:
            self.cells.append("")

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        if tag == "tr" and self.cells is not None:
            self.rows.append([" ".join(cell.split()) for cell in self.cells])
            self.cells = None

    def handle_data(self, data):
        for tag in self.open:
            self.found[tag][-1][1] += data
        if self.cells:
            self.cells[-1] += data


def _parse(html, *tags):
    parser = _Elements(*tags)
    parser.feed(html)
    return parser


def _reading(code):
    client = client_for(None)
    client.cookies["django_language"] = code
    return client


def test_it_lists_every_language_by_its_own_name_and_the_readers(db):
    page = _parse(_reading("en").get(PAGE).content.decode(), "button", "strong")
    rows = {cells[1]: cells for cells in page.rows[1:]}  # by the name in English
    assert set(rows) == {
        "English",
        "Thai",
        "Khmer",
        "Vietnamese",
        "Burmese",
        "Indonesian",
        "Spanish",
        "French",
        "Arabic",
    }
    assert rows["Khmer"][0] == "ខ្មែរ" and rows["Arabic"][0] == "العربية"
    assert all(cells[2] == "100%" for cells in rows.values())  # every catalogue is complete
    # each other language is a button in its own name, language and direction
    buttons = {
        attrs["lang"]: (attrs["dir"], text)
        for attrs, text in page.found["button"]
        if "lang" in attrs
    }
    assert {code: text for code, (_dir, text) in buttons.items() if code != "en"} == {
        code: name for code, name in ENDONYMS.items() if code != "en"
    }
    assert buttons["ar"][0] == "rtl" and buttons["km"][0] == "ltr"
    [(current, name)] = page.found["strong"]
    assert (current["lang"], name) == ("en", "English")


def test_a_khmer_reader_reads_the_names_in_khmer(db):
    body = _reading("km").get(PAGE).content.decode()
    assert '<html lang="km"' in body
    rows = {cells[0].split()[0]: cells for cells in _parse(body).rows[1:]}
    assert rows["ไทย"][1] == "ថៃ" and rows["English"][1] == "អង់គ្លេស"
    assert rows["ខ្មែរ"][1] == "ខ្មែរ"


def test_percentages_are_written_the_readers_way(db):
    assert "100\xa0%" in _reading("fr").get(PAGE).content.decode()  # a space before the sign


def test_a_button_switches_the_site_to_its_language(db):
    client = Client(enforce_csrf_checks=True)
    body = client.get(PAGE).content.decode()
    forms = re.findall(
        r'<form method="post" action="([^"]+)" class="inline">(.*?)</form>', body, re.S
    )
    [(action, khmer)] = [(action, html) for action, html in forms if 'value="km"' in html]
    assert action == reverse("accounts:switch_language")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', khmer))
    assert fields["language"] == "km" and fields["next"] == PAGE and fields["csrfmiddlewaretoken"]
    answer = client.post(action, fields)
    assert answer.status_code == 302 and answer["Location"] == PAGE
    assert '<html lang="km"' in client.get(PAGE).content.decode()


def test_it_is_linked_from_every_pages_footer(db):
    body = client_for(None).get(reverse("home")).content.decode()
    footer = body.split('<footer class="site-footer">')[1]
    assert f'<a href="{PAGE}">Languages</a>' in footer


def test_it_refuses_the_wrong_method(db):
    assert client_for(None).post(PAGE).status_code == 405


@pytest.mark.parametrize("reader", ["en", "km", "ar"])
def test_the_switcher_names_each_language_in_its_own_words(db, reader):
    page = _parse(_reading(reader).get(reverse("home")).content.decode(), "option")
    options = {attrs["value"]: (attrs, text) for attrs, text in page.found["option"]}
    assert list(options) == [code for code, _name in settings.LANGUAGES]
    assert {code: text for code, (_attrs, text) in options.items()} == ENDONYMS
    for code, (attrs, _text) in options.items():
        assert attrs["lang"] == code
        assert attrs["dir"] == ("rtl" if code == "ar" else "ltr")
        assert ("selected" in attrs) == (code == reader)
    # the name in the reader's language, where it differs, as the option's title
    assert options["km"][0].get("title") == {"en": "Khmer", "km": None, "ar": "الخميرية"}[reader]
