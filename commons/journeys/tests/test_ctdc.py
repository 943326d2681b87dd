"""The CTDC global-dataset layout: importing a CTDC download, exporting records in the
same layout, and the round trip between the two."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from commons.journeys import ctdc
from commons.journeys.models import Batch, Record
from commons.journeys.services import import_records
from commons.lib.tabular import TabularError, read_table, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[3]
ATTESTATION = "Shared under our data-sharing agreement with CTDC (demo)."
# What a CTDC download holds besides its columns: a summary we must not read.
CONCATENATED = ("meansOfControlConcatenated", "typeOfExploitConcatenated")
HEADER = (*ctdc.COLUMNS, *CONCATENATED)
GROUPS = (
    (*ctdc.MEANS, "meansOfControlNotSpecified"),
    (*ctdc.EXPLOIT_FLAGS, "isSlaveryAndPractices"),
    (*ctdc.LABOUR_FLAGS, "typeOfLabourNotSpecified"),
    tuple(ctdc.RELATIONS),
)
FIELDS = (
    "case_hash", "year", "sex", "age_band", "citizenship", "recruitment_country",
    "recruitment_subdivision", "recruitment_place", "transit", "exploitation_country",
    "exploitation_subdivision", "exploitation_place", "forms", "sector",
    "means_of_control", "recruiter_relation", "count",
)  # fmt: skip


def person(year=2021, *flags, **values) -> dict[str, str]:
    """A row as CTDC writes one: -99 everywhere unknown; in a group of flags where one is
    set, 1 for those set and 0 for the others."""
    row = dict.fromkeys(HEADER, "-99")
    row.update({ctdc.YEAR: str(year), "Datasource": "Case Management"})
    row.update(dict.fromkeys(CONCATENATED, "Forced labour"))
    for group in GROUPS:
        if any(name in flags for name in group):
            row.update({name: "1" if name in flags else "0" for name in group})
    row.update(values)
    return row


def table(rows, header=HEADER) -> io.BytesIO:
    return io.BytesIO(write_csv(rows, list(header)))


def records(batch) -> list[tuple]:
    return [
        tuple(values[:-1])
        for values in Record.objects.filter(batch=batch).order_by("id").values_list(*FIELDS, "id")
    ]


def contribute(organisation, by, source, **options):
    return import_records(
        organisation=organisation, by=by, source=source, attestation=ATTESTATION, **options
    )


# A sample in which every column a record keeps is set at least once.
SAMPLE = [
    person(
        2019,
        "isForcedLabour", "typeOfLabourAgriculture", "meansOfControlDebtBondage",
        "meansOfControlWithholdsDocuments", "recruiterRelationFriend",
        gender="Female", ageBroad="18--20", majorityStatus="Adult", citizenship="MM",
        CountryOfExploitation="TH",
    ),
    person(
        2020,
        "isForcedLabour", "isSexualExploit", "isSexAndLabour", "typeOfLabourHospitality",
        "meansOfControlTakesEarnings", "meansOfControlRestrictsFinancialAccess",
        "meansOfControlThreats", "meansOfControlPsychologicalAbuse",
        "meansOfControlPhysicalAbuse", "meansOfControlSexualAbuse",
        "recruiterRelationIntimatePartner",
        gender="Female", ageBroad="9--17", majorityStatus="Minor",
        majorityStatusAtExploit="Minor", citizenship="LA", CountryOfExploitation="TH",
    ),
    person(
        2021,
        "isForcedLabour", "typeOfLabourBegging", "typeOfLabourIllicitActivities",
        "meansOfControlFalsePromises", "meansOfControlPsychoactiveSubstances",
        "meansOfControlRestrictsMovement", "meansOfControlRestrictsMedicalCare",
        "recruiterRelationFamily",
        gender="Male", ageBroad="0--8", majorityStatus="Minor",
        majorityStatusAtExploit="Minor", citizenship="KH", CountryOfExploitation="VN",
    ),
    person(
        2022,
        "isForcedMarriage", "isOrganRemoval", "meansOfControlExcessiveWorkingHours",
        "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
        "meansOfControlWithholdsNecessities", "meansOfControlOther", "recruiterRelationOther",
        gender="Transgender/NonConforming", ageBroad="48+", majorityStatus="Adult",
        citizenship="VN", CountryOfExploitation="CN",
    ),
    # Recruited into an armed group as a child; an adult when identified.
    person(
        2023, "isForcedMilitary", gender="Male", ageBroad="21--23", majorityStatus="Adult",
        majorityStatusAtExploit="Minor", citizenship="MM", CountryOfExploitation="MM",
    ),
    # Only the majority is known; nothing else but the country of exploitation.
    person(
        2018, majorityStatus="Minor", majorityStatusAtExploit="Minor", CountryOfExploitation="US"
    ),
    person(2018, majorityStatus="Adult", citizenship="UA", CountryOfExploitation="PL"),
    *(
        person(
            2017, "isForcedLabour", sector, ageBroad=band, majorityStatus="Adult",
            citizenship="ID", CountryOfExploitation="MY", gender="Male",
        )
        for sector, band in zip(
            list(ctdc.SECTORS)[1:],
            ("24--26", "27--29", "30--38", "39--47", "24--26", "27--29", "30--38", "39--47"),
            strict=True,
        )
    ),
]  # fmt: skip


def test_it_imports_a_ctdc_download_one_person_a_row(verified, alice):
    report = contribute(verified, alice, table(SAMPLE))
    assert (report.accepted, report.people, report.rejected) == (len(SAMPLE), len(SAMPLE), [])
    assert report.batch.format == Batch.Format.CTDC
    # Columns no record holds are reported, not read.
    for name in ("Datasource", "majorityEntry", "typeOfSexProstitution", *CONCATENATED):
        assert name in report.ignored_columns
    assert ctdc.YEAR not in report.ignored_columns
    first, second, third, fourth, soldier, minor, adult, *_rest = records(report.batch)
    assert first == (
        "", 2019, "female", "18-20", "MM", "MM", "", "", [], "TH", "", "",
        ["forced_labour"], "agriculture", ["debt_bondage", "withholds_documents"], "friend", 1,
    )  # fmt: skip
    # isSexAndLabour is both forms; the recruitment country is the citizenship.
    assert second[2:6] == ("female", "9-17", "LA", "LA")
    assert (second[12], second[13], second[15]) == (
        ["sexual", "forced_labour"],
        "hospitality",
        "intimate_partner",
    )
    # Begging and illicit activities are forms of their own, not sectors.
    assert (third[12], third[13]) == (
        ["forced_labour", "forced_criminality", "forced_begging"],
        "",
    )
    assert (fourth[2], fourth[3], fourth[12]) == (
        "other",
        "48+",
        ["forced_marriage", "organ_removal"],
    )
    assert soldier[12] == ["child_soldiers"]
    assert (minor[3], minor[4], minor[5], minor[15]) == ("child", "", "", "unknown")
    assert adult[3] == "adult"


def test_each_bad_row_is_rejected_naming_its_column(verified, alice):
    bad = {
        "yearOfRegistration": person(-99, CountryOfExploitation="TH"),
        "yearOfRegistration: '1889'": person(1889, CountryOfExploitation="TH"),
        "CountryOfExploitation: empty": person(2021, citizenship="MM"),
        "CountryOfExploitation: 'Thailand'": person(2021, CountryOfExploitation="Thailand"),
        "citizenship: 'ZZ'": person(citizenship="ZZ", CountryOfExploitation="TH"),
        "gender: 'F/M'": person(gender="F/M", CountryOfExploitation="TH"),
        "ageBroad: '17--9'": person(ageBroad="17--9", CountryOfExploitation="TH"),
        "majorityStatus: 'Teen'": person(majorityStatus="Teen", CountryOfExploitation="TH"),
        "isForcedLabour: 'yes please'": person(
            isForcedLabour="yes please", CountryOfExploitation="TH"
        ),
        "meansOfControlThreats: '2'": person(meansOfControlThreats="2", CountryOfExploitation="TH"),
    }
    report = contribute(verified, alice, table([*SAMPLE[:1], *bad.values()]))
    assert report.accepted == 1
    assert [number for number, _reason in report.rejected] == list(range(3, 3 + len(bad)))
    for (_number, reason), expected in zip(report.rejected, bad, strict=True):
        assert reason.startswith(expected), reason


def test_age_bands_in_every_spelling_and_flags_as_a_spreadsheet_writes_them(verified, alice):
    rows = [
        person(ageBroad=band, CountryOfExploitation="TH", isForcedLabour=value)
        for band, value in (("9--17", "1"), ("9-17", "1.0"), ("9–17", "TRUE"), (" 9 - 17 ", "1"))
    ]
    report = contribute(verified, alice, table(rows))
    assert report.rejected == []
    assert {(row[3], tuple(row[12])) for row in records(report.batch)} == {
        ("9-17", ("forced_labour",))
    }


def test_column_names_are_matched_in_any_case_and_cut_at_32_characters(verified, alice):
    names = {column: column.upper()[: ctdc.CUT] for column in HEADER}
    assert len(names["meansOfControlRestrictsFinancialAccess"]) == 32
    cut = [{names[column]: value for column, value in row.items()} for row in SAMPLE]
    report = contribute(verified, alice, table(cut, header=names.values()))
    expected = contribute(verified, alice, table(SAMPLE)).batch
    assert report.rejected == [] and records(report.batch) == records(expected)
    # A cut must be 32 characters long: a shorter stem is another (unknown) column.
    assert ctdc.ctdc_column("meansOfControlRestricts") is None
    # No two columns share their first 32 characters.
    assert len({column.casefold()[: ctdc.CUT] for column in ctdc.COLUMNS}) == len(ctdc.COLUMNS)


def test_the_first_of_several_labour_types_or_relations_is_kept(verified, alice):
    row = person(
        2021,
        "typeOfLabourConstruction",
        "typeOfLabourAgriculture",
        "recruiterRelationOther",
        "recruiterRelationFamily",
        CountryOfExploitation="TH",
    )
    report = contribute(verified, alice, table([row]))
    (record,) = records(report.batch)
    assert (record[13], record[15]) == ("agriculture", "family")


def test_forced_military_service_is_child_soldiers_only_for_a_minor(verified, alice):
    rows = [
        person(2021, "isForcedMilitary", ageBroad="9--17", CountryOfExploitation="CD"),
        person(2021, "isForcedMilitary", majorityStatus="Minor", CountryOfExploitation="CD"),
        person(2021, "isForcedMilitary", ageBroad="30--38", CountryOfExploitation="CD"),
        person(2021, "isForcedMilitary", CountryOfExploitation="CD"),
        person(2021, "isOtherExploit", "isSlaveryAndPractices", CountryOfExploitation="CD"),
    ]
    report = contribute(verified, alice, table(rows))
    forms = [record[12] for record in records(report.batch)]
    assert forms == [["child_soldiers"], ["child_soldiers"], [], [], []]


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_ctdc_round_trip_keeps_every_supported_column(verified, alice, write):
    # Every column a record keeps is set somewhere in the sample …
    kept = set(ctdc.READ_COLUMNS) - {ctdc.MAJORITY_AT_EXPLOIT, "recruiterRelationUnknown"}
    assert all(any(row[column] not in ("-99", "0") for row in SAMPLE) for column in kept)
    first = contribute(verified, alice, table(SAMPLE)).batch
    exported = write(
        ctdc.export_rows(Record.objects.filter(batch=first).order_by("id")),
        list(ctdc.EXPORT_COLUMNS),
    )
    # … comes out of the export as it went in …
    header, rows = read_table(io.BytesIO(exported))
    assert header == list(ctdc.EXPORT_COLUMNS)
    assert [row for _number, row in rows] == [
        {column: row[column] for column in ctdc.EXPORT_COLUMNS} for row in SAMPLE
    ]
    # … and importing the export gives the same records.
    again = contribute(verified, alice, io.BytesIO(exported))
    assert again.batch.format == "ctdc" and again.ignored_columns == [
        ctdc.OTHER_EXPLOIT,
        ctdc.OTHER_LABOUR,
    ]
    assert records(again.batch) == records(first)


def test_a_native_record_is_exported_with_the_nearest_ctdc_columns(verified, alice):
    native = io.BytesIO(
        b"year,sex,age_band,citizenship,recruitment_country,exploitation_country,"
        b"exploitation_place,forms,sector,count\n"
        b"2022,,child,KH,VN,TH,Mae Sot,child_sexual;illegal_adoption,garments,3\n"
    )
    batch = contribute(verified, alice, native).batch
    assert batch.format == Batch.Format.NATIVE
    rows = list(ctdc.export_rows(Record.objects.filter(batch=batch)))
    # CTDC counts people: a record standing for three is three rows.
    assert len(rows) == 3 and rows[0] == rows[2]
    row = rows[0]
    assert (row["gender"], row["ageBroad"], row["majorityStatus"]) == (-99, -99, "Minor")
    assert (row["citizenship"], row["CountryOfExploitation"]) == ("KH", "TH")
    assert (row["isSexualExploit"], row["isOtherExploit"], row["isForcedLabour"]) == (1, 1, 0)
    assert (row["typeOfLabourManufacturing"], row["typeOfLabourAgriculture"]) == (1, 0)
    assert {row[column] for column in ctdc.MEANS} == {-99}
    assert {row[column] for column in ctdc.RELATIONS} == {-99}
    # What CTDC cannot hold (the recruitment country, the town, the codes without a
    # column of their own) does not come back.
    again = contribute(verified, alice, io.BytesIO(write_csv(rows, list(ctdc.EXPORT_COLUMNS))))
    record = Record.objects.filter(batch=again.batch).first()
    assert (record.recruitment_country, record.exploitation_place) == ("KH", "")
    assert (record.forms, record.sector, again.people) == (["sexual"], "manufacturing", 3)


def test_the_layout_is_recognised_or_asked_for(verified, alice):
    with pytest.raises(TabularError, match=r"exploitation_country.*CountryOfExploitation"):
        contribute(verified, alice, io.BytesIO(b"year,gender\n2021,Female\n"))
    with pytest.raises(TabularError, match="exploitation_country"):
        contribute(verified, alice, table(SAMPLE[:1]), format="native")
    with pytest.raises(TabularError, match="yearOfRegistration"):
        contribute(
            verified,
            alice,
            io.BytesIO(b"CountryOfExploitation,gender\nTH,Female\n"),
            format="ctdc",
        )
    with pytest.raises(ValueError, match="'csv' is not a layout"):
        contribute(verified, alice, table(SAMPLE[:1]), format="csv")
    assert not Batch.objects.exists()
    assert contribute(verified, alice, table(SAMPLE[:1]), format="ctdc").accepted == 1


def test_the_command_takes_a_ctdc_file_with_or_without_format(verified, tmp_path, capsys):
    path = tmp_path / "ctdc.csv"
    path.write_bytes(table([*SAMPLE[:2], person(2021, citizenship="MM")]).getvalue())
    call_command("journeys", "import", str(path), "--org", "lantern", "--attestation", ATTESTATION)
    captured = capsys.readouterr()
    assert "Layout: CTDC global dataset." in captured.out
    assert "accepted 2 records (2 people), rejected 1" in captured.out
    assert "row 4: CountryOfExploitation: empty" in captured.out
    assert "'Datasource'" in captured.err
    path.write_bytes(table(SAMPLE[2:3]).getvalue())
    call_command(
        "journeys",
        "import",
        str(path),
        "--org",
        "lantern",
        "--attestation",
        ATTESTATION,
        "--format",
        "ctdc",
    )
    assert "accepted 1 records" in capsys.readouterr().out
    assert list(Batch.objects.values_list("format", flat=True)) == ["ctdc", "ctdc"]


def test_the_data_formats_document_describes_every_ctdc_column():
    text = (ROOT / "docs" / "data-formats.md").read_text(encoding="utf-8")
    section = text.split("## Journey records: CTDC layout", 1)[1].split("\n## ", 1)[0]
    assert [column for column in ctdc.COLUMNS if f"`{column}`" not in section] == []
    assert all(f"`{spelling}`" in section for spelling in ("-99", "9--17", "9-17", "9–17"))
