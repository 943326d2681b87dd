"""Exact counts kept up to date: what a release is built from.

Every contribution, correction and withdrawal adds its records' cells
(``tables.exact_tables``) to the tallies, or takes them away, in the same transaction as
the records themselves. Building a release then reads the tallies, a few hundred
thousand rows, instead of a million records (bench/README.md, "Journeys").

``exact_counts`` checks the tallies against the records' own totals before a release
uses them and recounts them from the records (``recount``) when the two disagree, so a
record written some other way (a database console, a restored backup) can never make a
release wrong; ``commons journeys recount`` does the same on demand.

Like the records, tallies are never shown to anyone (docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum

from commons.journeys.formats import JourneyRow
from commons.journeys.models import Record, Tally
from commons.journeys.tables import (
    FORMS_PER_PERSON,
    LEGS_PER_PERSON,
    TABLES,
    TRANSIT_PER_PERSON,
    Row,
    empty_tables,
    exact_tables,
)
from commons.journeys.vocabularies import AgeBand, age_group

logger = logging.getLogger(__name__)

TOTALS = "totals"  # the table of the two totals: keys "records" and "people"
SEPARATOR = "\x1f"  # between a cell's dimensions: no code, country or year holds it
# The tables and bounds the tallies were counted for, kept as a key of ``TOTALS``: when
# a table or a bound changes, the tallies no longer fit and are recounted.
LAYOUT = (
    "layout "
    + hashlib.sha256(
        repr(
            [(code, table.dimensions, table.bound) for code, table in TABLES.items()]
            + [FORMS_PER_PERSON, TRANSIT_PER_PERSON, LEGS_PER_PERSON]
        ).encode()
    ).hexdigest()[:16]
)

Progress = Callable[[int, int | None], None]


def key(cell: tuple) -> str:
    return SEPARATOR.join(map(str, cell))


def cell(table: str, text: str) -> tuple:
    """The dimensions ``key`` joined, with the year a number again."""
    values = text.split(SEPARATOR)
    return tuple(
        int(value) if name == "year" else value
        for name, value in zip(TABLES[table].dimensions, values, strict=True)
    )


_AGE_GROUPS = {band: age_group(band) for band in AgeBand.values}


def record_row(record: Record) -> Row:
    """What the tables read of a stored record."""
    return Row(
        record.year,
        record.sex,
        _AGE_GROUPS.get(record.age_band, "unknown"),
        record.citizenship,
        record.recruitment_country,
        record.exploitation_country,
        record.sector,
        tuple(stage.get("country", "") for stage in record.transit or ()),
        tuple(record.forms or ()),
        record.count,
        1,
    )


def journey_row(record: JourneyRow) -> Row:
    """What the tables read of a checked row, before it is stored (written out: an
    import makes a million of them)."""
    return Row(
        record.year,
        str(record.sex),
        _AGE_GROUPS.get(record.age_band, "unknown"),
        record.citizenship,
        record.recruitment.country if record.recruitment else "",
        record.exploitation.country,
        record.sector,
        tuple(stage.country for stage in record.transit),
        tuple(record.forms),
        record.count,
        1,
    )


class Change:
    """Exact counts to add to the tallies or take from them: rows are counted as they
    come, and ``save`` writes the sum once, in the caller's transaction."""

    def __init__(self) -> None:
        self.tables = empty_tables()
        self.records = 0
        self.people = 0
        self.removes = False

    def add(self, rows: Iterable[Row], *, sign: int = 1) -> Change:
        """Count ``rows`` in (``sign`` -1: out, for records withdrawn or corrected)."""
        if sign < 0:
            self.removes = True
            rows = (each._replace(people=-each.people, records=-each.records) for each in rows)
        exact_tables(self._totalled(rows), into=self.tables)
        return self

    def _totalled(self, rows: Iterable[Row]) -> Iterator[Row]:
        for each in rows:
            self.records += each.records
            self.people += each.people
            yield each

    def save(self) -> None:
        """Add the counts to the tallies; cells left with nobody are deleted."""
        changes = [
            (table, key(dimensions), people)
            for table, counts in self.tables.items()
            for dimensions, people in counts.items()
            if people
        ]
        if not changes:
            return
        changes.append((TOTALS, "records", self.records))
        changes.append((TOTALS, "people", self.people))
        if not Tally.objects.exists():
            changes.append((TOTALS, LAYOUT, 1))  # counted from nothing: they fit
        # One order for every writer: two transactions adding to the same cells then
        # wait for each other instead of deadlocking (PostgreSQL).
        changes.sort()
        quote = connection.ops.quote_name
        table, column = quote(Tally._meta.db_table), quote("people")
        # Only the model's own table and column names go into the statement; values are
        # parameters.
        sql = (
            f"INSERT INTO {table} ({quote('table')}, {quote('key')}, {column}) "  # noqa: S608
            f"VALUES (%s, %s, %s) ON CONFLICT ({quote('table')}, {quote('key')}) "
            f"DO UPDATE SET {column} = {table}.{column} + excluded.{column}"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, changes)
        if self.removes:
            Tally.objects.filter(people=0).delete()


_FIELDS = (
    "year",
    "sex",
    "age_band",
    "citizenship",
    "recruitment_country",
    "exploitation_country",
    "sector",
    "transit",
    "forms",
)


def record_rows(records: QuerySet | None = None, progress: Progress | None = None) -> Iterator[Row]:
    """The records (all of them by default), grouped by what the tables read, as
    ``Row``s: one query, so one consistent snapshot.

    The ORM writes the query, but rows are read from the cursor: decoding every JSON
    list anew took most of the time, and the same few lists recur over and over.
    """
    records = Record.objects.all() if records is None else records
    total = records.count() if progress is not None else None
    grouped = (
        records.order_by().values_list(*_FIELDS).annotate(people=Sum("count"), records=Count("id"))
    )
    sql, params = grouped.query.sql_with_params()
    countries: dict[str, tuple[str, ...]] = {}
    codes: dict[str, tuple[str, ...]] = {}
    done = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for values in chunk:
                year, sex, band, citizenship, start, end, sector, transit, forms = values[:9]
                people, count = values[9:]
                if transit not in countries:
                    countries[transit] = tuple(
                        stage.get("country", "") for stage in _json(transit) or ()
                    )
                if forms not in codes:
                    codes[forms] = tuple(_json(forms) or ())
                yield Row(
                    year,
                    sex,
                    _AGE_GROUPS.get(band, "unknown"),
                    citizenship,
                    start,
                    end,
                    sector,
                    countries[transit],
                    codes[forms],
                    people,
                    count,
                )
                done += count
            if progress is not None:
                progress(done, total)


def _json(value):
    # JSON columns arrive as text (SQLite, and PostgreSQL as Django sets psycopg up).
    return json.loads(value) if isinstance(value, str | bytes) else value


@transaction.atomic
def recount(progress: Progress | None = None) -> Change:
    """Count every record anew into empty tallies."""
    Tally.objects.all().delete()
    change = Change().add(record_rows(progress=progress))
    change.save()
    if not change.records:  # no records: the empty tallies fit
        Tally.objects.create(table=TOTALS, key=LAYOUT, people=1)
    return change


def exact_counts() -> tuple[dict[str, dict[tuple, int]], int, int]:
    """The exact tables, and the numbers of records and people, from the tallies; the
    tallies are recounted first if they disagree with the records."""
    with transaction.atomic():
        expected = Record.objects.aggregate(records=Count("id"), people=Sum("count"))
        found = stored()
        if found is None or found[1:] != (expected["records"], expected["people"] or 0):
            logger.warning("journey tallies disagree with the records: recounting them")
            recount()
            found = stored()
    assert found is not None  # just recounted: nothing below zero
    return found


def stored() -> tuple[dict[str, dict[tuple, int]], int, int] | None:
    """The tallies as exact tables and totals; None if they were counted for other
    tables or bounds (``LAYOUT``), or a count is below zero (taken away more often than
    added: written some other way)."""
    tables: dict[str, dict[tuple, int]] = {code: {} for code in TABLES}
    totals = {"records": 0, "people": 0, LAYOUT: 0}
    rows = Tally.objects.values_list("table", "key", "people")
    with connection.chunked_cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        while chunk := cursor.fetchmany(10_000):
            for table, text, people in chunk:
                if people < 0:
                    return None
                if table == TOTALS:
                    totals[text] = people  # an old layout's key is ignored
                elif table in tables:
                    tables[table][cell(table, text)] = people
    if not totals[LAYOUT]:
        return None  # counted for other tables or bounds
    return tables, totals["records"], totals["people"]
