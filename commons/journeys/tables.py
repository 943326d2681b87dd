"""The tables of a release and the exact count of people in each of their cells.

Pure Python, no database: ``exact_tables`` counts plain ``Row``s, so that a test can
count hundreds of datasets in memory, the import can count what it adds, and a release
reads counts kept up to date (``tallies``). docs/privacy.md ("Releases") explains the
tables and the contribution bounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from typing import NamedTuple

from django.utils.translation import gettext_lazy

# Contribution bounds: how many cells of one table a person may touch. Past these, a
# record's extra forms, transit countries or legs are left out of the release.
FORMS_PER_PERSON = 3
TRANSIT_PER_PERSON = 3
LEGS_PER_PERSON = 3


class Table(NamedTuple):
    dimensions: tuple[str, ...]  # the ReleaseCell columns the table fills
    bound: int  # cells one person may touch (each by at most 1)
    label: str


# The tables of a release, by their stable codes (used in ReleaseCell.table, the API
# and exports; never rename one).
TABLES: dict[str, Table] = {
    "recruitment": Table(("recruitment",), 1, gettext_lazy("People by country of recruitment")),
    "exploitation": Table(("exploitation",), 1, gettext_lazy("People by country of exploitation")),
    "transit": Table(
        ("transit",), TRANSIT_PER_PERSON, gettext_lazy("People by country of transit")
    ),
    "route": Table(
        ("recruitment", "exploitation"),
        1,
        gettext_lazy("People by route (country of recruitment → country of exploitation)"),
    ),
    "leg": Table(
        ("origin", "destination"),
        LEGS_PER_PERSON,
        gettext_lazy("People by leg of their journey (one country to the next)"),
    ),
    "route_year": Table(
        ("recruitment", "exploitation", "year"), 1, gettext_lazy("People by route and year")
    ),
    "route_form": Table(
        ("recruitment", "exploitation", "form"),
        FORMS_PER_PERSON,
        gettext_lazy("People by route and form of exploitation"),
    ),
    "route_sex": Table(
        ("recruitment", "exploitation", "sex"), 1, gettext_lazy("People by route and sex")
    ),
    "route_age": Table(
        ("recruitment", "exploitation", "age"),
        1,
        gettext_lazy("People by route and age (child or adult)"),
    ),
    "route_sector": Table(
        ("recruitment", "exploitation", "sector"),
        1,
        gettext_lazy("People by route and labour sector"),
    ),
    "exploitation_sector": Table(
        ("exploitation", "sector"),
        1,
        gettext_lazy("People by country of exploitation and labour sector"),
    ),
    "citizenship_year": Table(
        ("citizenship", "year"), 1, gettext_lazy("People by citizenship and year")
    ),
    "flow": Table(
        ("recruitment", "exploitation", "year", "form", "sex", "age"),
        FORMS_PER_PERSON,
        gettext_lazy("People by route, year, form of exploitation, sex and age"),
    ),
}
DIMENSIONS = (
    "recruitment",
    "transit",
    "exploitation",
    "origin",
    "destination",
    "citizenship",
    "year",
    "form",
    "sex",
    "age",
    "sector",
)


class Row(NamedTuple):
    """What a release reads of one record (or of several identical ones)."""

    year: int
    sex: str
    age: str  # child, adult or unknown
    citizenship: str
    recruitment: str
    exploitation: str
    sector: str
    transit: tuple[str, ...]  # transit countries, in order
    forms: tuple[str, ...]
    people: int = 1  # the people it stands for: each is counted once per cell
    records: int = 1


def _first_distinct(values: Iterable[str], limit: int) -> list[str]:
    kept: list[str] = []
    for value in values:
        if value and value not in kept:
            kept.append(value)
            if len(kept) == limit:
                break
    return kept


def legs(recruitment: str, transit: Iterable[str], exploitation: str) -> list[tuple[str, str]]:
    """The distinct legs of a journey, country to country, at most ``LEGS_PER_PERSON``:
    past that the first ones and the last (the arrival) are kept. Unknown countries are
    skipped; a stay within one country is no leg."""
    path = [country for country in (recruitment, *transit, exploitation) if country]
    found: list[tuple[str, str]] = []
    for leg in pairwise(path):
        if leg[0] != leg[1] and leg not in found:
            found.append(leg)
    if len(found) > LEGS_PER_PERSON:
        found = [*found[: LEGS_PER_PERSON - 1], found[-1]]
    return found


def cells(row: Row) -> dict[str, list[tuple]]:
    """The cells of each table one person of ``row`` is counted in, within the bounds."""
    route = (row.recruitment, row.exploitation)
    forms = _first_distinct(row.forms, FORMS_PER_PERSON) or [""]
    return {
        "recruitment": [(row.recruitment,)],
        "exploitation": [(row.exploitation,)],
        "transit": [(country,) for country in _first_distinct(row.transit, TRANSIT_PER_PERSON)],
        "route": [route],
        "leg": legs(row.recruitment, row.transit, row.exploitation),
        "route_year": [(*route, row.year)],
        "route_form": [(*route, form) for form in forms],
        "route_sex": [(*route, row.sex)],
        "route_age": [(*route, row.age)],
        "route_sector": [(*route, row.sector)],
        "exploitation_sector": [(row.exploitation, row.sector)],
        "citizenship_year": [(row.citizenship, row.year)],
        "flow": [(*route, row.year, form, row.sex, row.age) for form in forms],
    }


def empty_tables() -> dict[str, dict[tuple, int]]:
    return {code: defaultdict(int) for code in TABLES}


def exact_tables(
    rows: Iterable[Row], into: dict[str, dict[tuple, int]] | None = None
) -> dict[str, dict[tuple, int]]:
    """Exact counts of people per cell of every table (``cells`` of every row, weighed by
    its people), added to ``into`` when given (``empty_tables()``). Never published as
    such.

    Written out rather than looping over ``cells``: a million records count in seconds.
    """
    tables = empty_tables() if into is None else into
    recruitment, exploitation, transit, route, leg = (
        tables[code] for code in ("recruitment", "exploitation", "transit", "route", "leg")
    )
    route_year, route_form, route_sex, route_age, route_sector, flow = (
        tables[code]
        for code in ("route_year", "route_form", "route_sex", "route_age", "route_sector", "flow")
    )
    sectors, citizenships = tables["exploitation_sector"], tables["citizenship_year"]
    paths: dict[tuple, tuple[list[tuple[str]], list[tuple[str, str]]]] = {}
    clamped: dict[tuple[str, ...], list[str]] = {}
    for year, sex, age, citizenship, start, end, sector, through, forms, n, _records in rows:
        try:
            countries, journey = paths[start, through, end]
        except KeyError:
            countries = [(country,) for country in _first_distinct(through, TRANSIT_PER_PERSON)]
            journey = legs(start, through, end)
            paths[start, through, end] = (countries, journey)
        try:
            kept = clamped[forms]
        except KeyError:
            kept = clamped[forms] = _first_distinct(forms, FORMS_PER_PERSON) or [""]
        recruitment[(start,)] += n
        exploitation[(end,)] += n
        for country in countries:
            transit[country] += n
        for step in journey:
            leg[step] += n
        route[start, end] += n
        route_year[start, end, year] += n
        route_sex[start, end, sex] += n
        route_age[start, end, age] += n
        route_sector[start, end, sector] += n
        sectors[end, sector] += n
        citizenships[citizenship, year] += n
        for form in kept:
            route_form[start, end, form] += n
            flow[start, end, year, form, sex, age] += n
    return tables
