"""The owner's pages: a survey from an uploaded workbook, its settings, opening and
closing it, and importing responses on the web."""

import io

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent, Progress
from commons.surveys.models import Response, Survey
from commons.surveys.services import create_survey

from .forms import SURVEY_HEADER, cso_form, workbook


def _upload(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.fixture
def survey(lantern):
    return create_survey(workbook=cso_form(), owner=lantern, slug="cso")


def test_an_org_admin_creates_a_draft_survey_from_a_workbook(alice, lantern):
    client = client_for(alice)
    page = client.get(reverse("surveys:new"))
    assert f'<option value="{lantern.pk}" selected>Lantern Outreach</option>' in (
        page.content.decode()
    )
    answer = client.post(
        reverse("surveys:new"),
        {"workbook": _upload(cso_form(), "cso.xlsx"), "owner": lantern.pk, "slug": ""},
    )
    survey = Survey.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/surveys/{survey.slug}/"
    assert (survey.owner, survey.status, survey.created_by) == (lantern, "draft", alice)
    page = client.get(answer["Location"]).content.decode()
    assert "CSO survey (demo)" in page and "Preview" in page and "Open the survey" in page
    assert AuditEvent.objects.filter(action="surveys.created", actor=alice).exists()


def test_a_form_error_names_the_sheet_and_row_and_nothing_is_created(alice, lantern):
    bad = workbook(
        [SURVEY_HEADER, ["select_one missing", "q", "Q", "", "", "", ""]],
        [["list_name", "name", "label::English (en)", "label::Thai (th)"], ["yn", "y", "Y", "Y"]],
    )
    page = client_for(alice).post(
        reverse("surveys:new"), {"workbook": _upload(bad, "bad.xlsx"), "owner": lantern.pk}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Sheet survey, row 2:" in text
    assert "missing" in text and not Survey.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_the_reason(alice, lantern):
    client = client_for(alice)
    page = client.post(
        reverse("surveys:new"), {"workbook": _upload(b"a,b\n1,2\n", "x.csv"), "owner": lantern.pk}
    )
    assert "x.csv is not an XLSForm workbook" in page.content.decode()
    page = client.post(
        reverse("surveys:new"),
        {"workbook": _upload(b"%PDF-1.4 not a sheet", "x.xlsx"), "owner": lantern.pk},
    )
    assert "This is not an XLSForm workbook" in page.content.decode()
    assert not Survey.objects.exists()


def test_nobody_creates_a_survey_for_an_organisation_they_do_not_run(carol, bob, lantern):
    page = client_for(carol).post(
        reverse("surveys:new"), {"workbook": _upload(cso_form(), "cso.xlsx"), "owner": lantern.pk}
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert client_for(bob).get(reverse("surveys:new")).status_code == 403
    assert not Survey.objects.exists()


def test_the_owner_opens_and_closes_the_survey(survey, alice, bob):
    client = client_for(alice)
    url = reverse("surveys:status", args=["cso"])
    assert client.get(url).status_code == 405
    assert client_for(bob).post(url, {"status": "open"}).status_code == 403
    client.post(url, {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    assert (
        "The survey is open."
        in client.get(reverse("surveys:manage", args=["cso"])).content.decode()
    )
    client.post(url, {"status": "closed"})
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert client.post(url, {"status": "draft"}).status_code == 404
    events = AuditEvent.objects.filter(action="surveys.updated").values_list("data", flat=True)
    assert list(events) == [{"status": ["open", "closed"]}, {"status": ["draft", "open"]}]


def test_the_owner_chooses_who_answers_and_who_reads(survey, alice, carol, harbour):
    client = client_for(alice)
    url = reverse("surveys:manage", args=["cso"])
    form = {
        "title": "Member survey 2026",
        "audience": "organisations",
        "once_per": "organisation",
        "organisation_names": "harbour\nnowhere",
        "reader_emails": "carol@example.org\nnobody@example.org",
    }
    page = client.post(url, form).content.decode()
    assert "No organisation has the short name nowhere." in page
    assert "No account has the address nobody@example.org." in page
    form.update(organisation_names="elsewhere, nowhere")
    page = client.post(url, form).content.decode()
    assert "No organisation has these short names: elsewhere, nowhere." in page
    form.update(organisation_names="harbour", reader_emails="carol@example.org")
    assert client.post(url, form).status_code == 302
    survey.refresh_from_db()
    assert survey.title == "Member survey 2026" and survey.audience == "organisations"
    assert list(survey.organisations.all()) == [harbour] and list(survey.readers.all()) == [carol]
    assert client_for(carol).get(reverse("surveys:report", args=["cso"])).status_code == 200
    page = client.get(url).content.decode()
    assert "harbour" in page and "carol@example.org" in page


def test_chosen_organisations_must_be_named(survey, alice):
    page = client_for(alice).post(
        reverse("surveys:manage", args=["cso"]),
        {"title": "x", "audience": "organisations", "once_per": "person"},
    )
    assert "Name at least one organisation whose members may answer." in page.content.decode()


def test_a_new_link_replaces_the_old_one(survey, alice):
    client = client_for(alice)
    survey.audience, survey.status = "link", "open"
    survey.save()
    old = survey.link_key
    assert old in client.get(reverse("surveys:manage", args=["cso"])).content.decode()
    client.post(reverse("surveys:new_link", args=["cso"]))
    survey.refresh_from_db()
    assert survey.link_key != old
    assert (
        client_for(None).get(reverse("surveys:answer_link", args=["cso", old])).status_code == 404
    )
    new = reverse("surveys:answer_link", args=["cso", survey.link_key])
    assert client_for(None).get(new).status_code == 200


KOBO = (
    "profile/trained,profile/populations,profile/populations/children,"
    "profile/populations/women,profile/populations/migrants,profile/staff,_uuid\n"
    "yes,children,1,0,0,12,u1\n"
    "no,,,,,3,u2\n"
    "maybe,,,,,4,u3\n"
)


def test_an_export_is_imported_on_the_web_with_rejected_rows_reported(survey, alice):
    client = client_for(alice)
    url = reverse("surveys:import", args=["cso"])
    page = client.post(url, {"file": _upload(KOBO.encode(), "kobo.csv")}).content.decode()
    assert "2 responses imported." in page
    assert "1 row rejected" in page and "<td>4</td>" in page and "&#x27;maybe&#x27;" in page
    assert "Kept as metadata, not answers: _uuid" in page
    page = client.post(url, {"file": _upload(KOBO.encode(), "kobo.csv")}).content.decode()
    assert "0 responses imported." in page
    assert "2 submissions were imported before and are skipped." in page
    assert Response.objects.filter(survey=survey).count() == 2


def test_an_upload_that_is_not_a_table_is_refused(survey, alice):
    page = client_for(alice).post(
        reverse("surveys:import", args=["cso"]),
        {"file": _upload(b"%PDF-1.7 report", "export.csv")},
    )
    assert "This is a PDF document, not a table." in page.content.decode()
    page = client_for(alice).post(
        reverse("surveys:import", args=["cso"]), {"file": _upload(b"x", "export.pdf")}
    )
    assert "export.pdf is not a CSV or XLSX export" in page.content.decode()


def test_a_large_export_is_imported_in_the_background_with_progress(
    survey, alice, bob, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    from commons.surveys import services

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(services, "INLINE_UPLOAD_BYTES", 10)
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("surveys:import", args=["cso"]), {"file": _upload(KOBO.encode(), "kobo.csv")}
        )
    progress = Progress.objects.get()
    assert answer["Location"] == reverse("progress", args=[progress.pk])
    assert progress.status == "done" and progress.owner == alice
    assert progress.result_url == reverse("surveys:import_report", args=["cso", progress.pk])
    page = client.get(progress.result_url).content.decode()
    assert "2 responses imported." in page and "1 row rejected" in page
    assert client_for(bob).get(progress.result_url).status_code == 403
    assert list((tmp_path / "uploads").iterdir()) == []  # the file is gone once read


def test_the_list_shows_what_each_person_can_answer_run_and_read(survey, alice, bob, dave):
    survey.status = "open"
    survey.save()
    page = client_for(alice).get(reverse("surveys:list")).content.decode()
    assert "Surveys you run" in page and reverse("surveys:manage", args=["cso"]) in page
    assert "New survey from an XLSForm" in page
    page = client_for(dave).get(reverse("surveys:list")).content.decode()
    assert reverse("surveys:answer", args=["cso"]) in page  # members of the platform
    assert "Surveys you run" not in page and "New survey" not in page
    survey.once_per = "organisation"
    survey.save()
    page = client_for(dave).get(reverse("surveys:list")).content.decode()
    assert reverse("surveys:answer", args=["cso"]) not in page  # he has no organisation


def test_the_report_leads_its_managers_to_the_surveys_page(survey, alice, bob):
    url = reverse("surveys:report", args=["cso"])
    manage = f'href="{reverse("surveys:manage", args=["cso"])}"'
    assert manage in client_for(alice).get(url).content.decode()
    assert manage not in client_for(bob).get(url).content.decode()
