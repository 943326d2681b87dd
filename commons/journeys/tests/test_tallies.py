"""The exact counts releases are built from follow every change to the records."""

import io
import logging
import random

import pytest
from django.core.management import call_command
from django.db.models import Sum

from commons.journeys import tallies
from commons.journeys.formats import JourneyRow, Stage
from commons.journeys.models import Batch, Record, Tally
from commons.journeys.releases import build_release
from commons.journeys.services import (
    contribute_record,
    correct_record,
    import_records,
    withdraw_batch,
)
from commons.journeys.tables import exact_tables

from .test_import import ATTESTATION, GOOD, HEADER

COUNTRIES = ["MM", "KH", "LA", "TH", "MY", "VN", ""]
FORMS = ["forced_labour", "sexual", "forced_marriage", "debt_bondage", "forced_criminality"]


def _file(rng: random.Random, rows: int) -> io.BytesIO:
    lines = [HEADER]
    for _ in range(rows):
        forms = ";".join(rng.sample(FORMS, rng.randint(0, 4)))
        lines.append(
            f",{rng.randint(2018, 2023)},{rng.choice(['female', 'male', ''])},"
            f"{rng.choice(['9-17', '18-20', 'adult', ''])},{rng.choice(COUNTRIES)},"
            f"{rng.choice(COUNTRIES)},,{rng.choice(COUNTRIES)},,{rng.choice(COUNTRIES[:-1])},,"
            f"{forms},{rng.choice(['fishing', 'construction', ''])},,,{rng.randint(1, 5)}"
        )
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _from_the_records():
    exact = exact_tables(tallies.record_rows())
    totals = Record.objects.aggregate(people=Sum("count"))
    return (
        {code: dict(cells) for code, cells in exact.items()},
        Record.objects.count(),
        totals["people"] or 0,
    )


def _check():
    assert tallies.stored() == _from_the_records()
    assert not Tally.objects.filter(people__lte=0).exists()


def test_the_tallies_follow_every_contribution_correction_and_withdrawal(verified, alice):
    first = import_records(
        organisation=verified,
        by=alice,
        source=io.BytesIO(("\n".join([HEADER, *GOOD]) + "\n").encode()),
        attestation=ATTESTATION,
    ).batch
    _check()
    second = import_records(
        organisation=verified,
        by=alice,
        source=_file(random.Random(3), 300),
        attestation=ATTESTATION,
    ).batch
    _check()
    contribute_record(
        organisation=verified,
        by=alice,
        record=JourneyRow(
            year=2020, exploitation=Stage("MY"), recruitment=Stage("VN"), forms=["sexual"]
        ),
        attestation=ATTESTATION,
    )
    _check()
    record = Record.objects.filter(batch=first).order_by("pk").first()
    correct_record(
        record=record,
        by=alice,
        row=JourneyRow(
            year=2019,
            exploitation=Stage("VN"),
            recruitment=Stage("LA"),
            transit=[Stage("TH"), Stage("KH")],
            forms=["forced_criminality", "sexual"],
            count=4,
        ),
    )
    _check()
    withdraw_batch(batch=second, by=alice)
    _check()
    for batch in Batch.objects.filter(withdrawn_at__isnull=True):
        withdraw_batch(batch=batch, by=alice)
    tables, records, people = tallies.stored()
    assert (records, people) == (0, 0) and not any(tables.values())


def test_a_release_recounts_tallies_that_disagree_with_the_records(verified, alice, caplog):
    import_records(
        organisation=verified,
        by=alice,
        source=_file(random.Random(5), 50),
        attestation=ATTESTATION,
    )
    # A record written past the services (a database console, a restored backup).
    stray = Record.objects.first()
    stray.pk, stray.case_hash, stray.exploitation_country = None, "", "VN"
    stray.save()
    assert tallies.stored() != _from_the_records()
    with caplog.at_level(logging.WARNING, logger="commons.journeys.tallies"):
        release = build_release(epsilon=1.0)
    assert "recounting" in caplog.text
    _check()
    assert release.tables["totals"]["steward"]["records"] == 51


def test_tallies_counted_for_other_tables_are_recounted(verified, alice, caplog):
    import_records(
        organisation=verified,
        by=alice,
        source=_file(random.Random(8), 50),
        attestation=ATTESTATION,
    )
    Tally.objects.filter(key=tallies.LAYOUT).update(key="layout of an older version")
    Tally.objects.filter(table="route_sector").delete()  # a table the older one lacked
    assert tallies.stored() is None
    with caplog.at_level(logging.WARNING, logger="commons.journeys.tallies"):
        exact, records, _people = tallies.exact_counts()
    assert "recounting" in caplog.text and records == 50
    assert exact["route_sector"] and tallies.stored() == _from_the_records()


@pytest.mark.parametrize("records", [0, 3])
def test_the_recount_command_says_what_it_counted(verified, alice, capsys, records):
    if records:
        import_records(
            organisation=verified,
            by=alice,
            source=io.BytesIO(("\n".join([HEADER, *GOOD]) + "\n").encode()),
            attestation=ATTESTATION,
        )
    call_command("journeys", "recount")
    people = 14 if records else 0
    assert f"Counted {records} records ({people} people)." in capsys.readouterr().out
    _check()
