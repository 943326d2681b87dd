"""Property-based fuzzing of the import of an event's outcomes (``importing.py``), through
the service and the organisers' upload page: whatever the rows hold, nothing raises and
the page never fails, every hostile row is reported with its number and a reason, every
good row becomes a recommendation or a priority with the values it gave, and a row the
event already has is skipped (see core/tests/fuzz.py)."""

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
    collapsed,
    fuzz,
    hostile_rows,
    odd_text,
    reported_on_page,
    same_text,
    text_of,
    write,
    write_csv,
)
from commons.events.importing import COLUMNS, TEXT_MAX, TITLE_MAX, import_outcomes
from commons.events.models import Priority, Recommendation, Theme
from commons.lib.geo import COUNTRY_CODES, Region
from commons.lib.tabular import TabularError

NAMED = Recommendation.Audience.GOVERNMENT_OF_COUNTRY
AUDIENCES = [(code, label) for code, label in Recommendation.Audience.choices if code != NAMED]
COUNTRIES = sorted(COUNTRY_CODES)[:60]
OPTIONAL = ["kind", "region", "audience_country", "themes", "countries", "title", "description"]


def _english(pairs) -> list[str]:
    return [value for code, label in pairs for value in (code, str(label))]


def _list(values) -> st.SearchStrategy[str]:
    return st.lists(cased(values), max_size=3).flatmap(
        lambda items: st.sampled_from(["; ", ",", ";"]).map(lambda sep: sep.join(items))
    )


# Values each column must refuse, and what the reason then says.
BAD = {
    "kind": (["decision", "recommendation priority", "0"], "kind"),
    "region": (["Atlantis", "asia", "=1+1", "12"], "region"),
    "audience": (["everyone", "governments", "7"], "audience"),
    "audience_country": (["ZZ", "Thailand", "T"], "country"),
    "themes": (["!!!", "unknown theme; awareness", "%%% ;"], "theme"),
    "countries": (["TH; ZZ", "Thailand", "12"], "country"),
    "text": (["", "   ", "t" * (TEXT_MAX + 1)], "text"),
}
CORRUPTIONS = {
    column: st.sampled_from(values).map(lambda value, reason=reason: (value, reason))
    for column, (values, reason) in BAD.items()
}


def _column_name(column: str) -> st.SearchStrategy[str]:
    """A column's name as an organiser may type it: any case, spaces for underscores."""
    return st.sampled_from([column, column.upper(), column.replace("_", " ").title()])


@st.composite
def tables(draw, *, add_themes: bool) -> Table:
    present = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    columns = draw(st.permutations(["text", "audience", *present]))
    names = {column: draw(_column_name(column)) for column in columns}
    new_themes = [f"New theme {n}" for n in range(3)] if add_themes else []

    def good(index: int) -> Row:
        cells = dict.fromkeys(columns, "")
        priority = "kind" in columns and draw(st.booleans())
        if "kind" in columns:
            cells["kind"] = draw(
                cased(["priority", "Priorities"])
                if priority
                else st.sampled_from(["", "recommendation", "Recommendations"])
            )
        if "region" in columns:
            cells["region"] = draw(st.one_of(st.just(""), cased(_english(Region.choices))))
        if priority:
            where = "title" if "title" in columns else "text"
            cells[where] = f"P{index} " + draw(odd_text(max_size=TITLE_MAX - 10))
            if "description" in columns:
                cells["description"] = draw(st.one_of(st.just(""), odd_text(max_size=2_000)))
        else:
            cells["text"] = f"R{index} " + draw(odd_text(max_size=TEXT_MAX - 10))
            named = "audience_country" in columns and draw(st.booleans())
            if named:
                cells["audience_country"] = draw(cased(COUNTRIES))
                cells["audience"] = draw(st.sampled_from(["", NAMED, str(NAMED.label)]))
            else:
                cells["audience"] = draw(cased(_english(AUDIENCES)))
        if "themes" in columns:
            cells["themes"] = draw(_list([*Theme.CURATED, *new_themes]))
        if "countries" in columns:
            cells["countries"] = draw(_list(COUNTRIES))
        return Row({names[column]: value for column, value in cells.items()})

    rows = hostile_rows(
        draw,
        good=good,
        corruptions={names[c]: CORRUPTIONS[c] for c in columns if c in CORRUPTIONS},
        columns=[names[c] for c in columns],
        count=draw(st.integers(1, 8)),
        extra_reason="past the last named column",
    )
    for row in rows:
        _settle(row, names, add_themes=add_themes)
    # A row the event already has (an earlier good row again) is skipped.
    earlier = [row for row in rows if not row.bad and not row.blank]
    if earlier and draw(st.booleans()):
        rows.append(Row(dict(draw(st.sampled_from(earlier)).cells), skipped=True))
    return Table([names[column] for column in columns], rows)


def _settle(row: Row, names: dict[str, str], *, add_themes: bool) -> None:
    """What a corruption does depends on the row: a priority has no audience, takes its
    title from ``title`` when the file has one, and unknown themes are added when asked."""
    cells = {column: text_of(row.cells.get(name, "")) for column, name in names.items()}
    priority = cells.get("kind", "").casefold().startswith("priorit")
    if priority and row.bad == "country" and not _countries_bad(cells):
        row.bad = ""
    if priority and row.bad == "audience":
        row.bad = ""
    if priority and row.bad == "text":
        row.bad = "" if cells.get("title") else "title"
    if add_themes and row.bad == "theme" and cells["themes"] == "unknown theme; awareness":
        row.bad = ""


def _countries_bad(cells: dict) -> bool:
    codes = text_of(cells.get("countries", "")).replace(",", ";").split(";")
    return any(code.strip() and code.strip().upper() not in COUNTRY_CODES for code in codes)


REGIONS = {key.casefold(): code for code, label in Region.choices for key in (code, str(label))}


def _check_kept(table: Table, event) -> None:
    names = {name.casefold().replace(" ", "_"): name for name in table.header}
    for _number, row in table.good:
        cells = {column: text_of(row.cells.get(name, "")) for column, name in names.items()}
        if cells.get("kind", "").casefold().startswith("priorit"):
            title = cells.get("title") or cells["text"]
            found = Priority.objects.get(event=event, title=collapsed(title))
            description = cells.get("description") or (cells["text"] if cells.get("title") else "")
            assert same_text(found.description, description)
        else:
            found = Recommendation.objects.get(event=event, text=collapsed(cells["text"]))
            country = cells.get("audience_country", "").upper()
            assert (found.audience == NAMED) == bool(country)
            assert found.audience_country == country
            assert set(found.countries) == _codes(cells.get("countries", ""), str.upper)
        assert found.region == REGIONS.get(cells.get("region", "").casefold(), event.region)
        assert found.themes.count() == len(_codes(cells.get("themes", ""), str.casefold))


def _codes(text: str, normal) -> set[str]:
    return {normal(part.strip()) for part in text.replace(",", ";").split(";") if part.strip()}


def _import(via: str, *, event, user, data: bytes, layout: str, add_themes: bool):
    """The report of importing ``data``: from the service, or from the upload page."""
    if via == "service":
        return import_outcomes(event=event, data=data, actor=user, add_themes=add_themes)
    name = "outcomes.xlsx" if layout == "xlsx" else "outcomes.csv"
    answer = client_for(user).post(
        reverse("events:outcomes_import", args=[event.slug]),
        {"file": SimpleUploadedFile(name, data), **({"add_themes": "on"} if add_themes else {})},
    )
    return reported_on_page(answer)


@fuzz(25)
@given(
    data=st.data(),
    layout=st.sampled_from(LAYOUTS),
    via=st.sampled_from(["service", "web"]),
    add_themes=st.booleans(),
)
def test_it_reports_every_hostile_row_and_keeps_every_good_one(
    data, layout, via, add_themes, forum, alice
):
    table = data.draw(tables(add_themes=add_themes))
    with transaction.atomic():
        report = _import(
            via, event=forum, user=alice, data=write(table, layout), layout=layout,
            add_themes=add_themes,
        )  # fmt: skip
        assert_reported(table, report.rejected)
        assert report.accepted == len(table.good)
        assert report.skipped == sum(row.skipped for row in table.rows)
        total = forum.recommendations.count() + forum.priorities.count()
        assert total == len(table.good)
        _check_kept(table, forum)
        transaction.set_rollback(True)


def _every_bad_value() -> Table:
    """A row for each value of ``BAD`` among good rows."""
    header = COLUMNS

    def good(index: int, kind: str = "recommendation") -> Row:
        return Row(
            {
                "kind": kind,
                "region": "africa",
                "audience": "legal-field",
                "text": f"Recommendation {index}",
                "themes": "awareness; Funding",
                "countries": "TH, KH",
            }
        )

    rows = [good(0)]
    for column, (values, reason) in BAD.items():
        for value in values:
            rows.append(good(len(rows)))
            rows[-1].cells[column], rows[-1].bad = value, reason
        rows.append(good(len(rows)))
    rows.append(Row({**good(len(rows)).cells, "audience": NAMED}, bad="no country is named"))
    rows.append(
        Row({**good(len(rows)).cells, "audience_country": "TH"}, bad="goes only with the audience")
    )
    rows.append(Row({"kind": "priority", "region": "europe", "title": "t" * 301}, bad="title"))
    rows.append(Row({"kind": "priority", "region": "europe"}, bad="no title"))
    rows.append(Row(good(len(rows)).cells, extra=["stray"], bad="past the last named column"))
    return Table(header, rows)


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_every_kind_of_hostile_cell_is_reported(layout, forum, alice):
    table = _every_bad_value()
    report = import_outcomes(event=forum, data=write(table, layout), actor=alice)
    assert_reported(table, report.rejected)
    assert report.accepted == len(table.good)
    _check_kept(table, forum)


@fuzz(15)
@given(data=st.binary(max_size=2_000))
def test_a_file_that_is_no_table_gets_a_clear_error_on_the_page(data, forum, alice):
    with transaction.atomic():
        answer = client_for(alice).post(
            reverse("events:outcomes_import", args=[forum.slug]),
            {"file": SimpleUploadedFile("outcomes.csv", data)},
        )
        assert answer.status_code == 200
        if answer.context["report"] is None:
            assert answer.context["form"].errors["file"][0].strip()
        assert not forum.recommendations.exists() and not forum.priorities.exists()
        transaction.set_rollback(True)


@fuzz(20)
@given(
    defect=st.sampled_from(
        ["nul", "latin-1", "surrogate", "same column", "unknown column", "no text"]
    ),
    table=tables(add_themes=False),
)
def test_a_damaged_file_is_refused_whole_and_says_why(defect, table, forum, alice):
    header, rows = list(table.header), [[text_of(c) for c in r] for r in table.matrix()]
    filler = [""] * (len(header) - 1)
    options = {}
    text_at = [n.casefold() for n in header].index("text")
    if defect == "nul":
        rows.append([*filler[:text_at], "Fund\x00 shelters", *filler[text_at:]])
    elif defect == "latin-1":
        rows.append([*filler[:text_at], "Fund crèches", *filler[text_at:]])
        options = {"encoding": "latin-1", "errors": "replace"}
    elif defect == "surrogate":
        rows.append([*filler[:text_at], "Fund \udc80", *filler[text_at:]])
        options = {"errors": "surrogatepass"}
    elif defect == "same column":
        header.append(header[text_at].upper() if header[text_at] != "TEXT" else "Text")
    elif defect == "unknown column":
        header.append("theme")
    else:
        header = [name if n != text_at else "body" for n, name in enumerate(header)]
    data = write_csv(header, rows, **options)
    with transaction.atomic():
        with pytest.raises(TabularError) as refused:
            import_outcomes(event=forum, data=data, actor=alice)
        assert str(refused.value).strip()
        assert not forum.recommendations.exists() and not forum.priorities.exists()
        transaction.set_rollback(True)


def test_the_same_column_twice_in_other_cases_is_refused(forum, alice):
    data = write_csv(
        ["text", "Audience", "Text"], [["Fund shelters", "legal-field", "Fund hotlines"]]
    )
    with pytest.raises(TabularError, match="same column"):
        import_outcomes(event=forum, data=data, actor=alice)
    assert not forum.recommendations.exists()
