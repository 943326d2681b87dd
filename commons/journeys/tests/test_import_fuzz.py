"""Property-based fuzzing of the import of journey records (``services.import_records``),
in the native layout and in CTDC's, through the service and the contributors' upload
page: whatever the rows hold, nothing raises and the page never fails, every hostile row
is reported with its number and a reason, every good row becomes a record with the
values it gave, and a file without one good row stores nothing, not even an empty
batch (see core/tests/fuzz.py)."""

import datetime
import io

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
    cased,
    fuzz,
    hostile_rows,
    odd_text,
    reported_in_background,
    reported_on_page,
    text_of,
    write,
    write_csv,
)
from commons.journeys import ctdc, views
from commons.journeys.formats import MAX_TRANSIT
from commons.journeys.models import Batch, Record
from commons.journeys.services import import_records
from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
)
from commons.lib.tabular import TabularError

ATTESTATION = "Shared with the survivors' informed consent (fuzzing)."
THIS_YEAR = datetime.date.today().year
# Countries (alpha-2 or alpha-3, any case) and places the gazetteer knows in them.
COUNTRIES = {"TH": "TH", "tha": "TH", "MM": "MM", "KH": "KH", "khm": "KH", "LA": "LA"}
COUNTRIES |= {"MY": "MY", "VN": "VN", "vnm": "VN", "XK": "XK"}
PLACES = {"TH": ["", "Mae Sot", "TH-50", "Bangkok"], "MM": ["", "Mandalay"]}
PLACES |= {"KH": ["", "Phnom Penh"], "MY": ["", "Kuala Lumpur"], "LA": ["", "Vientiane"]}
STAGES = [
    "recruitment",
    *(f"transit_{n}" for n in range(1, MAX_TRANSIT + 1)),
    "exploitation",
]
NATIVE_OPTIONAL = [
    "case_reference",
    "sex",
    "age_band",
    "citizenship",
    "forms",
    "sector",
    "means_of_control",
    "recruiter_relation",
    "count",
]


def _codes(values, *, max_size: int = 3) -> st.SearchStrategy[str]:
    """Codes as people type them: any case, spaces or hyphens for underscores."""
    spelt = cased(values).flatmap(
        lambda code: st.sampled_from([code, code.replace("_", " "), code.replace("_", "-")])
    )
    return st.lists(spelt, max_size=max_size).flatmap(
        lambda codes: st.sampled_from(["; ", ";", " ; "]).map(lambda sep: sep.join(codes))
    )


def _year() -> st.SearchStrategy:
    years = st.integers(1990, THIS_YEAR)
    return st.one_of(years, years.map(str), years.map(lambda y: f"{y}.0"))


NATIVE_GOOD = {
    "sex": cased(["female", "male", "f", "M", "other", "unknown", "", "Transgender"]),
    "age_band": st.sampled_from(
        [*AgeBand.values, "9--17", "9 to 17", "child", "Adult", "48 +", ""]
    ),
    "citizenship": st.sampled_from(["", *COUNTRIES]),
    "forms": _codes(Exploitation.values),
    "sector": st.one_of(st.just(""), _codes(Sector.values, max_size=1)),
    "means_of_control": _codes(MeansOfControl.values),
    "recruiter_relation": st.one_of(st.just(""), _codes(RecruiterRelation.values, max_size=1)),
    "count": st.one_of(st.just(""), st.integers(1, 100_000), st.integers(1, 100_000).map(str)),
}
# Values each column must refuse; the reason names the column.
NATIVE_BAD = {
    "year": ["", "1989", "now", "1" * 5_000, "2021.5", "-99", str(THIS_YEAR + 1), 1e308],
    "sex": ["f m", "unknownn", "7"],
    "age_band": ["17-9", "200-300", "old", "9-18"],
    "citizenship": ["ZZ", "Narnia", "T", "-99"],
    "exploitation_country": ["ZZ", "Atlantis", 12],
    "exploitation_place": ["Somchai's house near the pier", "=1+1", "14 Soi 3, Mae Sot"],
    "recruitment_place": ["the karaoke bar", "Kuala Lumpur (MY)"],
    "transit_1_country": ["ZZZ", "Thailand?"],
    "forms": ["witchcraft", "forced_labour;;x", "sexual, labour"],
    "sector": ["fishing;mining", "space mining"],
    "means_of_control": ["mind control"],
    "recruiter_relation": ["stranger", "friend;family"],
    "count": ["0", "100001", "1.5", "-1", "1e400", "many", 10**20, "nan"],
    "case_reference": ["x" * 101],
}


def _stage_cells(draw, stage: str, columns: list[str]) -> dict[str, str]:
    code = draw(st.sampled_from(sorted(COUNTRIES)))
    cells = {f"{stage}_country": code}
    if f"{stage}_place" in columns:
        cells[f"{stage}_place"] = draw(st.sampled_from(PLACES.get(COUNTRIES[code], [""])))
    return cells


@st.composite
def native_tables(draw) -> Table:
    stages = draw(st.lists(st.sampled_from(STAGES[:-1]), unique=True, max_size=3))
    columns = ["year", "exploitation_country"]
    columns += draw(st.lists(st.sampled_from(NATIVE_OPTIONAL), unique=True))
    for stage in [*stages, "exploitation"]:
        if stage != "exploitation":
            columns.append(f"{stage}_country")
        if draw(st.booleans()):
            columns.append(f"{stage}_place")
    columns = draw(st.permutations(columns))

    def good(index: int) -> Row:
        cells = {"year": draw(_year())}
        cells |= _stage_cells(draw, "exploitation", columns)
        for stage in stages:
            if draw(st.booleans()):
                cells |= _stage_cells(draw, stage, columns)
        for column in columns:
            if column == "case_reference":
                cells[column] = draw(
                    st.sampled_from(["", f"C-{index}", f"C-{index} " + draw(odd_text(max_size=60))])
                )
            elif column in NATIVE_GOOD:
                cells[column] = draw(NATIVE_GOOD[column])
        return Row({column: cells.get(column, "") for column in columns})

    corruptions = {
        column: st.sampled_from(values).map(lambda value, column=column: (value, column))
        for column, values in NATIVE_BAD.items()
        if column in columns
    }
    rows = hostile_rows(
        draw,
        good=good,
        corruptions=corruptions,
        columns=columns,
        count=draw(st.integers(1, 8)),
        extra_reason="more cells",
    )
    for row in rows:
        _settle_native(row)
    # The same case twice is counted once: the second row is reported.
    earlier = [r for r in rows if not r.bad and not r.blank and r.cells.get("case_reference")]
    if earlier and draw(st.booleans()):
        rows.append(Row(dict(draw(st.sampled_from(earlier)).cells), bad="case_reference"))
    return Table(columns, rows)


def _settle_native(row: Row) -> None:
    """The reason a corrupted place gives depends on its country: "a place needs its
    country" when the row has none for that stage."""
    if row.bad == "recruitment_place" and not text_of(row.cells.get("recruitment_country")):
        row.bad = "recruitment_place: a place needs its country"
    if row.bad == "exploitation_country" and text_of(row.cells["exploitation_country"]) == "":
        row.bad = "exploitation"


def _native_expected(row: Row) -> tuple:
    cells = {column: text_of(value) for column, value in row.cells.items()}
    forms = cells.get("forms", "").casefold().replace(" ", "_").replace("-", "_")
    return (
        int(float(cells["year"])),
        COUNTRIES[cells["exploitation_country"]],
        int(cells.get("count") or 1),
        sorted({code.strip("_") for code in forms.split(";") if code.strip("_")}),
    )


# --- CTDC ------------------------------------------------------------------------------------


def _ctdc_name(column: str) -> st.SearchStrategy[str]:
    """A CTDC column's name: as CTDC writes it, in another case, or cut as Stata does."""
    names = [column, column.lower(), column.upper()]
    if len(column) > ctdc.CUT:
        names.append(column[: ctdc.CUT])
    return st.sampled_from(names)


FLAG = st.sampled_from(["1", "0", "-99", "", "1.0", "0.0", "true", "No", 1, 0, -99])
AGES = ["0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+", "-99"]
CTDC_GOOD = {
    ctdc.GENDER: st.sampled_from(["Female", "Male", "Transgender/NonConforming", "-99", ""]),
    ctdc.AGE: st.sampled_from(AGES),
    ctdc.MAJORITY: st.sampled_from(["Adult", "Minor", "-99", "", "adult"]),
    ctdc.MAJORITY_AT_EXPLOIT: st.sampled_from(["Adult", "Minor", "-99", ""]),
    ctdc.CITIZENSHIP: st.sampled_from(["-99", *COUNTRIES]),
}
CTDC_BAD = {
    ctdc.YEAR: ["-99", "", "abc", "1800", "1" * 5_000, str(THIS_YEAR + 1)],
    ctdc.EXPLOITATION: ["ZZZ", "-99", "", "Narnia"],
    ctdc.GENDER: ["x", "F M", "1"],
    ctdc.AGE: ["teen", "17--9", "18-20-22"],
    ctdc.MAJORITY: ["teen", "1"],
    ctdc.MAJORITY_AT_EXPLOIT: ["teen", "0"],
    ctdc.CITIZENSHIP: ["Narnia", "ZZ"],
    **{
        flag: ["2", "maybe", "-1", "0.5", "1e400"]
        for flag in (*ctdc.MEANS, *ctdc.FORMS, *ctdc.SECTORS, *ctdc.RELATIONS)
    },
}


@st.composite
def ctdc_tables(draw) -> Table:
    others = [c for c in ctdc.COLUMNS if c not in ctdc.REQUIRED_COLUMNS]
    columns = [
        *ctdc.REQUIRED_COLUMNS,
        *draw(st.lists(st.sampled_from(others), unique=True, max_size=12)),
    ]
    if draw(st.booleans()):
        columns.append("notes")  # a column CTDC does not have: ignored
    columns = draw(st.permutations(columns))
    names = {
        column: draw(_ctdc_name(column)) if column != "notes" else column for column in columns
    }

    def good(index: int) -> Row:
        cells = {
            ctdc.YEAR: draw(_year()),
            ctdc.EXPLOITATION: draw(st.sampled_from(sorted(COUNTRIES))),
        }
        for column in columns:
            if column in CTDC_GOOD:
                cells[column] = draw(CTDC_GOOD[column])
            elif column == "notes" or (column not in ctdc.READ_COLUMNS and column not in cells):
                cells[column] = draw(st.one_of(st.just(""), odd_text(max_size=30)))
            elif column not in cells:
                cells[column] = draw(FLAG)
        return Row({names[column]: cells.get(column, "") for column in columns})

    corruptions = {
        names[column]: st.sampled_from(values).map(lambda value, n=names[column]: (value, n))
        for column, values in CTDC_BAD.items()
        if column in columns
    }
    rows = hostile_rows(
        draw,
        good=good,
        corruptions=corruptions,
        columns=[names[column] for column in columns],
        count=draw(st.integers(1, 8)),
        extra_reason="more cells",
    )
    return Table([names[column] for column in columns], rows)


def _ctdc_expected(table: Table, row: Row) -> tuple:
    by_column = {ctdc.ctdc_column(name): name for name in table.header}
    year = text_of(row.cells[by_column[ctdc.YEAR]])
    country = text_of(row.cells[by_column[ctdc.EXPLOITATION]])
    return (int(float(year)), COUNTRIES[country], 1)


# --- Properties ------------------------------------------------------------------------------


VIAS = ["service", "web", "background"]


def _import(via: str, *, organisation, user, data: bytes, layout: str, fixtures) -> dict:
    """The report of importing ``data``: from the service, from the upload page, or from
    the job the page starts for a large file."""
    if via == "service":
        return import_records(
            organisation=organisation, by=user, source=io.BytesIO(data), attestation=ATTESTATION
        ).as_dict()
    name = "records.xlsx" if layout == "xlsx" else "records.csv"
    client = client_for(user)

    def post():
        return client.post(
            reverse("journeys:contribute"),
            {
                "organisation": organisation.pk,
                "file": SimpleUploadedFile(name, data),
                "attestation": ATTESTATION,
                "no_identifiers": "on",
            },
        )

    if via == "background":
        monkeypatch, capture = fixtures
        with monkeypatch.context() as patch:
            patch.setattr(views, "INLINE_UPLOAD_BYTES", 0)
            return reported_in_background(client, post, capture=capture)
    answer = post()
    report = reported_on_page(answer)
    if report["batch"] is None:  # all or nothing, and the page says so
        assert "No row could be accepted: nothing was imported." in answer.content.decode()
    return report


def _check(table: Table, report: dict, expected) -> None:
    assert_reported(table, report["rejected"])
    assert report["accepted"] == len(table.good)
    if not table.good:  # all or nothing: no batch without a record
        assert report["batch"] is None and not Batch.objects.exists()
        return
    batch = Batch.objects.get(pk=report["batch"])
    assert (batch.records_accepted, batch.records_rejected) == (len(table.good), len(table.bad))
    records = Record.objects.filter(batch=batch)
    assert batch.people == report["people"] == sum(r.count for r in records)
    wanted = sorted(expected(row) for _number, row in table.good)
    found = sorted(expected_of_record(record, len(wanted[0])) for record in records)
    assert found == wanted


def expected_of_record(record: Record, size: int) -> tuple:
    values = (record.year, record.exploitation_country, record.count, sorted(record.forms))
    return values[:size]


@fuzz(25)
@given(table=native_tables(), layout=st.sampled_from(LAYOUTS), via=st.sampled_from(VIAS))
def test_native_files_report_every_hostile_row_and_keep_every_good_one(
    table, layout, via, verified, alice, monkeypatch, django_capture_on_commit_callbacks
):
    fixtures = (monkeypatch, django_capture_on_commit_callbacks)
    _import_and_check(table, layout, via, verified, alice, fixtures, _native_expected)


@fuzz(20)
@given(table=ctdc_tables(), layout=st.sampled_from(LAYOUTS), via=st.sampled_from(VIAS))
def test_ctdc_files_report_every_hostile_row_and_keep_every_good_one(
    table, layout, via, verified, alice, monkeypatch, django_capture_on_commit_callbacks
):
    fixtures = (monkeypatch, django_capture_on_commit_callbacks)
    _import_and_check(
        table, layout, via, verified, alice, fixtures, lambda row: _ctdc_expected(table, row)
    )


def _import_and_check(table, layout, via, organisation, user, fixtures, expected) -> None:
    """Import ``table`` written in ``layout`` through ``via``, check the report and the
    stored records against ``expected``, and roll the import back."""
    with transaction.atomic():
        report = _import(
            via,
            organisation=organisation,
            user=user,
            data=write(table, layout),
            layout=layout,
            fixtures=fixtures,
        )
        _check(table, report, expected)
        transaction.set_rollback(True)


def _every_bad_value(bad: dict, good: dict, *, names=None) -> Table:
    names = names or {}
    header = list(dict.fromkeys([*good, *bad]))
    rows = [Row(dict(good))]
    for column, values in bad.items():
        for value in values:
            rows.append(Row({**good, column: value}, bad=names.get(column, column)))
        rows.append(Row(dict(good)))
    rows.append(Row(dict(good), extra=["stray"], bad="more cells"))
    return Table(header, rows)


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_every_kind_of_hostile_native_cell_is_reported(layout, verified, alice):
    good = {"year": "2021", "exploitation_country": "TH", "recruitment_country": "MM"}
    good |= {"transit_1_country": "", "exploitation_place": "", "recruitment_place": ""}
    table = _every_bad_value(NATIVE_BAD, good)
    for row in table.rows:
        _settle_native(row)
    report = import_records(
        organisation=verified,
        by=alice,
        source=io.BytesIO(write(table, layout)),
        attestation=ATTESTATION,
    ).as_dict()
    _check(table, report, _native_expected)


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_every_kind_of_hostile_ctdc_cell_is_reported(layout, verified, alice):
    good = dict.fromkeys(CTDC_BAD, "")
    good |= {ctdc.YEAR: "2020", ctdc.EXPLOITATION: "tha", ctdc.AGE: "9--17"}
    table = _every_bad_value(CTDC_BAD, good)
    report = import_records(
        organisation=verified,
        by=alice,
        source=io.BytesIO(write(table, layout)),
        attestation=ATTESTATION,
    ).as_dict()
    _check(table, report, lambda row: _ctdc_expected(table, row))


@fuzz(15)
@given(data=st.binary(max_size=2_000))
def test_a_file_that_is_no_table_gets_a_clear_error_on_the_page(data, verified, alice):
    with transaction.atomic():
        answer = client_for(alice).post(
            reverse("journeys:contribute"),
            {
                "organisation": verified.pk,
                "file": SimpleUploadedFile("records.csv", data),
                "attestation": ATTESTATION,
                "no_identifiers": "on",
            },
        )
        assert answer.status_code == 200
        if answer.context["report"] is None:
            assert answer.context["form"].errors["file"][0].strip()
        assert not Record.objects.exists() and not Batch.objects.exists()
        transaction.set_rollback(True)


@fuzz(15)
@given(
    defect=st.sampled_from(["nul", "latin-1", "surrogate", "same column", "no year"]),
    table=st.one_of(native_tables(), ctdc_tables()),
)
def test_a_damaged_file_is_refused_whole_and_says_why(defect, table, verified, alice):
    header, rows = list(table.header), [[text_of(c) for c in r] for r in table.matrix()]
    options = {}
    bad = {"nul": "a\x00", "latin-1": "crèche", "surrogate": "\udc80"}.get(defect)
    if bad:
        rows = [*rows, [bad] * len(header)]
    if defect == "latin-1":
        options = {"encoding": "latin-1", "errors": "replace"}
    elif defect == "surrogate":
        options = {"errors": "surrogatepass"}
    elif defect == "same column":
        header.append(header[0])
    elif defect == "no year":
        header = [
            name if name.casefold() not in ("year", "yearofregistration") else "when"
            for name in header
        ]
    data = write_csv(header, rows, **options)
    with transaction.atomic():
        with pytest.raises(TabularError) as refused:
            import_records(
                organisation=verified, by=alice, source=io.BytesIO(data), attestation=ATTESTATION
            )
        assert str(refused.value).strip()
        assert not Record.objects.exists() and not Batch.objects.exists()
        transaction.set_rollback(True)
