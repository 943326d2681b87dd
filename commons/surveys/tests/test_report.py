"""A survey's report page (charts, printable layout) and its downloads: the report's table
and the raw responses in KoboToolbox's layout."""

import csv
import io
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.surveys.exports import response_columns
from commons.surveys.importing import import_responses
from commons.surveys.models import Response
from commons.surveys.queries import CSV_COLUMNS, survey_report
from commons.surveys.services import create_survey

from .forms import cso_form

HEADER = "trained,populations,staff,budget,founded,comments,_uuid,username,deviceid"
ROWS = [
    *[
        f"yes,children women,10,2500.5,2010-03-01,We train teachers,u-{i},agent7,dev-1"
        for i in (1, 2, 3, 4)
    ],
    *[f"yes,children,20,,,,u-{i},agent7,dev-1" for i in (5, 6)],
    *[f"no,migrants,5,100,,,u-{i},agent7,dev-1" for i in (7, 8, 9)],
    "no,,,,,,u-10,agent7,dev-1",
]
KOBO_COLUMNS = [
    "_id",
    "_uuid",
    "_submission_time",
    "_status",
    "profile/trained",
    "profile/populations",
    "profile/populations/children",
    "profile/populations/women",
    "profile/populations/migrants",
    "profile/staff",
    "capacity/projects",
    "budget",
    "founded",
    "comments",
]


@pytest.fixture
def survey(lantern):
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    import_responses(survey=survey, source=("\n".join([HEADER, *ROWS]) + "\n").encode())
    return survey


def _url(name: str, fmt: str = "", **query) -> str:
    url = reverse(f"surveys:{name}", args=["cso", fmt] if fmt else ["cso"])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(content: bytes) -> list[list]:
    """The sheet's rows, as wide as its header (a row's trailing blank cells are not
    stored, as a spreadsheet writes them)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = (list(row) for row in sheet.iter_rows(values_only=True))
    return [header, *(row + [None] * (len(header) - len(row)) for row in rows)]


BAR = re.compile(
    r'<div class="chart-row( chart-group)?"><span class="chart-label">([^<]*)</span>'
    r'<svg viewBox="0 0 100 1"[^>]*><rect width="([^"]*)"[^>]*/></svg>'
    r'<span class="chart-value">([^<]*)</span>'
)


def _bars(page: str) -> list[tuple[bool, str, str, str]]:
    """The charts' bars in order: (a group's?, label, SVG width, the percentage shown)."""
    return [(bool(group), *rest) for group, *rest in BAR.findall(page)]


# --- The page ---------------------------------------------------------------------------


def test_it_draws_a_bar_per_choice_as_a_percentage_of_the_valid_n(survey, bob):
    page = client_for(bob).get(_url("report")).content.decode()
    bars = {label: (width, value) for group, label, width, value in _bars(page)}
    assert bars["Yes"] == ("60", "60.0%") and bars["No"] == ("40", "40.0%")  # of 10
    # Populations: 9 answered; children 6 of 9.
    assert bars["Children"] == ("66.7", "66.7%") and bars["Migrant workers"] == ("33.3", "33.3%")
    assert '<div class="chart" aria-hidden="true">' in page  # the table is what is read out
    assert 'class="chart-range"' in page  # staff and budget: lowest, median, highest
    assert "5–20" in page


def test_it_draws_each_group_under_its_choice_and_leaves_small_groups_out(survey, bob):
    page = client_for(bob).get(_url("report", filter="trained=yes", by="populations"))
    text = page.content.decode()
    trained = _bars(text)[:4]
    assert trained == [
        (False, "Yes", "100", "100.0%"),
        (True, "Children", "100", "100.0%"),  # all 6 serve children
        (False, "No", "0", "0.0%"),
        (True, "Children", "0", "0.0%"),
    ]
    assert "Not shown, too few responses: Women" in text  # 4 of the 6
    assert "Only responses where: Trained on modern slavery? = Yes." in text
    assert "Broken down by: Populations served." in text


def test_it_is_printable_and_needs_no_script_nor_inline_style(survey, bob):
    page = client_for(bob).get(_url("report", by="trained")).content.decode()
    assert "css/surveys.css" in page
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))  # no inline script
    assert "Figures as of:" in page and "<time datetime=" in page
    stylesheet = finders.find("css/surveys.css")
    print_rules = Path(stylesheet).read_text().split("@media print", 1)[1]
    for hidden in (".site-header", ".filters", ".downloads"):
        assert hidden in print_rules
    assert "break-inside: avoid" in print_rules


def test_it_offers_the_downloads_with_the_filter_and_breakdown_in_use(survey, bob):
    page = client_for(bob).get(_url("report", filter="trained=yes", by="populations"))
    text = page.content.decode()
    assert 'href="/surveys/cso/report.xlsx?filter=trained%3Dyes&amp;by=populations"' in text
    assert 'href="/surveys/cso/responses.csv?filter=trained%3Dyes"' in text


def test_a_reader_of_a_published_report_is_not_offered_the_responses(survey, carol):
    survey.report_public = True
    survey.save()
    page = client_for(carol).get(_url("report")).content.decode()
    assert "/surveys/cso/report.csv" in page
    assert "responses.csv" not in page and "KoboToolbox" not in page


# --- The report's table -----------------------------------------------------------------


def test_it_downloads_the_report_as_csv_under_the_filter_and_audits_it(survey, bob):
    response = client_for(bob).get(_url("report_download", "csv", filter="trained=yes"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cso-report.csv"'
    rows = _csv(response)
    assert list(rows[0]) == CSV_COLUMNS
    children = next(r for r in rows if r["question"] == "populations" and r["choice"] == "children")
    assert (children["responses"], children["valid_n"], children["percent"]) == ("6", "6", "100.0")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("created_at")
    assert event.target_id == str(survey.pk) and event.actor == bob
    assert event.data["what"] == "survey report" and event.data["format"] == "csv"
    assert event.data["filters"] == {"trained": "yes"}


def test_it_downloads_the_report_as_a_workbook_with_numbers_and_groups(survey, alice):
    response = client_for(alice).get(_url("report_download", "xlsx", by="trained"))
    assert response.status_code == 200
    header, *rows = _xlsx(response.content)
    assert header == CSV_COLUMNS
    table = [dict(zip(header, row, strict=True)) for row in rows]
    women = next(r for r in table if r["choice"] == "women" and r["group"] is None)
    assert (women["valid_n"], women["count"], women["percent"]) == (9, 4, 44.4)
    staff = next(r for r in table if r["question"] == "staff" and r["group"] == "yes")
    assert (staff["n"], staff["mean"], staff["min"], staff["max"]) == (6, 13.33, 10, 20)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, data__format="xlsx", data__what="survey report"
    ).exists()


def test_a_filter_the_form_cannot_answer_is_refused(survey, bob):
    for name, fmt in (("report_download", "csv"), ("responses_download", "xlsx")):
        response = client_for(bob).get(_url(name, fmt, filter="colour=red"))
        assert response.status_code == 400
        assert "colour: no question of this form has this name." in response.content.decode()


def test_nobody_else_downloads_an_unpublished_report(survey, carol, dave, staff):
    for fmt in ("csv", "xlsx"):
        url = _url("report_download", fmt)
        assert client_for(carol).get(url).status_code == 404
        assert client_for(dave).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 404
        assert client_for(staff).get(url).status_code == 200
    survey.report_public = True
    survey.save()
    assert client_for(None).get(_url("report_download", "csv")).status_code == 200


def test_the_downloads_answer_only_get_and_known_formats(survey, bob):
    for name in ("report_download", "responses_download"):
        assert client_for(bob).post(_url(name, "csv")).status_code == 405
        assert client_for(bob).get(_url(name, "pdf")).status_code == 404
    assert (
        client_for(bob).get(reverse("surveys:report_download", args=["nope", "csv"])).status_code
        == 404
    )


# --- The raw responses ------------------------------------------------------------------


def test_it_downloads_the_responses_in_the_kobotoolbox_layout(survey, bob):
    response = client_for(bob).get(_url("responses_download", "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cso-responses.csv"'
    rows = _csv(response)
    assert list(rows[0]) == KOBO_COLUMNS == response_columns(survey.form)
    first = rows[0]
    assert first["_uuid"] == "u-1" and first["_status"] == "submitted_via_web"
    assert first["profile/populations"] == "children women"
    assert (
        first["profile/populations/children"],
        first["profile/populations/women"],
        first["profile/populations/migrants"],
    ) == ("1", "1", "0")
    assert (first["profile/staff"], first["budget"], first["founded"]) == (
        "10",
        "2500.5",
        "2010-03-01",
    )
    last = rows[-1]
    assert last["profile/trained"] == "no" and last["profile/populations/children"] == ""
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("created_at")
    assert event.data == {
        "what": "survey responses",
        "format": "csv",
        "layout": "kobotoolbox",
        "filters": {},
        "rows": 10,
    }
    assert event.actor == bob and event.target_id == str(survey.pk)


def test_the_workbook_keeps_numbers_as_numbers_and_dates_as_iso_text(survey, alice):
    response = client_for(alice).get(_url("responses_download", "xlsx", filter="trained=yes"))
    header, *rows = _xlsx(response.content)
    assert header == KOBO_COLUMNS
    assert len(rows) == 6  # the filter: trained = yes
    first = dict(zip(header, rows[0], strict=True))
    assert first["profile/staff"] == 10 and first["budget"] == 2500.5
    assert first["profile/populations/women"] == 1 and first["founded"] == "2010-03-01"
    assert AuditEvent.objects.filter(data__what="survey responses", data__rows=6).exists()


def test_the_responses_never_name_who_answered(survey, bob, lantern):
    web = Response.objects.create(
        survey=survey,
        respondent=bob,
        organisation=lantern,
        answers={"trained": "yes", "comments": "From the web"},
        submitted_at=timezone.now(),
    )
    Response.objects.create(
        survey=survey,
        respondent=bob,
        status=Response.Status.DRAFT,
        answers={"trained": "no", "comments": "Still a draft"},
    )
    client = client_for(bob)
    for fmt in ("csv", "xlsx"):
        content = client.get(_url("responses_download", fmt)).content
        text = content.decode("utf-8-sig") if fmt == "csv" else str(_xlsx(content))
        for identity in ("Bob", "bob@example.org", "Lantern", "lantern", "agent7", "dev-1"):
            assert identity not in text
        assert "Still a draft" not in text  # only submitted responses
    rows = _csv(client.get(_url("responses_download", "csv")))
    assert len(rows) == 11
    mine = rows[-1]
    assert mine["comments"] == "From the web" and mine["_id"] == str(web.pk)
    assert uuid.UUID(mine["_uuid"])  # derived from the response, the same every time
    assert _csv(client.get(_url("responses_download", "csv")))[-1]["_uuid"] == mine["_uuid"]
    assert not {"respondent", "organisation", "email", "username", "deviceid"} & set(mine)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_into_the_same_report(survey, bob, lantern, fmt):
    Response.objects.create(
        survey=survey,
        respondent=bob,
        answers={"trained": "yes", "populations": ["migrants"], "staff": 3, "budget": 10.0},
        submitted_at=timezone.now(),
    )
    export = client_for(bob).get(_url("responses_download", fmt)).content
    copy = create_survey(workbook=cso_form(), owner=lantern, slug="cso-copy")
    imported = import_responses(survey=copy, source=export)
    assert (imported.accepted, imported.rejected) == (11, [])
    for by in (None, "populations"):
        assert survey_report(copy, by=by) == survey_report(survey, by=by)
    again = import_responses(survey=copy, source=export)  # the same submissions: skipped
    assert (again.accepted, again.skipped) == (0, 11)


def test_a_published_report_does_not_publish_the_responses(survey, carol, dave, staff):
    survey.report_public = True
    survey.save()
    for fmt in ("csv", "xlsx"):
        url = _url("responses_download", fmt)
        assert client_for(None).get(url).status_code == 404
        assert client_for(carol).get(url).status_code == 404
        assert client_for(dave).get(url).status_code == 404
        assert client_for(staff).get(url).status_code == 200
    assert not AuditEvent.objects.filter(data__what="survey responses", actor=carol).exists()


def test_a_person_the_owner_names_downloads_the_responses(survey, carol):
    survey.readers.add(carol)
    response = client_for(carol).get(_url("responses_download", "csv"))
    assert response.status_code == 200 and len(_csv(response)) == 10


def test_a_large_export_is_written_in_the_background_for_its_reader_only(
    survey, alice, bob, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from commons.core.models import Progress
    from commons.surveys import services

    settings.VAR_DIR = tmp_path
    monkeypatch.setitem(services.INLINE_EXPORT_ROWS, "csv", 3)
    url = _url("responses_download", "csv")
    page = client_for(alice).get(url).content.decode()
    assert "the CSV file is written in the background" in page and "Write the file" in page
    with django_capture_on_commit_callbacks(execute=True):
        started = client_for(alice).post(url)
    progress = Progress.objects.get()
    assert started["Location"] == reverse("progress", args=[progress.pk])
    assert progress.status == "done" and progress.result["rows"] == 10
    download = client_for(alice).get(progress.result_url)
    assert download["Content-Disposition"] == 'attachment; filename="cso-responses.csv"'
    assert download.content.decode("utf-8-sig").startswith("_id,_uuid,_submission_time")
    assert client_for(bob).get(progress.result_url).status_code == 404  # not his job
    assert client_for(None).get(progress.result_url).status_code == 302
    # The export's job is no import: its number gives no import report (it was a 500).
    import_report = reverse("surveys:import_report", args=["cso", progress.pk])
    assert client_for(alice).get(import_report).status_code == 404
    assert (
        client_for(alice).get(reverse("journeys:import_report", args=[progress.pk])).status_code
        == 404
    )
    assert AuditEvent.objects.filter(data__what="survey responses", data__background=True).exists()
