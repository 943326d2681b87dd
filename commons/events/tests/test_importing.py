"""Outcomes from a CSV or XLSX table: good rows kept, each bad row reported with its row
number and reason, the file's type checked, and the downloadable template."""

import io

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.events.importing import COLUMNS, import_outcomes
from commons.events.models import Priority, Recommendation, Theme
from commons.lib.tabular import TabularError, read_table, write_csv, write_xlsx

ROWS = [
    # row 2: good, by English names
    {
        "region": "Asia and the Pacific",
        "audience": "The legal field",
        "text": "Train judges on forced labour indicators.",
        "themes": "Capacity building; prosecution",
        "countries": "TH; kh",
    },
    # row 3: unknown region
    {"region": "Atlantis", "audience": "legal-field", "text": "Build sea walls."},
    # row 4: unknown theme
    {"region": "asia-pacific", "audience": "businesses", "text": "Audit.", "themes": "Blockchain"},
    # row 5: empty text
    {"region": "asia-pacific", "audience": "businesses", "text": ""},
    # row 6: bad country code
    {"region": "africa", "audience": "businesses", "text": "Map mines.", "countries": "XX"},
    # row 7: good, a named government
    {
        "region": "africa",
        "audience_country": "GH",
        "text": "Fund reception centres.",
        "themes": "funding",
    },
    # row 8: a named government without its country
    {"region": "africa", "audience": "government-of-country", "text": "Do more."},
    # row 9: good priority, region from the event
    {"kind": "priority", "title": "Debt bondage in fishing", "description": "On boats."},
    # row 10: unknown kind, and two problems at once
    {"kind": "pledge", "region": "Mars", "text": "Hello"},
]


def _csv(rows=ROWS) -> bytes:
    return write_csv(rows, COLUMNS)


def _upload(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_it_keeps_good_rows_and_reports_each_bad_one(forum, alice):
    report = import_outcomes(event=forum, data=_csv(), actor=alice)
    assert report.accepted == 3
    assert report.rejected == [
        (3, "Unknown region “Atlantis”."),
        (
            4,
            "Unknown themes: “Blockchain” (tick “add unknown themes” to add them).",
        ),
        (5, "The text is empty."),
        (6, "“XX” is not an ISO country code."),
        (8, "The audience is the government of a country, but no country is named."),
        (
            10,
            "The kind “pledge” is neither recommendation nor priority; unknown region “Mars”.",
        ),
    ]
    judges = Recommendation.objects.get(text__startswith="Train judges")
    assert (judges.region, judges.audience, judges.countries) == (
        "asia-pacific",
        "legal-field",
        ["KH", "TH"],
    )
    assert sorted(judges.themes.values_list("code", flat=True)) == [
        "capacity-building",
        "prosecution",
    ]
    assert judges.created_by == alice
    ghana = Recommendation.objects.get(text="Fund reception centres.")
    assert (ghana.audience, ghana.audience_country) == ("government-of-country", "GH")
    priority = Priority.objects.get()
    assert (priority.region, priority.title, priority.description) == (
        "asia-pacific",
        "Debt bondage in fishing",
        "On boats.",
    )


def test_it_adds_unknown_themes_when_asked(forum, alice):
    report = import_outcomes(event=forum, data=_csv(ROWS[2:3]), actor=alice, add_themes=True)
    assert (report.accepted, report.rejected, report.added_themes) == (1, [], ["Blockchain"])
    theme = Theme.objects.get(code="blockchain")
    assert theme.created_by == alice
    assert list(Recommendation.objects.get().themes.all()) == [theme]


def test_it_skips_rows_already_imported(forum, alice):
    import_outcomes(event=forum, data=_csv(), actor=alice)
    again = import_outcomes(event=forum, data=_csv(), actor=alice)
    assert (again.accepted, again.skipped, len(again.rejected)) == (0, 3, 6)
    assert Recommendation.objects.count() == 2 and Priority.objects.count() == 1


def test_it_reads_xlsx_as_well(forum, alice):
    report = import_outcomes(event=forum, data=write_xlsx(ROWS, COLUMNS), actor=alice)
    assert report.accepted == 3 and [n for n, _reason in report.rejected] == [3, 4, 5, 6, 8, 10]


def test_it_refuses_a_misspelt_column(forum, alice):
    data = b"region,audience,text,theme\nafrica,businesses,Hello,funding\n"
    with pytest.raises(TabularError, match="Unknown columns: theme"):
        import_outcomes(event=forum, data=data, actor=alice)
    assert not Recommendation.objects.exists()


def test_the_import_page_reports_rows_and_refuses_other_files(forum, alice):
    client = client_for(alice)
    url = reverse("events:outcomes_import", args=[forum.slug])
    page = client.post(url, {"file": _upload(_csv(), "outcomes.csv")}).content.decode()
    assert "3 rows imported." in page and "6 rows rejected" in page
    assert "<td>3</td><td>Unknown region “Atlantis”.</td>" in page
    assert "<td>5</td><td>The text is empty.</td>" in page
    assert Recommendation.objects.filter(event=forum).count() == 2
    page = client.post(url, {"file": _upload(b"%PDF-1.4", "notes.pdf")}).content.decode()
    assert "notes.pdf is not a CSV or XLSX file" in page
    page = client.post(url, {"file": _upload(b"%PDF-1.4 x", "renamed.csv")}).content.decode()
    assert "This is a PDF document, not a table." in page
    assert Recommendation.objects.filter(event=forum).count() == 2


def test_the_import_page_adds_themes_when_ticked(forum, alice):
    url = reverse("events:outcomes_import", args=[forum.slug])
    page = client_for(alice).post(
        url, {"file": _upload(_csv(ROWS[2:3]), "t.csv"), "add_themes": "on"}
    )
    assert "Themes added to the vocabulary: Blockchain" in page.content.decode()


def test_the_import_page_is_for_organisers(forum, bob, carol, client):
    url = reverse("events:outcomes_import", args=[forum.slug])
    assert client_for(bob).post(url, {"file": _upload(_csv(), "o.csv")}).status_code == 403
    assert client_for(carol).get(url).status_code == 403
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert client_for(bob).put(url).status_code == 405
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_columns_and_imports_as_it_is(fmt, forum, alice, client):
    answer = client.get(reverse("events:outcomes_template", args=[fmt]))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="outcomes-template.{fmt}"'
    header, rows = read_table(answer.content)
    assert header == COLUMNS and len(list(rows)) == 2
    report = import_outcomes(event=forum, data=answer.content, actor=alice)
    assert (report.accepted, report.rejected) == (2, [])
    assert client.post(reverse("events:outcomes_template", args=[fmt])).status_code == 405


def test_the_template_comes_in_two_formats_only(client):
    assert client.get(reverse("events:outcomes_template", args=["pdf"])).status_code == 404
