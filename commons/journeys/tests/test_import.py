import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from commons.core.models import AuditEvent
from commons.journeys import services
from commons.journeys.models import Batch, Record
from commons.journeys.services import AlreadyImported, import_records, withdraw_batch
from commons.lib.tabular import TabularError

ATTESTATION = "Shared with the survivors' informed consent (demo)."
HEADER = (
    "case_reference,year,sex,age_band,citizenship,recruitment_country,recruitment_place,"
    "transit_1_country,transit_1_place,exploitation_country,exploitation_place,forms,sector,"
    "means_of_control,recruiter_relation,count"
)
GOOD = [
    "C-001,2021,female,18-20,MM,MM,Mandalay,,,TH,Mae Sot,forced_labour,fishing,"
    "debt_bondage;withholds_documents,friend,",
    "C-002,2022,male,9--17,KH,KH,,,,TH,TH-50,forced_labour;debt_bondage,construction,,,",
    ",2023,,adult,LA,LA,,TH,,MY,,sexual,,threats,family,12",
]
BAD = {
    "C-003,2021,female,17-9,MM,MM,,,,TH,,,,,,": "age_band",
    "C-004,2021,female,18-20,ZZ,MM,,,,TH,,,,,,": "citizenship",
    "C-005,2021,female,18-20,MM,MM,,,,,,,,,,": "exploitation_country: empty",
    "C-006,1850,female,18-20,MM,MM,,,,TH,,,,,,": "year",
    "C-007,2021,female,18-20,MM,MM,,,,TH,Somchai's house near the pier,,,,,": (
        "exploitation_place"
    ),
    "C-008,2021,female,18-20,MM,MM,,,,TH,,witchcraft,,,,": "forms",
    "C-009,2021,female,18-20,MM,MM,,,,TH,,,,,,0": "count",
}


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode())


def test_good_rows_are_kept_and_each_bad_row_says_why(verified, alice):
    report = import_records(
        organisation=verified, by=alice, source=_csv(*GOOD, *BAD), attestation=ATTESTATION
    )
    assert report.accepted == 3 and report.people == 1 + 1 + 12
    assert [number for number, _reason in report.rejected] == list(range(5, 5 + len(BAD)))
    for (_number, reason), expected in zip(report.rejected, BAD.values(), strict=True):
        assert expected in reason
    batch = report.batch
    assert (batch.records_accepted, batch.records_rejected, batch.people) == (3, 7, 14)
    first = Record.objects.get(batch=batch, year=2021)
    # A name that is both a region and a town is taken as the region (the coarser place).
    assert (first.recruitment_country, first.recruitment_subdivision) == ("MM", "MM-04")
    assert (first.exploitation_country, first.exploitation_place) == ("TH", "Mae Sot")
    assert first.means_of_control == ["debt_bondage", "withholds_documents"]
    second = Record.objects.get(batch=batch, year=2022)
    assert (second.age_band, second.exploitation_subdivision) == ("9-17", "TH-50")
    third = Record.objects.get(batch=batch, year=2023)
    assert third.transit == [{"country": "TH", "subdivision": "", "place": ""}]
    assert (third.case_hash, third.count, third.sex) == ("", 12, "unknown")
    assert AuditEvent.objects.filter(action="journeys.imported", target_id=str(batch.pk)).exists()


def test_the_case_reference_itself_is_never_stored(verified, alice):
    import_records(organisation=verified, by=alice, source=_csv(GOOD[0]), attestation=ATTESTATION)
    record = Record.objects.get()
    assert record.case_hash and "C-001" not in record.case_hash
    assert all("C-001" not in str(value) for value in vars(record).values())


def test_the_same_file_twice_is_refused_and_a_known_case_is_counted_once(verified, alice):
    import_records(organisation=verified, by=alice, source=_csv(*GOOD), attestation=ATTESTATION)
    with pytest.raises(AlreadyImported, match="already contributed as batch"):
        import_records(organisation=verified, by=alice, source=_csv(*GOOD), attestation=ATTESTATION)
    report = import_records(
        organisation=verified,
        by=alice,
        source=_csv(GOOD[0], GOOD[0].replace("C-001", "C-010")),
        attestation=ATTESTATION,
    )
    assert report.accepted == 1
    assert report.rejected == [(2, pytest.approx(report.rejected[0][1]))]
    assert "already contributed" in report.rejected[0][1]
    assert Record.objects.count() == 4


def test_only_members_of_a_verified_organisation_or_stewards_contribute(
    lantern, verified, carol, dave, steward, bob
):
    for outsider in (carol, dave):
        with pytest.raises(PermissionDenied):
            import_records(
                organisation=verified, by=outsider, source=_csv(*GOOD), attestation=ATTESTATION
            )
    assert (
        import_records(
            organisation=verified, by=steward, source=_csv(*GOOD), attestation=ATTESTATION
        ).accepted
        == 3
    )
    verified.verified_at = None
    verified.save()
    with pytest.raises(PermissionDenied):
        import_records(organisation=verified, by=bob, source=_csv(GOOD[1]), attestation=ATTESTATION)


def test_an_attestation_and_the_required_columns_are_needed(verified, alice):
    with pytest.raises(ValueError, match="attestation"):
        import_records(organisation=verified, by=alice, source=_csv(*GOOD), attestation=" ")
    with pytest.raises(TabularError, match="exploitation_country"):
        import_records(
            organisation=verified,
            by=alice,
            source=io.BytesIO(b"year,sex\n2021,female\n"),
            attestation=ATTESTATION,
        )
    assert not Batch.objects.exists()


def test_a_file_of_bad_rows_imports_nothing(verified, alice):
    report = import_records(
        organisation=verified, by=alice, source=_csv(*BAD), attestation=ATTESTATION
    )
    assert report.batch is None and len(report.rejected) == len(BAD)
    assert not Batch.objects.exists() and not Record.objects.exists()


def test_a_workbook_is_read_like_a_csv_file(verified, alice):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([None, 2021, "Female", "48+", "np", "NP", "Kathmandu", None, None, "MY"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    report = import_records(organisation=verified, by=alice, source=data, attestation=ATTESTATION)
    record = Record.objects.get(batch=report.batch)
    assert (record.sex, record.age_band, record.citizenship) == ("female", "48+", "NP")
    assert (record.recruitment_place, record.exploitation_country) == ("Kathmandu", "MY")


def test_withdrawing_a_batch_deletes_its_records_for_its_organisation_only(verified, alice, carol):
    batch = import_records(
        organisation=verified, by=alice, source=_csv(*GOOD), attestation=ATTESTATION
    ).batch
    with pytest.raises(PermissionDenied):
        withdraw_batch(batch=batch, by=carol)
    withdraw_batch(batch=batch, by=alice)
    batch.refresh_from_db()
    assert batch.is_withdrawn and not Record.objects.exists()
    assert AuditEvent.objects.filter(action="journeys.withdrawn").get().data == {"records": 3}
    # Once withdrawn, the same file may be contributed again (corrected elsewhere).
    assert (
        import_records(
            organisation=verified, by=alice, source=_csv(*GOOD), attestation=ATTESTATION
        ).accepted
        == 3
    )


def test_the_command_imports_with_a_summary_of_every_row(verified, tmp_path, capsys):
    path = tmp_path / "cases.csv"
    path.write_bytes(_csv(*GOOD, next(iter(BAD))).getvalue())
    call_command("journeys", "import", str(path), "--org", "lantern", "--attestation", ATTESTATION)
    out = capsys.readouterr().out
    assert "accepted 3 records (14 people), rejected 1" in out
    assert "row 5: age_band" in out
    assert Batch.objects.get().source == "command"
    with pytest.raises(CommandError, match="already contributed"):
        call_command(
            "journeys", "import", str(path), "--org", "lantern", "--attestation", ATTESTATION
        )
    with pytest.raises(CommandError, match="no organisation"):
        call_command("journeys", "import", str(path), "--org", "nope", "--attestation", "x")


def test_rows_checked_in_other_processes_give_the_same_batch(verified, alice, monkeypatch):
    monkeypatch.setattr(services, "PARALLEL_FROM", 0)
    monkeypatch.setattr(services, "CHUNK", 2)  # several chunks, in flight at once
    lines = [*GOOD, *BAD, GOOD[0]]  # and a case sent twice
    batches = []
    for workers in (0, 2):
        report = import_records(
            organisation=verified,
            by=alice,
            source=_csv(*lines),
            attestation=ATTESTATION,
            workers=workers,
        )
        batches.append(report)
        stored = Record.objects.filter(batch=report.batch).order_by("pk")
        report.values = [
            (r.year, r.recruitment_subdivision, r.exploitation_place, r.transit, r.count)
            for r in stored
        ]
        withdraw_batch(batch=report.batch, by=alice)
    here, there = batches
    assert there.accepted == here.accepted == 3 and there.people == here.people == 14
    assert there.rejected == here.rejected and len(here.rejected) == len(BAD) + 1
    assert there.values == here.values
