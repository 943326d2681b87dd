"""Responses from KoboToolbox and ODK exports, as those tools write them."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from commons.core.models import AuditEvent
from commons.surveys.importing import import_responses
from commons.surveys.models import Response, Survey
from commons.surveys.services import create_survey

from .forms import cso_form, workbook

KOBO_HEADER = (
    "start,end,profile/trained,profile/populations,profile/populations/children,"
    "profile/populations/women,profile/populations/migrants,profile/staff,"
    "capacity/projects,budget,founded,comments,__version__,_id,_uuid,_submission_time,_index"
)


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def survey(db):
    return create_survey(workbook=cso_form())


def test_a_kobo_export_is_read_with_group_paths_both_layouts_and_metadata(survey):
    report = import_responses(
        survey=survey,
        source=_csv(
            KOBO_HEADER,
            "2024-01-05T10:00,2024-01-05T10:20,yes,children women,1,1,0,12,,2500.5,2010-03-01,"
            "We train teachers,v1,101,u-101,2024-01-05T10:21,1",
            "2024-01-06T10:00,2024-01-06T10:10,no,,,,,3,Yes,,,,v1,102,u-102,2024-01-06T10:11,2",
            # A label (Thai) instead of a name; blank cells are no answers.
            ",,ไม่ใช่,,,,,,,,,,v1,103,u-103,,3",
        ),
    )
    assert (report.accepted, report.skipped, report.rejected) == (3, 0, [])
    assert "_uuid" in report.metadata_columns and "start" in report.metadata_columns
    first, second, third = Response.objects.filter(survey=survey).order_by("external_id")
    assert first.answers == {
        "trained": "yes",
        "populations": ["children", "women"],
        "staff": 12,
        "budget": 2500.5,
        "founded": "2010-03-01",
        "comments": "We train teachers",
    }
    assert first.metadata["_submission_time"] == "2024-01-05T10:21" and first.external_id == "u-101"
    assert second.answers == {"trained": "no", "staff": 3, "projects": "yes"}
    assert third.answers == {"trained": "no"}
    assert AuditEvent.objects.filter(action="surveys.responses_imported").count() == 1


def test_importing_the_same_submissions_again_changes_nothing(survey):
    export = _csv("trained,staff,meta/instanceID", "yes,4,uuid:aa-1", "no,5,uuid:aa-2")
    assert import_responses(survey=survey, source=export).accepted == 2
    again = import_responses(survey=survey, source=export)
    assert (again.accepted, again.skipped) == (0, 2)
    assert Response.objects.filter(survey=survey).count() == 2
    assert set(Response.objects.values_list("external_id", flat=True)) == {"aa-1", "aa-2"}


def test_an_odk_export_with_only_0_1_columns_is_read(survey):
    report = import_responses(
        survey=survey,
        source=_csv(
            "trained,populations/children,populations/women,populations/migrants,instanceID",
            "yes,0,1,1,uuid:b-1",
            "yes,0,0,0,uuid:b-2",
        ),
    )
    assert report.accepted == 2
    answers = [r.answers for r in Response.objects.order_by("external_id")]
    assert answers == [{"trained": "yes", "populations": ["women", "migrants"]}, {"trained": "yes"}]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("maybe,,,,,,", "trained: 'maybe' is not one of its choices (yes, no)"),
        ("yes,children elders,,,,,", "profile/populations: 'children elders' is not one of"),
        ("yes,,many,,,,", "profile/staff: 'many' is not a whole number"),
        ("yes,,-3,,,,", "staff: -3 does not meet the form's constraint (. >= 0 and . <= 10000)"),
        ("yes,,,,1999-13-40,,", "founded: '1999-13-40' is not a date"),
        ("yes,children,,,,1,", "populations: its column and its 0/1 columns disagree"),
        ("yes,,,,,,hello", "favourite_colour: no question of this form has this name"),
    ],
)
def test_each_bad_row_is_rejected_with_its_reason_and_good_rows_are_kept(survey, cells, reason):
    header = (
        "trained,profile/populations,profile/staff,budget,founded,populations/women,"
        "favourite_colour"
    )
    report = import_responses(survey=survey, source=_csv(header, "no,,,,,,", cells, "yes,,7,,,,"))
    assert report.accepted == 2
    assert len(report.rejected) == 1 and report.rejected[0][0] == 3
    assert reason in report.rejected[0][1]


def test_an_xlsx_export_is_read_like_a_csv_one(survey):
    book = Workbook()
    sheet = book.active
    sheet.append(["profile/trained", "profile/staff", "founded", "_uuid"])
    sheet.append(["yes", 8, "2015-06-01", "x-1"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_responses(survey=survey, source=buffer.getvalue()).accepted == 1
    assert Response.objects.get().answers == {"trained": "yes", "staff": 8, "founded": "2015-06-01"}


def test_the_commands_create_a_survey_and_import_its_responses(db, tmp_path, capsys):
    form = tmp_path / "cso.xlsx"
    form.write_bytes(cso_form())
    call_command("surveys", "import-form", str(form), "--slug", "cso-2025")
    assert "Survey cso-2025 (draft): CSO survey (demo), 7 questions." in capsys.readouterr().out
    assert Survey.objects.get().owner is None  # the platform's own survey
    export = tmp_path / "export.csv"
    export.write_bytes(_csv("trained,staff,_uuid", "yes,4,a", "perhaps,5,b"))
    call_command("surveys", "import-responses", "cso-2025", str(export))
    out = capsys.readouterr().out
    assert "row 3: trained: 'perhaps' is not one of its choices" in out
    assert "Responses accepted: 1; already imported, skipped: 0; rejected: 1." in out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(
        workbook(
            [["type", "name", "label"], ["select_one nope", "q", "Q"]],
            [["list_name", "name", "label"], ["yesno", "yes", "Yes"]],
        )
    )
    with pytest.raises(CommandError, match="Sheet survey, row 2: List name not in choices"):
        call_command("surveys", "import-form", str(broken))
    with pytest.raises(CommandError, match="already a survey called cso-2025"):
        call_command("surveys", "import-form", str(form), "--slug", "cso-2025")


def test_the_report_command_prints_valid_n_percentages_as_json_and_csv(db, tmp_path, capsys):
    survey = create_survey(workbook=cso_form(), slug="cso")
    rows = ["yes,children women,10,a", "yes,children,20,b", "no,,5,c", ",women,,d"]
    import_responses(survey=survey, source=_csv("trained,populations,staff,_uuid", *rows))
    call_command("surveys", "report", "cso", "--format", "json")
    found = json.loads(capsys.readouterr().out)
    assert (found["survey"], found["responses"]) == ("cso", 4)
    trained = next(q for q in found["questions"] if q["name"] == "trained")
    assert trained["valid_n"] == 3
    assert trained["choices"][0] == {"name": "yes", "label": "Yes", "count": 2, "percent": 66.7}
    call_command("surveys", "report", "cso", "--filter", "trained=yes", "--by", "populations")
    filtered = json.loads(capsys.readouterr().out)
    staff = next(q for q in filtered["questions"] if q["name"] == "staff")
    assert (filtered["responses"], staff["mean"]) == (2, 15)
    assert staff["by"]["children"] == {"responses": None, "too_few": True}
    call_command("surveys", "report", "cso", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    yes = next(row for row in table if row["question"] == "trained" and row["choice"] == "yes")
    assert (yes["valid_n"], yes["count"], yes["percent"]) == ("3", "2", "66.7")
    assert AuditEvent.objects.filter(action="data.export", target_id=str(survey.pk)).count() == 3
    with pytest.raises(CommandError, match="colour: no question of this form has this name"):
        call_command("surveys", "report", "cso", "--filter", "colour=red")


def test_a_choice_named_like_another_question_is_read_as_the_choice(db):
    form = workbook(
        [
            ["type", "name", "label"],
            ["begin_group", "capacity", "Capacity"],
            ["select_multiple needs", "needs", "What do you need?"],
            ["end_group", "", ""],
            ["integer", "staff", "Staff"],
        ],
        [["list_name", "name", "label"], ["needs", "staff", "Staff"], ["needs", "funds", "Funds"]],
    )
    survey = create_survey(workbook=form)
    report = import_responses(
        survey=survey,
        source=_csv(
            "capacity/needs,capacity/needs/staff,capacity/needs/funds,staff", "staff,1,0,12"
        ),
    )
    assert report.rejected == [] and report.accepted == 1
    assert Response.objects.get().answers == {"needs": ["staff"], "staff": 12}
