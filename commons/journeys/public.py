"""What everyone may read about journeys: published releases, and nothing else.

Every figure here is a sum of published release cells, each already noisy and at least
the release's k, so asking the same question twice, or two overlapping questions,
reveals nothing new (docs/privacy.md). Records are never read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from commons.journeys.models import Release, ReleaseCell
from commons.journeys.vocabularies import Sex


@dataclass(frozen=True)
class FlowFilters:
    recruitment: str = ""
    exploitation: str = ""
    year_from: int | None = None
    year_to: int | None = None
    form: str = ""
    sex: str = ""
    age: str = ""  # child or adult
    sector: str = ""  # a labour sector

    @property
    def narrowing(self) -> list[str]:
        """The filters beyond the countries, by name."""
        found = []
        if self.year_from is not None or self.year_to is not None:
            found.append("year")
        found += [name for name in ("form", "sex", "age", "sector") if getattr(self, name)]
        return found

    @property
    def set_aside(self) -> list[str]:
        """The filters no release table can answer together with the others: a labour
        sector is published by route only, so beside it year, form, sex and age are set
        aside (``without_set_aside``)."""
        narrowing = self.narrowing
        return [name for name in narrowing if name != "sector"] if "sector" in narrowing else []

    def without_set_aside(self) -> FlowFilters:
        if not self.set_aside:
            return self
        return replace(self, year_from=None, year_to=None, form="", sex="", age="")


class Unanswerable(ValueError):
    """Filters that no release table answers together."""


@dataclass
class Flows:
    release: Release
    table: str
    flows: list[dict] = field(default_factory=list)  # recruitment, exploitation, count

    @property
    def total(self) -> int:
        return sum(flow["count"] for flow in self.flows)


# Which published table answers a flow question, by the filters it has.
_TABLE_FOR = {
    (): "route",
    ("year",): "route_year",
    ("form",): "route_form",
    ("sex",): "route_sex",
    ("age",): "route_age",
    ("sector",): "route_sector",
}


def published_releases():
    return Release.objects.filter(status=Release.Status.PUBLISHED).order_by("-published_at")


def current_release(release_id: int | None = None) -> Release | None:
    """The latest published release, or the published one asked for (old releases stay
    citable)."""
    releases = published_releases()
    if release_id is not None:
        return releases.filter(pk=release_id).first()
    return releases.first()


def previous_release(release: Release) -> Release | None:
    return published_releases().filter(published_at__lt=release.published_at).first()


def flows(release: Release, filters: FlowFilters) -> Flows:
    """Flows from recruitment to exploitation country matching the filters, largest
    first: the sum of the cells of the one table that has every filter's dimension (the
    route-year-form-sex-age table when several are combined).

    Raises ``Unanswerable`` for a sector with other filters (``FlowFilters.set_aside``).
    """
    if filters.set_aside:
        raise Unanswerable(
            _(
                "A labour sector is published by route only: it cannot be combined with "
                "year, form of exploitation, sex or age."
            )
        )
    table = _TABLE_FOR.get(tuple(filters.narrowing), "flow")
    cells = ReleaseCell.objects.filter(release=release, table=table)
    if filters.recruitment:
        cells = cells.filter(recruitment=filters.recruitment)
    if filters.exploitation:
        cells = cells.filter(exploitation=filters.exploitation)
    if filters.year_from is not None:
        cells = cells.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        cells = cells.filter(year__lte=filters.year_to)
    for name in ("form", "sex", "age", "sector"):
        if getattr(filters, name):
            cells = cells.filter(**{name: getattr(filters, name)})
    rows = (
        cells.values("recruitment", "exploitation")
        .annotate(count=Sum("count"))
        .order_by("-count", "recruitment", "exploitation")
    )
    return Flows(release=release, table=table, flows=list(rows))


def new_routes(release: Release) -> set[tuple[str, str]]:
    """Routes published in this release and not in the one before it."""
    previous = previous_release(release)
    if previous is None:
        return set()

    def routes(of: Release) -> set[tuple[str, str]]:
        return set(
            ReleaseCell.objects.filter(release=of, table="route").values_list(
                "recruitment", "exploitation"
            )
        )

    return routes(release) - routes(previous)


def years(release: Release) -> list[int]:
    return sorted(
        set(
            ReleaseCell.objects.filter(release=release, table="route_year")
            .exclude(year=None)
            .values_list("year", flat=True)
        )
    )


def country_profile(release: Release, code: str) -> dict:
    """A country as a place of recruitment, transit and exploitation: totals, the
    countries at the other end of its routes, the mix of exploitation, the trend."""
    cells = ReleaseCell.objects.filter(release=release)

    def total(table: str, column: str) -> int:
        return cells.filter(table=table, **{column: code}).aggregate(n=Sum("count"))["n"] or 0

    def partners(column: str, other: str) -> list[dict]:
        return list(
            cells.filter(table="route", **{column: code})
            .values(country=F(other))
            .annotate(count=Sum("count"))
            .order_by("-count")[:10]
        )

    def mix(table: str, column: str, dimension: str) -> list[dict]:
        return list(
            cells.filter(table=table, **{column: code})
            .values(dimension)
            .annotate(count=Sum("count"))
            .order_by("-count")
        )

    def trend(column: str) -> list[dict]:
        by_year: dict[int, int] = defaultdict(int)
        for year, count in cells.filter(table="route_year", **{column: code}).values_list(
            "year", "count"
        ):
            by_year[year] += count
        return [{"year": year, "count": by_year[year]} for year in sorted(by_year)]

    return {
        "code": code,
        "recruitment": {
            "total": total("recruitment", "recruitment"),
            "partners": partners("recruitment", "exploitation"),
            "forms": mix("route_form", "recruitment", "form"),
            "trend": trend("recruitment"),
        },
        "transit": {"total": total("transit", "transit")},
        "exploitation": {
            "total": total("exploitation", "exploitation"),
            "partners": partners("exploitation", "recruitment"),
            "forms": mix("route_form", "exploitation", "form"),
            "sectors": mix("exploitation_sector", "exploitation", "sector"),
            "trend": trend("exploitation"),
        },
    }


SEX_CHOICES = [(code, label) for code, label in Sex.choices if code != Sex.UNKNOWN]


def origin_countries(country: str, *, limit: int = 5) -> list[str]:
    """Where the people exploited in ``country`` were recruited, most first, by the
    latest published release (empty before the first one)."""
    release = current_release()
    if release is None:
        return []
    return list(
        ReleaseCell.objects.filter(release=release, table="route", exploitation=country)
        .exclude(recruitment="")
        .exclude(recruitment=country)
        .order_by("-count", "recruitment")
        .values_list("recruitment", flat=True)[:limit]
    )


def legs(release: Release) -> list[dict]:
    """The legs of the journeys (one country to the next, through transit countries),
    largest first, as flows: ``recruitment`` is where a leg starts, ``exploitation``
    where it ends."""
    rows = (
        ReleaseCell.objects.filter(release=release, table="leg")
        .values("origin", "destination")
        .annotate(people=Sum("count"))
        .order_by("-people", "origin", "destination")
    )
    return [
        {"recruitment": row["origin"], "exploitation": row["destination"], "count": row["people"]}
        for row in rows
    ]
