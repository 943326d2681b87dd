"""Property-based fuzzing of the staff import of organisations (``importing.py``), through
the service (and its dry run) and the ``directory import`` command: whatever the rows
hold, nothing raises, every hostile row is reported with its number and a reason, and
every good row becomes an organisation with the values it gave (see core/tests/fuzz.py)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from commons.accounts.models import Organisation
from commons.core.tests.fuzz import (
    LAYOUTS,
    Row,
    Table,
    assert_reported,
    cased,
    collapsed,
    fuzz,
    hostile_rows,
    odd_text,
    same_text,
    text_of,
    write,
    write_csv,
)
from commons.directory import vocabularies as v
from commons.directory.importing import TERM_COLUMNS, import_organisations
from commons.directory.models import Presence, Profile, Term
from commons.lib.geo import COUNTRY_CODES
from commons.lib.tabular import TabularError

OPTIONAL = [
    "slug",
    "acronym",
    "type",
    "website",
    "summary",
    "description",
    "founded",
    "size",
    "verified",
    "countries_of_operation",
    *TERM_COLUMNS,
    "networks",
]
COUNTRIES = sorted(COUNTRY_CODES)
WEBSITES = ["example.org", "https://example.org/a?b=c#d", "http://xn--bcher-kva.example/"]
LANGUAGES = ["en", "th", "my", "km", "EN", "fr", "lo"]


def _codes(values) -> st.SearchStrategy[str]:
    return st.lists(cased(values), max_size=3).flatmap(
        lambda codes: st.sampled_from(["; ", ",", ";"]).map(lambda sep: sep.join(codes))
    )


GOOD = {
    "acronym": st.one_of(st.just(""), odd_text(max_size=30)),
    "type": st.one_of(st.just(""), cased(v.OrganisationType.values)),
    "website": st.one_of(st.just(""), st.sampled_from(WEBSITES)),
    "summary": st.one_of(st.just(""), odd_text(max_size=1000)),
    "description": st.one_of(st.just(""), odd_text(max_size=400), st.just("long " * 5_000)),
    "founded": st.one_of(st.just(""), st.integers(1800, 2100), st.integers(1800, 2100).map(str)),
    "size": st.one_of(st.just(""), st.sampled_from(v.SizeBand.values)),
    "verified": st.sampled_from(["", "true", "YES", "1", "false", "No", "0", True, False]),
    "countries_of_operation": _codes(COUNTRIES[:40]),
    **{
        column: _codes(LANGUAGES if vocabulary is None else vocabulary.values)
        for column, vocabulary in TERM_COLUMNS.items()
    },
    "networks": st.sampled_from(["", "lantern", "lantern; harbour"]),
}


# Values each column must refuse.
BAD = {
    "name": ["", "   ", "x" * 201, "word " * 60],
    "slug": ["has space", "x" * 61, "ünï", "a/b", "=1+1"],
    "acronym": ["A" * 31],
    "country": ["", "ZZ", "THA", "T", "ไทย", 12, "T H", '=HYPERLINK("x")'],
    "type": ["charity-ish", "ngo2", 3],
    "website": ["not a url", "javascript:alert(1)", "http://", "https://exa mple.org", "x" * 300],
    "summary": ["s" * 1001],
    "founded": [
        "1799",
        "2101",
        "0",
        "-5",
        "1e3",
        "\uff12\uff10\uff10\uff10"  # fullwidth digits,
        "1" * 5_000,
        "2000.5",
        "MMXX",
        10**20,
        1e308,
    ],
    "size": ["huge", "11 - 50"],
    "verified": ["maybe", "2", "oui"],
    "countries_of_operation": ["TH; ZZ", "Thailand"],
    **{column: ["unknown-code; x"] for column in TERM_COLUMNS},
    "networks": ["no-such-organisation", "lantern; nobody"],
}
CORRUPTIONS = {
    column: st.sampled_from(values).map(lambda value, column=column: (value, column))
    for column, values in BAD.items()
}


@st.composite
def tables(draw) -> Table:
    present = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    header = ["name", "country", *present]
    header = draw(st.permutations(header))
    header = [draw(cased([column])) for column in header]

    def good(index: int) -> Row:
        cells = {
            "name": f"Org {index} " + draw(odd_text(max_size=150)),
            "country": draw(cased(COUNTRIES)),
        }
        for column in present:
            cells[column] = f"org-{index}" if column == "slug" else draw(GOOD[column])
        return Row({name: cells[name.lower()] for name in header})

    rows = hostile_rows(
        draw,
        good=good,
        corruptions={n: CORRUPTIONS[n.lower()] for n in header if n.lower() in CORRUPTIONS},
        columns=header,
        count=draw(st.integers(1, 8)),
    )
    # A second row about an organisation an earlier good row is about.
    if draw(st.booleans()):
        earlier = [row for row in rows if not row.bad and not row.blank]
        if earlier:
            copy = Row(dict(draw(st.sampled_from(earlier)).cells), bad="row")
            rows.insert(draw(st.integers(rows.index(earlier[-1]) + 1, len(rows))), copy)
    return Table(header, rows)


def _check_kept(table: Table) -> None:
    """Every good row is an organisation with the values it gave."""
    for _number, row in table.good:
        cells = {name.lower(): value for name, value in row.cells.items()}
        organisation = Organisation.objects.get(
            name=collapsed(text_of(cells["name"])), country=text_of(cells["country"]).upper()
        )
        profile = Profile.objects.filter(organisation=organisation).first()
        for column, value in cells.items():
            text = text_of(value)
            if column in ("acronym", "summary"):
                assert same_text(getattr(organisation, column), text)
            elif column == "slug":
                assert organisation.slug == text
            elif column == "type":
                assert organisation.type == (text.lower() or Organisation.Type.NGO)
            elif column == "description":
                assert same_text(profile.description if profile else "", text)
            elif column == "founded" and text:
                assert profile.founded == int(text)
            elif column == "verified" and text:
                assert organisation.is_verified == (text.lower() in {"true", "yes", "1"})
            elif column == "countries_of_operation":
                wanted = {code.strip().upper() for code in text.replace(",", ";").split(";")}
                found = set(
                    Presence.objects.filter(organisation=organisation).values_list(
                        "country", flat=True
                    )
                )
                assert found == wanted - {""}
            elif column in TERM_COLUMNS and column != "languages":
                wanted = {code.strip().lower() for code in text.replace(",", ";").split(";")}
                found = set(
                    Term.objects.filter(organisation=organisation, vocabulary=column).values_list(
                        "code", flat=True
                    )
                )
                assert found == wanted - {""}


@fuzz(25)
@given(table=tables(), layout=st.sampled_from(LAYOUTS), via=st.sampled_from(["service", "dry"]))
def test_it_reports_every_hostile_row_and_keeps_every_good_one(
    table, layout, via, staff, lantern, harbour
):
    before = Organisation.objects.count()
    with transaction.atomic():
        report = import_organisations(
            path_or_file=io.BytesIO(write(table, layout)), by=staff, dry_run=via == "dry"
        )
        assert_reported(table, report.rejected)
        assert report.created == len(table.good)
        if via == "dry":
            assert Organisation.objects.count() == before
        else:
            assert Organisation.objects.count() == before + len(table.good)
            _check_kept(table)
        transaction.set_rollback(True)


@fuzz(10)
@given(table=tables(), layout=st.sampled_from(LAYOUTS))
def test_the_command_reports_every_hostile_row(table, layout, staff, lantern, harbour, tmp_path):
    path = tmp_path / ("import.xlsx" if layout == "xlsx" else "import.csv")
    path.write_bytes(write(table, layout))
    out = io.StringIO()
    with transaction.atomic():
        call_command("directory", "import", str(path), stdout=out, stderr=io.StringIO())
        text = out.getvalue()
        assert f"Created {len(table.good)}," in text
        assert f"rejected {len(table.bad)}." in text
        for number in table.bad:
            assert f"row {number}: " in text
        transaction.set_rollback(True)


@fuzz(25)
@given(data=st.binary(max_size=2_000))
def test_a_file_that_is_no_table_gets_a_clear_error(data, staff, tmp_path):
    path = tmp_path / "import.csv"
    path.write_bytes(data)
    with transaction.atomic():
        try:
            call_command("directory", "import", str(path), stdout=io.StringIO())
        except CommandError as error:
            assert str(error).strip()
        assert not Organisation.objects.exists()
        transaction.set_rollback(True)


@fuzz(20)
@given(
    defect=st.sampled_from(["nul", "latin-1", "surrogate", "same column", "no country"]),
    table=tables(),
)
def test_a_damaged_file_is_refused_whole_and_says_why(defect, table, staff, lantern, harbour):
    header, rows = list(table.header), table.matrix()
    options = {}
    if defect == "nul":
        rows.append(["Org\x00 NUL", "TH"] + [""] * (len(header) - 2))
    elif defect == "latin-1":
        rows.append(["Org é latin-1", "TH"] + [""] * (len(header) - 2))
        options = {"encoding": "latin-1", "errors": "replace"}
    elif defect == "surrogate":
        rows.append(["Org \udc80", "TH"] + [""] * (len(header) - 2))
        options = {"errors": "surrogatepass"}
    elif defect == "same column":
        header.append(header[0].upper() if header[0] != header[0].upper() else header[0].lower())
    else:
        header = [name for name in header if name.lower() != "country"]
    data = write_csv(header, [[text_of(c) for c in row] for row in rows], **options)
    before = Organisation.objects.count()
    with transaction.atomic():
        try:
            import_organisations(path_or_file=io.BytesIO(data), by=staff)
        except TabularError as error:
            assert str(error).strip()
        else:
            raise AssertionError(f"a file with {defect} was imported")
        assert Organisation.objects.count() == before
        transaction.set_rollback(True)


def _every_bad_value() -> Table:
    """A row for each value of ``BAD`` among good rows."""
    header = ["name", "country", *OPTIONAL]
    legal = {
        "type": "ngo",
        "website": "example.org",
        "founded": "1999",
        "size": "1-10",
        "countries_of_operation": "TH; MM; th",  # the same country in two cases
        **{column: vocabulary.values[0] for column, vocabulary in v.TERM_VOCABULARIES.items()},
        "languages": "en",
        "networks": "lantern",
    }

    def good(index: int) -> Row:
        return Row({**legal, "name": f"Org {index}", "country": "TH", "slug": f"org-{index}"})

    rows = [good(0)]
    for column, values in BAD.items():
        for value in values:
            rows.append(good(len(rows)))
            rows[-1].cells[column], rows[-1].bad = value, column
        rows.append(good(len(rows)))
    rows.append(Row(good(len(rows)).cells, extra=["stray"], bad="cells"))
    return Table(header, rows)


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_every_kind_of_hostile_cell_is_reported(layout, staff, lantern):
    table = _every_bad_value()
    report = import_organisations(path_or_file=io.BytesIO(write(table, layout)), by=staff)
    assert_reported(table, report.rejected)
    assert report.created == len(table.good)
    _check_kept(table)
