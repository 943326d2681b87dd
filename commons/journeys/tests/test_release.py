"""Public releases: built by a data steward from the records of the moment, with OpenDP's
noise on every count, cells below k suppressed, previewed, published, never changed."""

import csv
import io
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commons.core.models import AuditEvent
from commons.journeys import releases
from commons.journeys.models import Batch, Record, Release, ReleaseCell
from commons.journeys.releases import (
    build_release,
    current_release,
    export_release,
    noisy_tables,
    plan_release,
    preview,
    publish_release,
)
from commons.journeys.rules import can_build_releases
from commons.journeys.services import withdraw_batch
from commons.journeys.tables import TABLES, Row, cells, exact_tables

# With this much budget the noise is tiny (95 % within ±1) and the threshold is k itself:
# the tests can say which cells a release publishes.
SHARP = 50.0


def _batch(organisation) -> Batch:
    return Batch.objects.create(
        organisation=organisation, source=Batch.Source.COMMAND, attestation="Test records."
    )


def _record(batch, **fields) -> Record:
    values = {
        "year": 2022,
        "sex": "female",
        "age_band": "18-20",
        "citizenship": "MM",
        "recruitment_country": "MM",
        "exploitation_country": "TH",
        "forms": ["forced_labour"],
        "sector": "fishing",
        **fields,
    }
    return Record(batch=batch, organisation_id=batch.organisation_id, **values)


@pytest.fixture
def journeys(verified):
    """300 people from Myanmar to Thailand, 40 from Cambodia through Thailand to
    Malaysia, and one person alone on the route from Laos to Malaysia."""
    batch = _batch(verified)
    Record.objects.bulk_create(
        [
            _record(batch, count=200),
            _record(batch, year=2023, sex="male", age_band="adult", count=100),
            *[
                _record(
                    batch,
                    recruitment_country="KH",
                    citizenship="KH",
                    exploitation_country="MY",
                    transit=[{"country": "TH", "subdivision": "", "place": ""}],
                    age_band="9-17",
                    forms=["sexual", "forced_marriage"],
                    sector="",
                )
                for _ in range(40)
            ],
            _record(batch, recruitment_country="LA", citizenship="LA", exploitation_country="MY"),
        ]
    )
    return batch


def _cells(release, table):
    return {
        tuple(values[:-1]): values[-1]
        for values in ReleaseCell.objects.filter(release=release, table=table).values_list(
            *TABLES[table].dimensions, "count"
        )
    }


def test_a_steward_builds_a_draft_that_the_public_sees_only_once_published(journeys, steward):
    release = build_release(epsilon=SHARP, by=steward)
    assert release.status == Release.Status.DRAFT and current_release() is None
    assert (release.epsilon, release.k) == (SHARP, 11) and 0 < release.delta <= 1e-7
    assert release.records == 40 and release.people == 340  # 43 and 341, with noise, rounded
    routes = _cells(release, "route")
    assert set(routes) == {("MM", "TH"), ("KH", "MY")}  # the lone person is not there
    assert routes[("MM", "TH")] == pytest.approx(300, abs=2)
    assert _cells(release, "leg").keys() == {("MM", "TH"), ("KH", "TH"), ("TH", "MY")}
    assert _cells(release, "transit").keys() == {("TH",)}
    forms = _cells(release, "route_form")
    assert forms[("KH", "MY", "sexual")] == pytest.approx(40, abs=2)
    assert forms[("KH", "MY", "forced_marriage")] == pytest.approx(40, abs=2)
    assert _cells(release, "route_age")[("KH", "MY", "child")] == pytest.approx(40, abs=2)
    assert ("MM", "TH", 2023, "forced_labour", "male", "adult") in _cells(release, "flow")
    assert _cells(release, "exploitation_sector").keys() == {("TH", "fishing"), ("MY", "")}

    publish_release(release=release, by=steward)
    assert current_release() == release
    release.refresh_from_db()
    assert release.published_by == steward and release.published_at is not None


def test_the_release_stores_its_budget_and_bounds_per_table(journeys):
    release = build_release(epsilon=2.0, k=15)
    plan = plan_release(epsilon=2.0, k=15)
    shares = [release.tables[code]["epsilon"] for code in [*TABLES, "totals"]]
    assert sum(shares) == pytest.approx(2.0) and sum(shares) <= 2.0 + 1e-9
    assert release.delta == pytest.approx(plan.delta) and release.delta <= 1e-7
    for code, table in TABLES.items():
        stored = release.tables[code]
        assert stored["bound"] == table.bound and stored["threshold"] >= 15
        assert stored["scale"] == pytest.approx(releases.SENSITIVITY / 2.0)
    # A person with several forms touches more cells, so those tables get a larger share.
    assert release.tables["flow"]["epsilon"] == pytest.approx(
        3 * release.tables["route"]["epsilon"]
    )


def test_a_person_touches_a_bounded_number_of_cells_per_table():
    row = Row(
        year=2021,
        sex="male",
        age="adult",
        citizenship="NP",
        recruitment="NP",
        exploitation="QA",
        sector="construction",
        transit=("IN", "IN", "AE", "SA", "OM"),
        forms=("forced_labour", "debt_bondage", "forced_labour", "domestic_servitude", "sexual"),
    )
    found = cells(row)
    for code, table in TABLES.items():
        assert len(found[code]) <= table.bound
        assert len(set(found[code])) == len(found[code])  # each cell at most once
    assert found["route_form"] == [
        ("NP", "QA", "forced_labour"),
        ("NP", "QA", "debt_bondage"),
        ("NP", "QA", "domestic_servitude"),
    ]
    assert found["transit"] == [("IN",), ("AE",), ("SA",)]
    # Five legs NP→IN→AE→SA→OM→QA: the first two and the arrival are kept.
    assert found["leg"] == [("NP", "IN"), ("IN", "AE"), ("OM", "QA")]
    # A row standing for 12 people counts 12 in the same cells, and 1 per person.
    assert exact_tables([row._replace(people=12)])["route"] == {("NP", "QA"): 12}


def test_unknown_places_and_forms_are_counted_as_not_recorded():
    row = Row(2020, "unknown", "unknown", "", "", "TH", "", ("", "MM"), ())
    found = cells(row)
    assert found["route"] == [("", "TH")]
    assert found["route_form"] == [("", "TH", "")]
    assert found["transit"] == [("MM",)]
    assert found["leg"] == [("MM", "TH")]


def _population(seed: int, size: int = 400) -> list[Row]:
    rng = random.Random(seed)
    countries = ["MM", "TH", "KH", "LA", "MY", "VN"]
    return [
        Row(
            year=rng.randint(2019, 2023),
            sex=rng.choice(["female", "male", "other"]),
            age=rng.choice(["child", "adult", "unknown"]),
            citizenship=rng.choice(countries),
            recruitment=rng.choice(countries),
            exploitation=rng.choice(countries),
            sector=rng.choice(["fishing", "construction", ""]),
            transit=tuple(rng.sample(countries, rng.choice([0, 0, 1, 2]))),
            forms=tuple(rng.sample(["forced_labour", "sexual", "debt_bondage"], rng.randint(0, 3))),
            people=rng.choice([1, 1, 1, 2, 5, 12, 30]),
        )
        for _ in range(size)
    ]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    epsilon=st.sampled_from([0.5, 1.0, 5.0, 20.0, 100.0]),
    k=st.integers(1, 40),
)
def test_every_published_count_is_at_least_k_and_belongs_to_real_people(seed, epsilon, k):
    rows = _population(seed)
    exact = exact_tables(rows)
    published = noisy_tables(exact, plan_release(epsilon=epsilon, k=k))
    for code, counts in published.items():
        for key, count in counts.items():
            assert count >= k, (code, key, count)
            assert key in exact[code], "a release never invents a cell"


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_exact_counts_are_the_cells_of_every_person(seed):
    rows = _population(seed, size=50)
    expected = {code: {} for code in TABLES}
    for row in rows:
        for code, keys in cells(row).items():
            for key in keys:
                expected[code][key] = expected[code].get(key, 0) + row.people
    assert exact_tables(rows) == expected


def test_published_counts_are_within_the_expected_error_95_times_in_100(monkeypatch):
    # 2,000 cells of 5,000 people each, all far above the threshold, at ε = 1, given
    # noise in parts of 300 cells as a large table is.
    monkeypatch.setattr(releases, "NOISE_PART", 300)
    exact = {code: {} for code in TABLES}
    exact["route"] = {(f"A{i}", "TH"): 5_000 for i in range(2_000)}
    plan = plan_release(epsilon=1.0)
    reported = []
    published = noisy_tables(exact, plan, lambda done, total: reported.append((done, total)))
    assert set(published["route"]) == set(exact["route"])
    within = sum(abs(count - 5_000) <= plan.error95 for count in published["route"].values())
    assert 0.93 <= within / 2_000 <= 0.97
    assert (plan.scale, plan.error95) == (23.0, 69)  # what the steward's preview says
    assert len(reported) == 7 and reported[-1] == (2_000, 2_000)


def test_every_published_count_is_at_least_k_whatever_the_filters(verified, steward):
    batch = _batch(verified)
    rng = random.Random(7)
    Record.objects.bulk_create(
        [
            _record(
                batch,
                year=rng.randint(2020, 2023),
                sex=rng.choice(["female", "male"]),
                age_band=rng.choice(["9-17", "adult"]),
                recruitment_country=rng.choice(["MM", "KH", "LA"]),
                exploitation_country=rng.choice(["TH", "MY"]),
                forms=rng.sample(["forced_labour", "sexual"], rng.randint(1, 2)),
                count=rng.randint(1, 9),
            )
            for _ in range(300)
        ]
    )
    release = build_release(epsilon=SHARP, k=11, by=steward)
    assert ReleaseCell.objects.filter(release=release).count() > 20
    values = {
        "recruitment": ["MM", "KH", "LA", ""],
        "exploitation": ["TH", "MY"],
        "year": [2020, 2021, 2022, 2023],
        "form": ["forced_labour", "sexual", ""],
        "sex": ["female", "male"],
        "age": ["child", "adult"],
    }

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        table=st.sampled_from(sorted(TABLES)),
        filters=st.sets(st.sampled_from(sorted(values)), max_size=4).flatmap(
            lambda names: st.fixed_dictionaries(
                {name: st.sampled_from(values[name]) for name in names}
            )
        ),
    )
    def check(table, filters):
        asked = {name: value for name, value in filters.items() if name in TABLES[table].dimensions}
        counts = list(
            ReleaseCell.objects.filter(release=release, table=table, **asked).values_list(
                "count", flat=True
            )
        )
        assert all(count >= release.k for count in counts), (table, asked, counts)
        assert sum(counts) == 0 or sum(counts) >= release.k

    check()


def test_only_data_stewards_and_staff_build_preview_and_publish(journeys, personas):
    allowed = {"steward", "staff"}
    for name, user in personas.items():
        if user is None:
            continue
        assert can_build_releases(user) == (name in allowed), name
        if name not in allowed:
            with pytest.raises(PermissionDenied):
                build_release(epsilon=SHARP, by=user)
    draft = build_release(epsilon=SHARP, by=personas["staff"])
    for name in ("alice", "carol", "dave", "moderator"):
        with pytest.raises(PermissionDenied):
            preview(draft, by=personas[name])
        with pytest.raises(PermissionDenied):
            publish_release(release=draft, by=personas[name])
        with pytest.raises(PermissionDenied):
            export_release(release=draft, by=personas[name])
    from django.contrib.auth.models import AnonymousUser

    assert not can_build_releases(AnonymousUser())


def test_the_preview_shows_each_table_with_its_expected_error(journeys, steward):
    release = build_release(epsilon=0.5, by=steward)
    shown = preview(release, by=steward)
    assert [table["code"] for table in shown["tables"]] == list(TABLES)
    route = next(table for table in shown["tables"] if table["code"] == "route")
    # At ε = 0.5 the noise is ±138 (95 %) and a cell needs about 800 people to be
    # published: none of these routes is big enough, and the preview says so.
    assert route["error95"] == 138 and route["threshold"] > 700
    assert route["cells"] == 0 and route["suppressed"] == 3
    assert route["label"] == "People by route (country of recruitment → country of exploitation)"


def test_a_published_release_never_changes_and_old_ones_stay_citable(journeys, steward, alice):
    first = publish_release(release=build_release(epsilon=SHARP), by=steward)
    before = export_release(release=first)
    with pytest.raises(ValueError, match="already published"):
        publish_release(release=first, by=steward)
    assert "steward" not in first.tables["route"]  # exact figures go with publication

    withdraw_batch(batch=journeys, by=alice)
    second = publish_release(release=build_release(epsilon=SHARP), by=steward)
    assert current_release() == second
    assert not ReleaseCell.objects.filter(release=second).exists()  # withdrawn: no records
    # The same question gets the same answer, however often it is asked.
    assert export_release(release=first) == before == export_release(release=first)
    rows = list(csv.DictReader(io.StringIO(before.decode("utf-8-sig"))))
    assert {row["table"] for row in rows} >= {"route", "flow", "leg"}
    assert all(int(row["count"]) >= first.k for row in rows)


def test_an_export_of_one_table_has_its_dimensions(journeys, steward):
    release = publish_release(release=build_release(epsilon=SHARP), by=steward)
    data = export_release(release=release, table="route_sex", format="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["recruitment", "exploitation", "sex", "count"]
    assert {(row["recruitment"], row["sex"]) for row in rows} == {
        ("MM", "female"),
        ("MM", "male"),
        ("KH", "female"),
    }
    assert export_release(release=release, table="route", format="xlsx").startswith(b"PK")
    with pytest.raises(ValueError, match="no release table"):
        export_release(release=release, table="people")


def test_every_steward_read_and_every_export_lands_in_the_audit_log(journeys, steward):
    release = build_release(epsilon=SHARP, by=steward)
    preview(release, by=steward)
    publish_release(release=release, by=steward)
    export_release(release=release, table="route")
    export_release(release=release, format="xlsx")
    events = list(
        AuditEvent.objects.filter(target_id=str(release.pk))
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert events == [
        ("journeys.release_built", steward.email),
        ("journeys.steward_read", steward.email),
        ("journeys.release_published", steward.email),
        ("data.export", ""),
        ("data.export", ""),
    ]


def test_wrong_parameters_are_refused(db):
    for epsilon, k, delta in [(0, 11, 1e-7), (-1, 11, 1e-7), (1, 0, 1e-7), (1, 11, 0.5)]:
        with pytest.raises(ValueError):
            build_release(epsilon=epsilon, k=k, delta=delta)
    assert not Release.objects.exists()


def test_the_command_builds_previews_and_publishes(journeys, capsys):
    call_command("journeys", "release", "build", "--epsilon", "50", "--k", "12")
    out = capsys.readouterr().out
    release = Release.objects.get()
    assert f"Release {release.pk} (draft)" in out
    assert "about 40 records (340 people)" in out
    assert "route:" in out and "±1" in out
    assert (release.epsilon, release.k) == (50.0, 12)
    assert AuditEvent.objects.filter(action="journeys.release_built", actor=None).exists()

    call_command("journeys", "release", "publish", "--latest")
    assert f"Release {release.pk} is published" in capsys.readouterr().out
    assert current_release() == release
    with pytest.raises(CommandError, match="already published"):
        call_command("journeys", "release", "publish", str(release.pk))
    with pytest.raises(CommandError, match="no release 999"):
        call_command("journeys", "release", "publish", "999")
    with pytest.raises(CommandError, match="no draft"):
        call_command("journeys", "release", "publish", "--latest")
    with pytest.raises(CommandError, match="ε must be a positive number"):
        call_command("journeys", "release", "build", "--epsilon", "-1")
