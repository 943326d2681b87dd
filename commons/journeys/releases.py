"""Public releases of journey records: aggregate tables with differentially private noise.

A data steward builds a draft from the records of the moment (``build_release``),
previews it with its expected error (``preview``) and publishes it
(``publish_release``). Public pages, the API and exports read published releases only
(``current_release``, ``export_release``); a release never changes once published, so
the same question always gets the same answer. docs/privacy.md ("Releases") explains
the tables, the split of ε, the contribution bounds, k and δ.

The module has a pure core (``plan_release``, ``noisy_tables``) that works on exact
tables (``tables.exact_tables``), so that a test can run hundreds of releases in memory,
and a thin layer that reads the exact counts kept up to date (``tallies``) and writes
cells.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import opendp.prelude as dp
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.journeys import tallies
from commons.journeys.models import Release, ReleaseCell
from commons.journeys.public import current_release  # noqa: F401  (one definition)
from commons.journeys.rules import can_build_releases
from commons.journeys.tables import DIMENSIONS, TABLES
from commons.lib.tabular import write_csv, write_xlsx

dp.enable_features("contrib")  # OpenDP's threshold mechanism is a "contrib" measurement

DEFAULT_EPSILON = 1.0
DEFAULT_K = 11
# The chance that the release breaks its ε promise for a given person (docs/privacy.md).
DEFAULT_DELTA = 1e-7

# The release's two totals (records and people) are noisy counts too: one person moves
# each of them by at most 1.
TOTALS_BOUND = 2
# Every count of the release gets noise of the same scale: ε is split across the tables
# in proportion to their bounds (docs/privacy.md).
SENSITIVITY = sum(table.bound for table in TABLES.values()) + TOTALS_BOUND


# The noise ------------------------------------------------------------------------------


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


# OpenDP's mechanism is applied to a table in parts of this many cells, several at a
# time: its noise is drawn in compiled code that lets other threads run meanwhile.
NOISE_PART = 20_000


def noisy_tables(
    exact: dict[str, dict[tuple, int]],
    plan: Plan,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, dict[tuple, int]]:
    """The publishable counts: OpenDP's noise on every count, the cells below their
    table's threshold (and so below k) left out, no count below zero.

    The mechanism adds noise to each cell on its own and keeps or drops each cell by its
    own noisy count, so applying it to a table part by part gives the very same
    distribution of results as applying it to the whole table at once.
    """
    parts = []
    for code, counts in exact.items():
        cells = iter(counts.items())
        while part := dict(islice(cells, NOISE_PART)):
            parts.append((code, part))
    total, done = sum(len(counts) for counts in exact.values()), 0
    released: dict[str, dict[tuple, int]] = {code: {} for code in exact}
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        noised = pool.map(lambda part: _noisy_part(*part, plan), parts)
        for (code, part), noisy in zip(parts, noised, strict=True):
            released[code].update(noisy)
            done += len(part)
            if progress is not None:
                progress(done, total)
    return released


def _noisy_part(code: str, counts: dict[tuple, int], plan: Plan) -> dict[tuple, int]:
    # OpenDP takes a map of plain keys: each cell is known by its place in ``keys``.
    keys = list(counts)
    measurement = _threshold_measurement(plan.scale, plan.tables[code].threshold)
    noisy = measurement(dict(enumerate(counts.values())))
    return {keys[index]: max(0, count) for index, count in noisy.items() if count >= plan.k}


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

    1. Read the exact counts of every table's cells, kept up to date as records come
       and go (``tallies.exact_counts``, which recounts them if they disagree with the
       records).
    2. Add OpenDP's noise and drop the cells below their threshold (``plan_release``).
    3. Store the release and its cells, in one transaction.

    ``by`` is a data steward or staff (None on the command line, where the operator
    acts); ``progress(done, total)`` hears of the cells given noise.
    Side effects: one ``Release`` (draft) with its ``ReleaseCell`` rows; an audit event
    ``journeys.release_built`` (building reads what every record adds up to).
    Raises ``PermissionDenied`` and ``ValueError`` (parameters out of range).
    """
    _check_steward(by)
    plan = plan_release(epsilon=epsilon, k=k, delta=delta)
    exact, records, people = tallies.exact_counts()
    noisy = noisy_tables(exact, plan, progress)
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
    # Open data for programs and statisticians: dimension names and codes as in the API,
    # the same in every language (docs/data-formats.md).
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
