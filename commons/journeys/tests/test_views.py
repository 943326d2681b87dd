from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from commons.conftest import client_for
from commons.core.models import AuditEvent, Progress
from commons.journeys import views
from commons.journeys.formats import NATIVE_COLUMNS
from commons.journeys.models import Batch, Record
from commons.journeys.tests.test_import import ATTESTATION, BAD, GOOD, HEADER, _csv
from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
    Sex,
)
from commons.lib.tabular import read_table

RECORD = {
    "year": "2023",
    "sex": "female",
    "age_band": "18-20",
    "citizenship": "MM",
    "recruitment_country": "MM",
    "recruitment_place": "",
    "exploitation_country": "TH",
    "exploitation_place": "Mae Sot",
    "forms": ["forced_labour"],
    "sector": "garments",
    "recruiter_relation": "friend",
    "count": "1",
    "attestation": ATTESTATION,
}


def _upload(content: bytes, name="cases.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_member_uploads_a_file_and_sees_every_rejected_row(verified, bob):
    response = client_for(bob).post(
        reverse("journeys:contribute"),
        {
            "organisation": verified.pk,
            "file": _upload(_csv(*GOOD, *BAD).getvalue()),
            "attestation": ATTESTATION,
            "no_identifiers": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 records accepted. People they stand for: 14." in page
    assert "7 rows rejected" in page and "exploitation_country: empty" in page
    assert Record.objects.count() == 3


def test_uploading_needs_the_promise_that_the_file_holds_no_identifiers(verified, bob):
    response = client_for(bob).post(
        reverse("journeys:contribute"),
        {"organisation": verified.pk, "file": _upload(_csv(*GOOD).getvalue()), "attestation": "x"},
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Batch.objects.exists()


def test_a_wrong_file_type_is_explained(verified, bob):
    response = client_for(bob).post(
        reverse("journeys:contribute"),
        {
            "organisation": verified.pk,
            "file": SimpleUploadedFile("cases.xlsx", b"%PDF-1.4 not a table"),
            "attestation": ATTESTATION,
            "no_identifiers": "on",
        },
    )
    assert "This is a PDF document, not a table." in response.content.decode()
    assert not Batch.objects.exists()


def test_people_without_a_verified_organisation_are_told_and_refused(lantern, alice, dave):
    page = client_for(alice).get(reverse("journeys:contribute")).content.decode()
    assert "members of verified organisations" in page
    response = client_for(dave).post(
        reverse("journeys:record_new"), {**RECORD, "organisation": lantern.pk}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").exists()
    assert not Record.objects.exists()


def test_one_record_entered_on_the_web_goes_through_the_file_s_checks(verified, bob):
    client = client_for(bob)
    response = client.post(
        reverse("journeys:record_new"),
        {**RECORD, "organisation": verified.pk, "exploitation_place": "the red house, soi 4"},
    )
    assert "neither a province or state" in response.content.decode()
    response = client.post(
        reverse("journeys:record_new"),
        {**RECORD, "organisation": verified.pk, "case_reference": "K-1", "transit_1_country": "LA"},
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert (record.exploitation_place, record.transit[0]["country"]) == ("Mae Sot", "LA")
    assert Batch.objects.get().source == "form"
    response = client.post(
        reverse("journeys:record_new"),
        {**RECORD, "organisation": verified.pk, "case_reference": "K-1"},
    )
    assert "already contributed this case reference" in response.content.decode()
    assert Record.objects.count() == 1


def test_an_organisation_sees_its_own_routes_with_exact_counts_and_nobody_else_s(
    verified, bob, carol, harbour, staff
):
    from django.utils import timezone

    from commons.journeys.services import import_records

    import_records(organisation=verified, by=bob, source=_csv(*GOOD), attestation=ATTESTATION)
    harbour.verified_at, harbour.verified_by = timezone.now(), staff
    harbour.save()
    import_records(
        organisation=harbour,
        by=carol,
        source=_csv(",2020,male,adult,VN,VN,,,,GB,,,,,,3"),
        attestation=ATTESTATION,
    )
    mine = client_for(bob).get(reverse("journeys:batches")).content.decode()
    assert "Laos" in mine and "Malaysia" in mine and "United Kingdom" not in mine
    assert ">12<" in mine  # the aggregated row's exact count
    assert "Laos → Malaysia: 12 people" in mine  # on the organisation's own map
    theirs = client_for(carol).get(reverse("journeys:batches")).content.decode()
    assert "United Kingdom" in theirs and "Malaysia" not in theirs


def test_a_batch_is_withdrawn_by_its_organisation_only(verified, bob, carol):
    from commons.journeys.services import import_records

    batch = import_records(
        organisation=verified, by=bob, source=_csv(*GOOD), attestation=ATTESTATION
    ).batch
    url = reverse("journeys:withdraw", args=[batch.pk])
    assert client_for(carol).get(url).status_code == 404
    assert client_for(carol).post(url, {"confirm": "1"}).status_code == 404
    assert Record.objects.count() == 3
    client = client_for(bob)
    assert "will be deleted" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert not Record.objects.exists()
    assert "Withdrawn on" in client.get(reverse("journeys:batches")).content.decode()


def test_the_header_constant_matches_the_documented_layout():
    # The tests' file header uses only documented columns.
    from commons.journeys.formats import NATIVE_COLUMNS

    assert set(HEADER.split(",")) <= set(NATIVE_COLUMNS)


def test_an_organisation_exports_its_own_records_in_either_layout_and_reimports_them(
    verified, bob, carol
):
    import io

    from commons.journeys.services import import_records

    import_records(organisation=verified, by=bob, source=_csv(*GOOD), attestation=ATTESTATION)
    url = reverse("journeys:export_mine", args=["csv"])
    assert client_for(carol).get(url, {"organisation": verified.slug}).status_code == 404
    native = client_for(bob).get(url, {"organisation": verified.slug}).content
    ctdc_rows = client_for(bob).get(url, {"organisation": verified.slug, "layout": "ctdc"})
    assert b"CountryOfExploitation" in ctdc_rows.content
    assert ctdc_rows.content.count(b"\n") == 1 + 1 + 1 + 12  # one row per person
    assert AuditEvent.objects.filter(action="data.export").count() == 2
    before = list(
        Record.objects.order_by("pk").values_list(
            "year", "recruitment_country", "recruitment_subdivision", "exploitation_place",
            "transit", "forms", "count",
        )
    )  # fmt: skip
    from commons.journeys.services import withdraw_batch

    withdraw_batch(batch=Batch.objects.get(), by=bob)
    import_records(
        organisation=verified, by=bob, source=io.BytesIO(native), attestation=ATTESTATION
    )
    after = list(
        Record.objects.order_by("pk").values_list(
            "year", "recruitment_country", "recruitment_subdivision", "exploitation_place",
            "transit", "forms", "count",
        )
    )  # fmt: skip
    assert after == before


def test_a_member_corrects_one_record_of_a_batch_and_nobody_else_can(verified, bob, carol):
    from commons.journeys.services import import_records

    batch = import_records(
        organisation=verified, by=bob, source=_csv(*GOOD), attestation=ATTESTATION
    ).batch
    record = Record.objects.get(year=2022)
    edit = reverse("journeys:record_edit", args=[record.pk])
    assert client_for(carol).get(reverse("journeys:batch", args=[batch.pk])).status_code == 404
    assert client_for(carol).post(edit, {**RECORD}).status_code == 404
    client = client_for(bob)
    page = client.get(reverse("journeys:batch", args=[batch.pk])).content.decode()
    assert edit in page
    form = client.get(edit).content.decode()
    assert 'value="2022"' in form and 'value="construction" selected' in form
    response = client.post(
        edit, {**RECORD, "year": "2021", "exploitation_place": "the house by the pier"}
    )
    assert "neither a province or state" in response.content.decode()
    response = client.post(edit, {**RECORD, "year": "2021", "count": "4"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.year, record.exploitation_place, record.count) == (2021, "Mae Sot", 4)
    assert record.case_hash  # the case stays the same case
    batch.refresh_from_db()
    assert batch.people == 1 + 4 + 12
    assert AuditEvent.objects.filter(action="journeys.corrected").count() == 1


def test_the_country_of_exploitation_must_be_chosen_not_defaulted(verified, bob):
    client = client_for(bob)
    form = client.get(reverse("journeys:record_new")).content.decode()
    field = form.split('name="exploitation_country"')[1].split("</select>")[0]
    assert '<option value="" selected>' in field
    response = client.post(
        reverse("journeys:record_new"),
        {**RECORD, "organisation": verified.pk, "exploitation_country": ""},
    )
    assert "This field is required" in response.content.decode()
    assert not Record.objects.exists()


def test_a_large_upload_is_imported_in_the_background_and_reported_to_its_sender(
    verified, alice, bob, staff, monkeypatch, django_capture_on_commit_callbacks, settings
):
    monkeypatch.setattr(views, "INLINE_UPLOAD_BYTES", 10)  # this file counts as large
    client = client_for(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("journeys:contribute"),
            {
                "organisation": verified.pk,
                "file": _upload(_csv(*GOOD, *BAD).getvalue()),
                "attestation": ATTESTATION,
                "no_identifiers": "on",
            },
        )
    progress = Progress.objects.get()
    assert response.url == reverse("progress", args=[progress.pk])
    # Tasks run immediately under test: the job is done and links to its report.
    report_url = reverse("journeys:import_report", args=[progress.pk])
    assert report_url in client.get(response.url).content.decode()
    page = client.get(report_url).content.decode()
    assert "3 records accepted. People they stand for: 14." in page
    assert "7 rows rejected" in page and "exploitation_country: empty" in page
    assert Record.objects.count() == 3
    assert not list((settings.VAR_DIR / "uploads").iterdir())  # the file is gone
    # The rejected rows quote the file: nobody else reads the report, not even staff.
    for other in (alice, staff):
        assert client_for(other).get(report_url).status_code == 404


def test_a_large_upload_that_cannot_be_imported_is_refused_at_once(verified, bob, monkeypatch):
    monkeypatch.setattr(views, "INLINE_UPLOAD_BYTES", 10)
    response = client_for(bob).post(
        reverse("journeys:contribute"),
        {
            "organisation": verified.pk,
            "file": _upload(b"name,phone\nSomchai,0812345678\n"),
            "attestation": ATTESTATION,
            "no_identifiers": "on",
        },
    )
    assert response.status_code == 200
    assert "neither an exploitation_country column" in response.content.decode()
    assert not Progress.objects.exists() and not Batch.objects.exists()


def test_the_file_layout_page_lists_every_column_and_code_the_import_takes(db):
    page = client_for(None).get(reverse("journeys:file_layout")).content.decode()
    for column in NATIVE_COLUMNS:
        if not column.startswith("transit_") or column.startswith("transit_1_"):
            assert f"<code>{column}</code>" in page
    assert "<code>transit_5_place</code>" in page
    for vocabulary in (Sex, AgeBand, Exploitation, Sector, MeansOfControl, RecruiterRelation):
        for code, label in vocabulary.choices:
            assert f"<li><code>{code}</code> {escape(label)}</li>" in page


def test_the_empty_file_to_fill_in_imports_once_filled(verified, bob, tmp_path):
    client = client_for(None)
    csv_template = client.get(reverse("journeys:file_template", args=["csv"]))
    header = csv_template.content.decode("utf-8-sig").strip()
    assert header == ",".join(NATIVE_COLUMNS)
    workbook = client.get(reverse("journeys:file_template", args=["xlsx"]))
    assert workbook.content.startswith(b"PK")
    assert read_table(workbook.content)[0] == list(NATIVE_COLUMNS)
    filled = (
        header
        + "\n"
        + ",".join(
            {"year": "2023", "exploitation_country": "TH", "recruitment_country": "MM"}.get(c, "")
            for c in NATIVE_COLUMNS
        )
    )
    response = client_for(bob).post(
        reverse("journeys:contribute"),
        {
            "organisation": verified.pk,
            "file": _upload(filled.encode()),
            "attestation": ATTESTATION,
            "no_identifiers": "on",
        },
    )
    assert "1 record accepted. People it stands for: 1." in response.content.decode()
    assert reverse("journeys:file_layout") in response.content.decode()
