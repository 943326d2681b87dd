"""Property-based fuzzing of the import of KoboToolbox and ODK exports (``importing.py``),
through the service and the owner's upload page: whatever the rows hold, nothing raises
and the page never fails, every hostile row is reported with its number and a reason,
every good row becomes a response with exactly the answers it gave, and a submission
imported before is skipped (see core/tests/fuzz.py)."""

import datetime
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from commons.conftest import client_for
from commons.core.tests.fuzz import (
    LAYOUTS,
    Row,
    Table,
    assert_reported,
    fuzz,
    hostile_rows,
    odd_text,
    reported_in_background,
    reported_on_page,
    text_of,
    write,
    write_csv,
)
from commons.lib.tabular import TabularError
from commons.surveys import services
from commons.surveys.importing import import_responses
from commons.surveys.models import Response
from commons.surveys.services import create_survey

from .forms import cso_form

CHOICES = ["children", "women", "migrants"]
YES_NO = {"yes": "yes", "no": "no", "Yes": "yes", "NO": "no", "ใช่": "yes", "ไม่ใช่": "no"}
LABELS = {"children": "Children", "women": "women", "migrants": "Migrant workers"}
# A question's column with or without its group path.
PATHS = {
    "trained": ["profile/trained", "trained"],
    "populations": ["profile/populations", "populations"],
    "staff": ["profile/staff", "staff"],
    "projects": ["capacity/projects", "projects"],
    "budget": ["budget"],
    "founded": ["founded"],
    "comments": ["comments"],
    "thanks": ["thanks"],
}
OPTIONAL = [*PATHS, "choices", "start", "_uuid", "favourite_colour"]

# Values each question must refuse, and what the reason then says.
BAD = {
    "trained": ["maybe", "yes no", "1"],
    "populations": ["elders", "children elders", "Children, Elders"],
    "staff": ["many", "1.5", "-3", "10001", "1e400", "1" * 400, "nan", "inf", "0x10"],
    "budget": ["abc", "-1", "0", "nan", "inf", "-inf", "Infinity", "1e400", "1,5"],
    "founded": ["2024-13-01", "yesterday", "31/12/2020", "2023-02-29", "0000-01-01"],
    "projects": ["perhaps"],
    "favourite_colour": ["blue"],
}


@pytest.fixture
def survey(lantern):
    return create_survey(workbook=cso_form(), owner=lantern, slug="cso")


GOOD = {
    "trained": st.sampled_from(["", *YES_NO]),
    "projects": st.sampled_from(["", "yes", "No"]),
    "staff": st.one_of(
        st.just(""), st.integers(0, 10_000), st.integers(0, 10_000).map(str), st.just("12.0")
    ),
    "budget": st.one_of(
        st.just(""),
        st.floats(min_value=0.01, max_value=1e12).map(repr),
        # Numbers a workbook holds exactly: openpyxl writes 16 significant digits.
        st.floats(min_value=0.01, max_value=1e12).filter(lambda x: float(f"{x:.16g}") == x),
    ),
    "founded": st.one_of(
        st.just(""),
        st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 1, 1)),
        st.dates().map(datetime.date.isoformat),
        st.just("2024-05-01T10:00:00+07:00"),
    ),
    "comments": st.one_of(st.just(""), odd_text(max_size=500)),
    "thanks": st.one_of(st.just(""), odd_text(max_size=20)),  # a note: ignored
    "start": st.sampled_from(["", "2024-01-05T10:00:00.000+07:00", "=1+1"]),
    "favourite_colour": st.just(""),
}


def _answers(cells: dict[str, object], chosen: list[str]) -> dict:
    """The answers a good row's cells (by question or column) and choices must give."""
    answers: dict = {}
    text = {column: text_of(value) for column, value in cells.items()}
    for name in ("trained", "projects"):
        if text.get(name):
            answers[name] = YES_NO.get(text[name]) or text[name].lower()
    if text.get("staff"):
        answers["staff"] = int(float(text["staff"]))
    if text.get("budget"):
        answers["budget"] = float(text["budget"])
    if text.get("founded"):
        answers["founded"] = text["founded"][:10]
    if text.get("comments"):
        answers["comments"] = text["comments"]
    if chosen:
        answers["populations"] = [choice for choice in CHOICES if choice in chosen]
    return answers


@st.composite
def tables(draw) -> Table:
    present = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, min_size=2))
    columns = {name: draw(st.sampled_from(PATHS.get(name, [name]))) for name in present}
    flags = (
        [f"{columns.get('populations', 'populations')}/{choice}" for choice in CHOICES]
        if "choices" in present
        else []
    )
    header = [columns[name] for name in present if name != "choices"] + flags
    header = draw(st.permutations(header))

    def good(index: int) -> Row:
        cells: dict[str, object] = {}
        for name in present:
            if name in GOOD:
                cells[name] = draw(GOOD[name])
        if "_uuid" in present:
            cells["_uuid"] = draw(st.sampled_from(["", f"uuid:{index}", f"u-{index}"]))
        chosen = draw(st.lists(st.sampled_from(CHOICES), unique=True))
        if "populations" in present:
            written = draw(st.sampled_from(["names", "labels", "blank" if flags else "names"]))
            if written == "names":
                cells["populations"] = " ".join(chosen)
            elif written == "labels":
                cells["populations"] = ", ".join(LABELS[choice] for choice in chosen)
            else:
                cells["populations"] = ""
        if flags and draw(st.booleans()):
            for flag in flags:
                ticked = flag.rsplit("/", 1)[1] in chosen
                cells[flag] = draw(st.sampled_from(["1", "true", "yes"] if ticked else ["0", "no"]))
        elif not cells.get("populations"):
            chosen = []
        return Row({columns.get(name, name): value for name, value in cells.items()}, expect=chosen)

    corruptions = {
        columns[name]: st.sampled_from(values).map(lambda value, name=name: (value, name))
        for name, values in BAD.items()
        if name in columns
    }
    for flag in flags:
        corruptions[flag] = st.sampled_from(["2", "maybe", "-1"]).map(lambda v: (v, "neither"))
    rows = hostile_rows(
        draw,
        good=good,
        corruptions=corruptions,
        columns=header,
        count=draw(st.integers(1, 8)),
        extra_reason="more cells",
    )
    # A submission imported before (the same _uuid) is skipped.
    if "_uuid" in present:
        earlier = [r for r in rows if not r.bad and not r.blank and text_of(r.cells["_uuid"])]
        if earlier and draw(st.booleans()):
            copied = draw(st.sampled_from(earlier))
            rows.append(Row(dict(copied.cells), skipped=True, expect=copied.expect))
    return Table(header, rows)


def _normal(answers: dict) -> str:
    comments = answers.get("comments")
    if comments is not None:
        answers = {**answers, "comments": comments.replace("\r\n", "\n").replace("\r", "\n")}
    return repr(sorted(answers.items()))


def _check_kept(table: Table, survey) -> None:
    """The responses hold exactly the answers of the good rows."""
    wanted = sorted(_normal(_answers(_by_question(row), row.expect)) for _n, row in table.good)
    stored = sorted(_normal(r.answers) for r in Response.objects.filter(survey=survey))
    assert stored == wanted
    for response in Response.objects.filter(survey=survey):
        assert all(not isinstance(v, float) or math.isfinite(v) for v in response.answers.values())


def _by_question(row: Row) -> dict:
    names = {column: name for name, paths in PATHS.items() for column in paths}
    return {names.get(column, column): value for column, value in row.cells.items()}


def _import(via: str, *, survey, user, data: bytes, layout: str, fixtures) -> dict:
    """The report of importing ``data``: from the service, from the upload page, or from
    the job the page starts for a large file."""
    if via == "service":
        return import_responses(survey=survey, source=data, by=user).as_dict()
    name = "export.xlsx" if layout == "xlsx" else "export.csv"
    client = client_for(user)

    def post():
        return client.post(
            reverse("surveys:import", args=[survey.slug]), {"file": SimpleUploadedFile(name, data)}
        )

    if via == "background":
        monkeypatch, capture = fixtures
        with monkeypatch.context() as patch:
            patch.setattr(services, "INLINE_UPLOAD_BYTES", 0)
            return reported_in_background(client, post, capture=capture)
    return reported_on_page(post())


@fuzz(25)
@given(
    table=tables(),
    layout=st.sampled_from(LAYOUTS),
    via=st.sampled_from(["service", "web", "background"]),
)
def test_it_reports_every_hostile_row_and_keeps_every_good_one(
    table, layout, via, survey, alice, monkeypatch, django_capture_on_commit_callbacks
):
    fixtures = (monkeypatch, django_capture_on_commit_callbacks)
    data = write(table, layout)
    with transaction.atomic():
        report = _import(
            via, survey=survey, user=alice, data=data, layout=layout, fixtures=fixtures
        )
        assert_reported(table, report["rejected"])
        assert report["accepted"] == len(table.good)
        assert report["skipped"] == sum(row.skipped for row in table.rows)
        _check_kept(table, survey)
        transaction.set_rollback(True)


def _every_bad_value() -> Table:
    header = [
        "profile/trained",
        "profile/populations",
        "profile/staff",
        "capacity/projects",
        "budget",
        "founded",
        "comments",
        "favourite_colour",
        "populations/children",
        "_uuid",
    ]
    names = {"trained": "profile/trained", "populations": "profile/populations"}
    names |= {"staff": "profile/staff", "projects": "capacity/projects"}

    def good(index: int) -> Row:
        return Row(
            {
                "profile/trained": "yes",
                "profile/staff": "5",
                "budget": "12.5",
                "comments": f"Good row {index}",
                "_uuid": f"u-{index}",
            },
            expect=[],
        )

    rows = [good(0)]
    for name, values in BAD.items():
        for value in values:
            rows.append(good(len(rows)))
            rows[-1].cells[names.get(name, name)], rows[-1].bad = value, name
        rows.append(good(len(rows)))
    rows.append(Row({**good(len(rows)).cells, "populations/children": "2"}, bad="neither"))
    disagree = {"profile/populations": "children women", "populations/children": "0"}
    rows.append(Row({**good(len(rows)).cells, **disagree}, bad="disagree"))
    rows.append(Row(good(len(rows)).cells, extra=["stray"], bad="more cells"))
    return Table(header, rows)


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_every_kind_of_hostile_cell_is_reported(layout, survey):
    table = _every_bad_value()
    report = import_responses(survey=survey, source=write(table, layout))
    assert_reported(table, report.rejected)
    assert report.accepted == len(table.good)
    _check_kept(table, survey)


@fuzz(15)
@given(data=st.binary(max_size=2_000))
def test_a_file_that_is_no_table_gets_a_clear_error_on_the_page(data, survey, alice):
    with transaction.atomic():
        answer = client_for(alice).post(
            reverse("surveys:import", args=[survey.slug]),
            {"file": SimpleUploadedFile("export.csv", data)},
        )
        assert answer.status_code == 200
        if answer.context["report"] is None:
            assert answer.context["form"].errors["file"][0].strip()
        assert not Response.objects.filter(survey=survey).exists()
        transaction.set_rollback(True)


@fuzz(15)
@given(defect=st.sampled_from(["nul", "latin-1", "surrogate", "same column"]), table=tables())
def test_a_damaged_file_is_refused_whole_and_says_why(defect, table, survey):
    header, rows = list(table.header), [[text_of(c) for c in r] for r in table.matrix()]
    options = {}
    bad = {"nul": "a\x00", "latin-1": "crèche", "surrogate": "\udc80"}.get(defect)
    if bad:
        rows = [*([*r, ""] for r in rows), [""] * len(header) + [bad]]
        header.append("_notes")
    else:
        header.append(header[0])
    if defect == "latin-1":
        options = {"encoding": "latin-1", "errors": "replace"}
    elif defect == "surrogate":
        options = {"errors": "surrogatepass"}
    data = write_csv(header, rows, **options)
    with transaction.atomic():
        with pytest.raises(TabularError) as refused:
            import_responses(survey=survey, source=data)
        assert str(refused.value).strip()
        assert not Response.objects.filter(survey=survey).exists()
        transaction.set_rollback(True)


def test_a_question_named_by_two_columns_is_refused(survey):
    data = write_csv(["profile/staff", "staff"], [["3", "4"]])
    with pytest.raises(TabularError, match="same question"):
        import_responses(survey=survey, source=data)
    assert not Response.objects.filter(survey=survey).exists()
