import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commons.accounts.services import create_organisation
from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.directory.services import save_profile


@pytest.fixture
def organisations(staff):
    shelter = create_organisation(name="Lantern Shelter", country="TH", verified_by=staff)
    save_profile(
        organisation=shelter,
        terms={"services": ["shelter", "legal_aid"]},
        presences=[{"country": "TH"}],
    )
    formula = create_organisation(name='=HYPERLINK("x")', country="TH", verified_by=staff)
    save_profile(organisation=formula, terms={"services": ["awareness"]})
    create_organisation(name="Hidden Shelter", country="TH")


def test_csv_export_has_the_search_s_organisations_and_is_audited(organisations, db):
    response = client_for(None).get(
        reverse("directory:export", args=["csv"]), {"services": "shelter"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [
        (r["name"], r["services"], r["countries_of_operation"], r["verified"]) for r in rows
    ] == [("Lantern Shelter", "legal_aid; shelter", "TH", "True")]
    event = AuditEvent.objects.get(action="data.export")
    assert event.data["format"] == "csv" and event.data["rows"] == 1


def test_exports_never_contain_what_the_tier_may_not_see(organisations, dave):
    anonymous = client_for(None).get(reverse("directory:export", args=["json"])).json()
    member = client_for(dave).get(reverse("directory:export", args=["json"])).json()
    assert "Hidden Shelter" not in [o["name"] for o in anonymous["organisations"]]
    assert "Hidden Shelter" in [o["name"] for o in member["organisations"]]


def test_xlsx_export_keeps_formulas_as_text(organisations, db):
    response = client_for(None).get(reverse("directory:export", args=["xlsx"]), {"sort": "name"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[0]
    names = [row[header.index("name")] for row in values[1:]]
    assert names == ['=HYPERLINK("x")', "Lantern Shelter"]
    cell = sheet.cell(row=2, column=header.index("name") + 1)
    assert cell.data_type == "s"


def test_csv_defuses_formulas(organisations, db):
    body = (
        client_for(None)
        .get(reverse("directory:export", args=["csv"]), {"q": "hyperlink"})
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in body


def test_json_export_is_structured(organisations, db):
    body = json.loads(
        client_for(None).get(reverse("directory:export", args=["json"]), {"q": "lantern"}).content
    )
    assert body["count"] == 1
    assert body["organisations"][0]["services"] == ["legal_aid", "shelter"]


def test_an_unknown_format_is_not_found(db):
    assert client_for(None).get(reverse("directory:export", args=["pdf"])).status_code == 404
