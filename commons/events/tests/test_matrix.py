"""The cross-regional matrix: themes by regions, the most widespread first, each cell one
click from the recommendations behind it, and the same figures as a chart."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.events.models import Event, Recommendation, Theme
from commons.events.outcomes import add_recommendations

from .conftest import make_event

NATIONAL = Recommendation.Audience.GOVERNMENTS_NATIONAL
LEGAL = Recommendation.Audience.LEGAL_FIELD


class _Table(HTMLParser):
    """The matrix table's body: [(theme, [(cell text, link or None, class)], ...)]."""

    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cell, self.depth = [], None, None, 0
        self.in_matrix = self.in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "matrix" in (attrs.get("class") or ""):
            self.in_matrix = True
        elif self.in_matrix and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = []
        elif self.in_body and tag in {"th", "td"}:
            self.cell = {"text": "", "href": None, "class": attrs.get("class", "")}
        elif self.cell is not None and tag == "a":
            self.cell["href"] = attrs["href"]  # the parser has unescaped it

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_matrix = False
        elif self.in_body and tag in {"th", "td"} and self.cell is not None:
            self.cell["text"] = self.cell["text"].strip()
            self.row.append(self.cell)
            self.cell = None
        elif self.in_body and tag == "tr":
            self.rows.append(self.row)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def _matrix(page: str):
    parser = _Table()
    parser.feed(page)
    return parser.rows


def _header(page: str) -> list[str]:
    head = page.split('<table class="matrix">', 1)[1].split("</thead>", 1)[0]
    return [unescape(h) for h in re.findall(r'<th scope="col">([^<]*)</th>', head)]


def _themes(*codes):
    return [Theme.objects.get(code=code) for code in codes]


@pytest.fixture
def three_regions(lantern):
    """Seven recommendations of three regional forums:

    - Africa: awareness + research; awareness
    - Asia and the Pacific: awareness + funding; research (to the legal field)
    - Latin America: awareness; funding; awareness + funding
    """
    event = make_event(
        organisers=[lantern],
        slug="forums-2021",
        kind=Event.Kind.REGIONAL_FORUM,
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )

    def add(region, text, themes, audience=NATIONAL):
        add_recommendations(
            event=event, region=region, audience=audience, texts=[text], themes=_themes(*themes)
        )

    add("africa", "AF-1 raise awareness and research", ["awareness", "research"])
    add("africa", "AF-2 community radio awareness", ["awareness"])
    add("asia-pacific", "AP-1 fund awareness campaigns", ["awareness", "funding"])
    add("asia-pacific", "AP-2 research for judges", ["research"], audience=LEGAL)
    add("latin-america", "LA-1 school awareness", ["awareness"])
    add("latin-america", "LA-2 fund shelters", ["funding"])
    add("latin-america", "LA-3 fund awareness", ["awareness", "funding"])
    return event


ALL = ["AF-1", "AF-2", "AP-1", "AP-2", "LA-1", "LA-2", "LA-3"]


def test_it_counts_themes_by_region_sorted_by_recurrence(three_regions, client):
    page = client.get(reverse("events:matrix")).content.decode()
    assert _header(page) == [
        "Theme",
        "Africa",
        "Asia and the Pacific",
        "Latin America",
        "Regions where it recurs",
        "All recommendations",
    ]
    table = [[cell["text"] for cell in row] for row in _matrix(page)]
    assert table == [
        ["Awareness", "2", "1", "2", "3", "5"],
        ["Funding", "0", "1", "2", "2", "3"],
        ["Research and data", "1", "1", "0", "2", "2"],
    ]


def test_it_shades_cells_in_proportion_to_the_largest(three_regions, client):
    rows = _matrix(client.get(reverse("events:matrix")).content.decode())
    awareness, funding, _research = rows
    assert [cell["class"] for cell in awareness[1:4]] == ["heat-4", "heat-2", "heat-4"]
    assert funding[1]["class"] == "heat-0" and funding[1]["href"] is None
    assert 'style="' not in client.get(reverse("events:matrix")).content.decode()


def test_it_links_each_cell_to_exactly_its_recommendations(three_regions, client):
    rows = _matrix(client.get(reverse("events:matrix")).content.decode())
    expected = {
        ("Awareness", 1): ["AF-1", "AF-2"],
        ("Awareness", 2): ["AP-1"],
        ("Awareness", 3): ["LA-1", "LA-3"],
        ("Funding", 2): ["AP-1"],
        ("Funding", 3): ["LA-2", "LA-3"],
        ("Research and data", 1): ["AF-1"],
        ("Research and data", 2): ["AP-2"],
    }
    linked = {}
    for row in rows:
        for column, cell in enumerate(row[1:4], start=1):
            if cell["href"]:
                listed = client.get(cell["href"]).content.decode()
                linked[(row[0]["text"], column)] = [code for code in ALL if code in listed]
                assert int(cell["text"]) == len(linked[(row[0]["text"], column)])
    assert linked == expected


def test_it_applies_the_audience_filter_and_ignores_a_region(three_regions, client):
    url = reverse("events:matrix")
    rows = _matrix(client.get(url, {"audience": LEGAL, "region": "africa"}).content.decode())
    assert [[cell["text"] for cell in row] for row in rows] == [
        ["Research and data", "1", "1", "1"]
    ]
    assert rows[0][1]["href"] == (
        f"/recommendations/?audience={LEGAL}&theme=research&region=asia-pacific"
    )
    assert "AP-2" in client.get(rows[0][1]["href"]).content.decode()
    filtered = client.get(url, {"event": "nothing-here"}).content.decode()
    assert "No recommendation with a theme matches these filters yet." in filtered


def test_it_draws_an_accessible_chart_of_stacked_bars(three_regions, client):
    page = client.get(reverse("events:matrix")).content.decode()
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and '<title id="chart-title">' in svg
    assert "The table above gives the same figures." in svg
    assert len(re.findall(r"<rect ", svg)) == 7  # one segment per non-empty cell
    assert svg.count('class="region-latin-america"') == 2
    assert "<title>Awareness · Africa: 2</title>" in svg
    legend = page.split('<ul class="legend"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"</span>([^<]+)</li>", legend) == [
        "Africa",
        "Asia and the Pacific",
        "Latin America",
    ]
    assert "<script" not in page.split("</header>", 1)[1]


def test_it_writes_the_chart_numbers_without_a_decimal_comma(three_regions, client):
    page = client.get(reverse("events:matrix"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    widths = re.findall(r'<rect [^>]*width="([^"]+)"', page)
    assert widths and all("," not in width for width in widths)


def test_it_leaves_out_the_recommendations_of_draft_events(three_regions, lantern, client):
    draft = make_event(organisers=[lantern], slug="draft-forum", status=Event.Status.DRAFT)
    add_recommendations(
        event=draft,
        region="mena",
        audience=NATIONAL,
        texts=["Secret draft"],
        themes=_themes("awareness"),
    )
    page = client.get(reverse("events:matrix")).content.decode()
    assert "Middle East and North Africa" not in page
    assert "Secret draft" not in client.get(reverse("events:recommendations")).content.decode()


def test_it_answers_only_get(client):
    assert client.post(reverse("events:matrix")).status_code == 405


def test_it_escapes_a_hostile_theme_name(three_regions, client, alice):
    hostile = Theme.objects.create(code="hostile", name="<script>alert(1)</script>")
    recommendation = Recommendation.objects.get(text__startswith="AF-2")
    recommendation.themes.add(hostile)
    page = client_for(alice).get(reverse("events:matrix")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
