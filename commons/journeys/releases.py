"""Public releases of journey records: aggregate tables with differentially private noise.

A data steward builds a draft from the records of the moment (``build_release``),
previews it with its expected error (``preview``) and publishes it
(``publish_release``). Public pages, the API and exports read published releases only
(``current_release``, ``export_release``); a release never changes once published, so
the same question always gets the same answer. docs/privacy.md ("Releases") explains
the tables, the split of ε, the contribution bounds, k and δ.

The module has a pure core that works on plain Python rows (``Row``, ``exact_tables``,
``plan_release``, ``noisy_tables``), so that a test can run hundreds of releases in
memory, and a thin layer that reads records from the database and writes cells.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

import opendp.prelude as dp
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.journeys.models import Record, Release, ReleaseCell
from commons.journeys.public import current_release  # noqa: F401  (one definition)
from commons.journeys.rules import can_build_releases
from commons.journeys.vocabularies import AgeBand, age_group
from commons.lib.tabular import write_csv, write_xlsx

dp.enable_features("contrib")  # OpenDP's threshold mechanism is a "contrib" measurement

DEFAULT_EPSILON = 1.0
DEFAULT_K = 11
# The chance that the release breaks its ε promise for a given person (docs/privacy.md).
DEFAULT_DELTA = 1e-7

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
# The release's two totals (records and people) are noisy counts too: one person moves
# each of them by at most 1.
TOTALS_BOUND = 2
# Every count of the release gets noise of the same scale: ε is split across the tables
# in proportion to their bounds (docs/privacy.md).
SENSITIVITY = sum(table.bound for table in TABLES.values()) + TOTALS_BOUND


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


# The pure core ----------------------------------------------------------------------


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
        "exploitation_sector": [(row.exploitation, row.sector)],
        "citizenship_year": [(row.citizenship, row.year)],
        "flow": [(*route, row.year, form, row.sex, row.age) for form in forms],
    }


def exact_tables(rows: Iterable[Row]) -> dict[str, dict[tuple, int]]:
    """Exact counts of people per cell of every table (``cells`` of every row, weighed by
    its people). Never published as such.

    Written out rather than looping over ``cells``: a million records count in seconds.
    """
    tables: dict[str, dict[tuple, int]] = {code: defaultdict(int) for code in TABLES}
    recruitment, exploitation, transit, route, leg = (
        tables[code] for code in ("recruitment", "exploitation", "transit", "route", "leg")
    )
    route_year, route_form, route_sex, route_age, flow = (
        tables[code] for code in ("route_year", "route_form", "route_sex", "route_age", "flow")
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
        sectors[end, sector] += n
        citizenships[citizenship, year] += n
        for form in kept:
            route_form[start, end, form] += n
            flow[start, end, year, form, sex, age] += n
    return tables


@dataclass(frozen=True)
class TablePlan:
    bound: int
    epsilon: float  # this table's share, as OpenDP's privacy map states it
    delta: float
    threshold: int  # noisy counts below it are not published (at least k)


@dataclass(frozen=True)
class Plan:
    """How much noise each table gets and where its threshold lies."""

    epsilon: float  # the sum of the tables' shares (basic composition)
    delta: float
    k: int
    scale: float  # of the discrete Laplace noise on every count
    error95: int  # 95 % of the noise values lie within ± this
    tables: dict[str, TablePlan]
    totals_epsilon: float


@lru_cache(maxsize=64)
def _threshold_measurement(scale: float, threshold: int):
    """OpenDP's Laplace threshold mechanism over a map of cell numbers to counts: noise on
    every observed key, and the keys whose noisy count is below ``threshold`` dropped."""
    return dp.m.make_laplace_threshold(
        dp.map_domain(dp.atom_domain(T=int), dp.atom_domain(T=int)),
        dp.l01inf_distance(dp.absolute_distance(T=int)),
        scale=scale,
        threshold=threshold,
    )


@lru_cache(maxsize=16)
def _totals_measurement(scale: float):
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )


def _privacy_loss(scale: float, threshold: int, bound: int) -> tuple[float, float]:
    # A person touches at most ``bound`` cells (l0), by 1 each (l∞), so by ``bound`` in all.
    epsilon, delta = _threshold_measurement(scale, threshold).map((bound, bound, 1))
    return float(epsilon), float(delta)


def _threshold(scale: float, bound: int, k: int, delta: float) -> int:
    """The smallest threshold, at least k, that keeps a table's δ within ``delta``."""

    def leaks(threshold: int) -> bool:
        return _privacy_loss(scale, threshold, bound)[1] > delta

    if not leaks(k):
        return k
    low, high = k, 2 * k
    while leaks(high):
        low, high = high, 2 * high
        if high > 2**30:
            raise ValueError(_("δ is too small for OpenDP to reach; choose a larger δ."))
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if leaks(middle) else (low, middle)
    return high


def error95(scale: float) -> int:
    """The bound within which 95 % of discrete Laplace noise values of ``scale`` lie:
    P(|X| > x) = 2·e^(-(x+1)/scale) / (1 + e^(-1/scale))."""
    return max(0, math.ceil(scale * math.log(40 / (1 + math.exp(-1 / scale)))) - 1)


def check_parameters(*, epsilon: float, k: int, delta: float) -> None:
    """Raise ``ValueError`` with a reason for parameters a release cannot use."""
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(_("ε must be a positive number."))
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 10_000:
        raise ValueError(_("k must be a whole number from 1 to 10,000."))
    if not (isinstance(delta, int | float) and 1e-12 <= delta < 0.01):
        raise ValueError(_("δ must lie between 1e-12 and 0.01."))


@lru_cache(maxsize=16)
def plan_release(
    *, epsilon: float = DEFAULT_EPSILON, k: int = DEFAULT_K, delta: float = DEFAULT_DELTA
) -> Plan:
    """Split ε and δ across the tables.

    1. Every count gets discrete Laplace noise of one scale, ``SENSITIVITY / ε``, so a
       table's share of ε is its bound over ``SENSITIVITY``.
    2. δ is split evenly across the tables; each table's threshold is the smallest, at
       least k, with which OpenDP's privacy map stays within that share.
    """
    check_parameters(epsilon=epsilon, k=k, delta=delta)
    scale = SENSITIVITY / epsilon
    tables = {}
    for code, table in TABLES.items():
        threshold = _threshold(scale, table.bound, k, delta / len(TABLES))
        table_epsilon, table_delta = _privacy_loss(scale, threshold, table.bound)
        tables[code] = TablePlan(table.bound, table_epsilon, table_delta, threshold)
    totals_epsilon = float(_totals_measurement(scale).map(TOTALS_BOUND))
    return Plan(
        epsilon=sum(plan.epsilon for plan in tables.values()) + totals_epsilon,
        delta=sum(plan.delta for plan in tables.values()),
        k=k,
        scale=scale,
        error95=error95(scale),
        tables=tables,
        totals_epsilon=totals_epsilon,
    )


def noisy_tables(exact: dict[str, dict[tuple, int]], plan: Plan) -> dict[str, dict[tuple, int]]:
    """The publishable counts: OpenDP's noise on every count, the cells below their
    table's threshold (and so below k) left out, no count below zero."""
    released = {}
    for code, counts in exact.items():
        if not counts:
            released[code] = {}
            continue
        # OpenDP takes a map of plain keys: each cell is known by its place in ``keys``.
        keys = list(counts)
        measurement = _threshold_measurement(plan.scale, plan.tables[code].threshold)
        noisy = measurement(dict(enumerate(counts.values())))
        released[code] = {
            keys[index]: max(0, count) for index, count in noisy.items() if count >= plan.k
        }
    return released


def rounded(number: int) -> int:
    """A total as a release states it: to the 10 below 1,000, to the 100 below 100,000,
    to the 1,000 above."""
    number = max(0, number)
    step = 10 if number < 1_000 else 100 if number < 100_000 else 1_000
    return round(number / step) * step


def noisy_totals(records: int, people: int, plan: Plan) -> tuple[int, int]:
    """The release's number of records and of people, with noise, rounded."""
    noisy_records, noisy_people = _totals_measurement(plan.scale)([records, people])
    return rounded(noisy_records), rounded(noisy_people)


# The database layer -----------------------------------------------------------------

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


def _record_rows(progress: Callable[[int, int | None], None] | None = None) -> Iterator[Row]:
    """The records of the moment, grouped by what the tables read, as ``Row``s: one
    query, so one consistent snapshot.

    The ORM writes the query, but rows are read from the cursor: decoding every JSON
    list anew took most of the time, and the same few lists recur over and over.
    """
    total = Record.objects.count() if progress is not None else None
    grouped = (
        Record.objects.order_by()
        .values_list(*_FIELDS)
        .annotate(people=Sum("count"), records=Count("id"))
    )
    sql, params = grouped.query.sql_with_params()
    countries: dict[str, tuple[str, ...]] = {}
    codes: dict[str, tuple[str, ...]] = {}
    ages = {band: age_group(band) for band in AgeBand.values}
    done = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for values in chunk:
                year, sex, band, citizenship, start, end, sector, transit, forms = values[:9]
                people, records = values[9:]
                if transit not in countries:
                    countries[transit] = tuple(
                        stage.get("country", "") for stage in _json(transit) or ()
                    )
                if forms not in codes:
                    codes[forms] = tuple(_json(forms) or ())
                yield Row(
                    year,
                    sex,
                    ages.get(band, "unknown"),
                    citizenship,
                    start,
                    end,
                    sector,
                    countries[transit],
                    codes[forms],
                    people,
                    records,
                )
                done += records
            if progress is not None:
                progress(done, total)


def _json(value):
    # JSON columns arrive as text (SQLite, and PostgreSQL as Django sets psycopg up).
    return json.loads(value) if isinstance(value, str | bytes) else value


def _release_cells(release: Release, noisy: dict[str, dict[tuple, int]]) -> Iterator[ReleaseCell]:
    for code, counts in noisy.items():
        dimensions = TABLES[code].dimensions
        for key, count in counts.items():
            yield ReleaseCell(
                release=release, table=code, count=count, **dict(zip(dimensions, key, strict=True))
            )


def _check_steward(by) -> None:
    if by is not None and not can_build_releases(by):
        raise PermissionDenied


def build_release(
    *,
    epsilon: float = DEFAULT_EPSILON,
    k: int = DEFAULT_K,
    delta: float = DEFAULT_DELTA,
    by=None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Release:
    """Build a draft release from the records present now.

    1. Read the records, grouped by the fields the tables use, in one query.
    2. Count people exactly per cell of every table, within the contribution bounds.
    3. Add OpenDP's noise and drop the cells below their threshold (``plan_release``).
    4. Store the release and its cells, in one transaction.

    ``by`` is a data steward or staff (None on the command line, where the operator
    acts); ``progress(done, total)`` hears of the records read.
    Side effects: one ``Release`` (draft) with its ``ReleaseCell`` rows; an audit event
    ``journeys.release_built`` (building reads every record).
    Raises ``PermissionDenied`` and ``ValueError`` (parameters out of range).
    """
    _check_steward(by)
    plan = plan_release(epsilon=epsilon, k=k, delta=delta)
    read = Counter()

    def counted(rows: Iterable[Row]) -> Iterator[Row]:
        for row in rows:
            read["records"] += row.records
            read["people"] += row.people
            yield row

    exact = exact_tables(counted(_record_rows(progress)))
    records, people = read["records"], read["people"]
    noisy = noisy_tables(exact, plan)
    noisy_records, noisy_people = noisy_totals(records, people, plan)
    tables: dict[str, dict] = {
        code: {
            "dimensions": list(TABLES[code].dimensions),
            "bound": table_plan.bound,
            "epsilon": table_plan.epsilon,
            "delta": table_plan.delta,
            "scale": plan.scale,
            "threshold": table_plan.threshold,
            "error95": plan.error95,
            "cells": len(noisy[code]),
            # Exact figures for the steward's preview; removed when the release is
            # published, since they are not noisy.
            "steward": {"suppressed": len(exact[code]) - len(noisy[code])},
        }
        for code, table_plan in plan.tables.items()
    }
    tables["totals"] = {
        "dimensions": [],
        "bound": TOTALS_BOUND,
        "epsilon": plan.totals_epsilon,
        "delta": 0.0,
        "scale": plan.scale,
        "error95": plan.error95,
        "steward": {"records": records, "people": people},
    }
    with transaction.atomic():
        release = Release.objects.create(
            status=Release.Status.DRAFT,
            epsilon=epsilon,
            delta=plan.delta,
            k=k,
            records=noisy_records,
            people=noisy_people,
            tables=tables,
            built_by=by,
        )
        ReleaseCell.objects.bulk_create(_release_cells(release, noisy), batch_size=2_000)
        record_audit(
            action=AuditEvent.Action.RELEASE_BUILT,
            actor=by,
            target=release,
            data={
                "epsilon": epsilon,
                "delta": plan.delta,
                "k": k,
                "cells": sum(len(counts) for counts in noisy.values()),
            },
        )
    return release


def preview(release: Release, *, by=None, request=None) -> dict:
    """What the steward checks before publishing: per table, the cells published and
    suppressed, the noise scale, the threshold and the expected error.

    Side effects: an audit event ``journeys.steward_read``. Raises ``PermissionDenied``
    for anyone but a data steward or staff (``by`` None: the command line).
    """
    _check_steward(by)
    record_audit(
        action=AuditEvent.Action.STEWARD_READ,
        actor=by,
        target=release,
        request=request,
        data={"read": "release preview", "status": release.status},
    )
    largest: dict[str, list[dict]] = {}
    for code in TABLES:
        rows = ReleaseCell.objects.filter(release=release, table=code).order_by("-count")
        largest[code] = list(rows.values(*TABLES[code].dimensions, "count")[:3])
    return {
        "release": release.pk,
        "status": release.status,
        "epsilon": release.epsilon,
        "delta": release.delta,
        "k": release.k,
        "records": release.records,
        "people": release.people,
        "built_at": release.created_at,
        "tables": [
            {
                "code": code,
                "label": str(TABLES[code].label),
                "dimensions": list(TABLES[code].dimensions),
                "cells": release.tables[code]["cells"],
                "suppressed": release.tables[code].get("steward", {}).get("suppressed"),
                "epsilon": release.tables[code]["epsilon"],
                "bound": release.tables[code]["bound"],
                "scale": release.tables[code]["scale"],
                "threshold": release.tables[code]["threshold"],
                "error95": release.tables[code]["error95"],
                "largest": largest[code],
            }
            for code in TABLES
        ],
    }


def publish_release(*, release: Release, by=None, request=None) -> Release:
    """Publish a draft: from now on it is what the public sees, and it never changes.

    Side effects: the release becomes published (the steward-only exact figures of its
    preview are dropped); an audit event ``journeys.release_published``.
    Raises ``PermissionDenied`` and ``ValueError`` (already published).
    """
    _check_steward(by)
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.status == Release.Status.PUBLISHED:
            raise ValueError(
                _("Release %(release)s is already published; a release never changes.")
                % {"release": locked.pk}
            )
        for table in locked.tables.values():
            table.pop("steward", None)
        locked.status = Release.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = by
        locked.save()
        record_audit(
            action=AuditEvent.Action.RELEASE_PUBLISHED,
            actor=by,
            target=locked,
            request=request,
            data={"epsilon": locked.epsilon, "delta": locked.delta, "k": locked.k},
        )
    release.refresh_from_db()
    return release


def export_release(
    *, release: Release, table: str | None = None, format: str = "csv", by=None, request=None
) -> bytes:
    """A release's cells as CSV or XLSX: one table (its dimensions and the count) or all
    of them (a ``table`` column and every dimension).

    Anyone may export a published release; a draft only a data steward or staff.
    Side effects: an audit event ``data.export``.
    Raises ``PermissionDenied`` and ``ValueError`` (unknown table or format).
    """
    if release.status != Release.Status.PUBLISHED and not (
        by is not None and can_build_releases(by)
    ):
        raise PermissionDenied
    if table is not None and table not in TABLES:
        raise ValueError(_("There is no release table %(table)s.") % {"table": repr(table)})
    if format not in {"csv", "xlsx"}:
        raise ValueError(_("Exports are CSV or XLSX."))
    fieldnames = [*TABLES[table].dimensions, "count"] if table else ["table", *DIMENSIONS, "count"]
    cells = ReleaseCell.objects.filter(release=release)
    if table:
        cells = cells.filter(table=table)
    rows = list(cells.order_by("table", "-count", "id").values(*fieldnames))
    record_audit(
        action=AuditEvent.Action.EXPORT,
        actor=by,
        target=release,
        request=request,
        data={"table": table or "all", "format": format, "cells": len(rows)},
    )
    if format == "xlsx":
        return write_xlsx(rows, fieldnames, title=table or "release")
    return write_csv(rows, fieldnames)
