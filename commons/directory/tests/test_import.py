import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from commons.accounts.models import Organisation
from commons.conftest import client_for, make_user
from commons.core.models import AuditEvent
from commons.directory import vocabularies as v
from commons.directory.importing import COLUMNS, import_organisations
from commons.directory.models import NetworkLink, Presence, Profile, Term
from commons.lib.tabular import TabularError, read_table, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[3]


def _file(tmp_path, content: str | bytes, name: str = "organisations.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _xlsx(tmp_path, rows: list[dict], name: str = "organisations.xlsx") -> Path:
    fieldnames = list(dict.fromkeys(key for row in rows for key in row))
    return _file(tmp_path, write_xlsx(rows, fieldnames), name)


def _terms(organisation: Organisation, vocabulary: str) -> set[str]:
    return set(
        Term.objects.filter(organisation=organisation, vocabulary=vocabulary).values_list(
            "code", flat=True
        )
    )


# --- Good and bad rows -------------------------------------------------------------------

MIXED = """\
name,country,type,website,founded,services,verified,networks
Lantern Shelter,TH,ngo,lantern.example.org,2009,shelter;legal_aid,yes,
Nowhere Aid,XX,ngo,,,,,
,KH,ngo,,,,,
Future Fund,LA,donor,,20x9,,,
Broken Link,VN,ngo,not a web address,,,,
Odd Services,MM,ngo,,,shelter;shelters,,
Mekong Coalition,KH,network,https://mekong.example.org,1999,coordination,no,
Mystery Type,TH,charity,,,,maybe,
Lonely Member,TH,ngo,,,,,no-such-network
Two Faults,ZZ,ngo,,1700,,,
"""


def test_it_keeps_good_rows_and_reports_bad_ones_with_row_number_and_reason(staff, tmp_path):
    report = import_organisations(path_or_file=_file(tmp_path, MIXED), by=staff)

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.rejected == [
        (3, "country 'XX' is not an ISO 3166-1 alpha-2 code"),
        (4, "name is missing"),
        (5, "founded '20x9' is not a year from 1800 to 2100"),
        (6, "website 'not a web address' is not a web address"),
        (7, "services 'shelters' is not one of the codes of this column"),
        (
            9,
            "type 'charity' is not one of the codes of this column; "
            "verified 'maybe' is not true or false (yes/no and 1/0 also work)",
        ),
        (10, "networks 'no-such-network' is not the slug of an existing organisation"),
        (
            11,
            "country 'ZZ' is not an ISO 3166-1 alpha-2 code; "
            "founded '1700' is not a year from 1800 to 2100",
        ),
    ]
    lantern = Organisation.objects.get(name="Lantern Shelter")
    assert (lantern.country, lantern.website, lantern.profile.founded) == (
        "TH",
        "https://lantern.example.org",
        2009,
    )
    assert _terms(lantern, "services") == {"shelter", "legal_aid"}
    assert lantern.profile.is_frontline
    assert Organisation.objects.get(slug="mekong-coalition").type == "network"
    assert not Organisation.objects.filter(name__in=["Nowhere Aid", "Future Fund"]).exists()


def test_it_refuses_a_file_without_a_required_column(staff, tmp_path):
    with pytest.raises(TabularError, match="no 'country' column"):
        import_organisations(path_or_file=_file(tmp_path, "name,type\nA,ngo\n"), by=staff)
    # A first row of data instead of column names is the same mistake.
    with pytest.raises(TabularError, match="no 'name' column"):
        import_organisations(path_or_file=_file(tmp_path, "Lantern,TH\nHarbour,KH\n"), by=staff)


def test_it_reports_but_ignores_unknown_columns(staff, tmp_path):
    path = _file(tmp_path, "Name,Country,Notes\nLantern,TH,call back\n")
    report = import_organisations(path_or_file=path, by=staff)
    assert (report.created, report.ignored_columns) == (1, ["Notes"])


def test_it_rejects_a_row_with_more_cells_than_columns(staff, tmp_path):
    path = _file(tmp_path, "name,country,summary\nLantern,TH,Shelter, legal aid\n")
    report = import_organisations(path_or_file=path, by=staff)
    assert report.created == 0
    assert report.rejected[0][0] == 2
    assert "more cells than there are columns ('legal aid')" in report.rejected[0][1]


# --- Re-importing --------------------------------------------------------------------------


def test_it_updates_by_slug_instead_of_duplicating(staff, tmp_path):
    first = "slug,name,country,summary\nlantern-th,Lantern,TH,Shelters.\n"
    import_organisations(path_or_file=_file(tmp_path, first), by=staff)
    renamed = "slug,name,country,summary\nlantern-th,Lantern Outreach,TH,Shelters and aid.\n"

    report = import_organisations(path_or_file=_file(tmp_path, renamed), by=staff)
    again = import_organisations(path_or_file=_file(tmp_path, renamed), by=staff)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    organisation = Organisation.objects.get()
    assert (organisation.slug, organisation.name, organisation.summary) == (
        "lantern-th",
        "Lantern Outreach",
        "Shelters and aid.",
    )
    update = AuditEvent.objects.get(action=AuditEvent.Action.ORGANISATION_UPDATED)
    assert update.actor == staff
    assert set(update.data["changed"]) == {"name", "summary"}


def test_it_updates_by_name_and_country_when_there_is_no_slug(staff, lantern, tmp_path):
    path = _file(
        tmp_path,
        "name,country,acronym\n"
        "  lantern   OUTREACH ,th,LO\n"  # the fixture's "Lantern Outreach" in TH
        "Lantern Outreach,KH,LOK\n",  # same name, another country: another organisation
    )
    report = import_organisations(path_or_file=path, by=staff)

    assert (report.created, report.updated, report.rejected) == (1, 1, [])
    lantern.refresh_from_db()
    # The file's spelling wins, with repeated spaces collapsed.
    assert (lantern.name, lantern.acronym, lantern.slug) == ("lantern OUTREACH", "LO", "lantern")
    assert Organisation.objects.get(country="KH").acronym == "LOK"


def test_it_refuses_a_new_slug_for_an_organisation_that_exists_under_another(
    staff, lantern, tmp_path
):
    path = _file(tmp_path, "slug,name,country\nlantern-2,Lantern Outreach,TH\n")
    report = import_organisations(path_or_file=path, by=staff)
    assert report.rejected == [
        (
            2,
            "slug 'lantern-2' is new, but 'Lantern Outreach' in TH already exists with the slug "
            "'lantern'; use that slug to update it",
        )
    ]
    assert Organisation.objects.count() == 1


def test_it_rejects_a_row_that_repeats_an_earlier_one(staff, tmp_path):
    path = _file(
        tmp_path,
        "slug,name,country\nmekong,Mekong Net,KH\nmekong,Mekong Network,KH\n,mekong net,KH\n"
        ",Lantern,TH\nlantern,Lantern Outreach,TH\n",
    )
    Organisation.objects.create(name="Lantern", slug="lantern", country="TH")
    report = import_organisations(path_or_file=path, by=staff)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)
    assert report.rejected == [
        (3, "slug 'mekong' already appears in row 2"),
        (4, "name 'mekong net' in KH already appears in row 2"),
        (6, "the row is about the same organisation as row 5"),
    ]


def test_it_asks_for_a_slug_when_a_name_is_ambiguous(staff, lantern, tmp_path):
    Organisation.objects.create(name="Lantern Outreach", slug="lantern-north", country="TH")
    report = import_organisations(
        path_or_file=_file(tmp_path, "name,country\nLantern Outreach,TH\n"), by=staff
    )
    assert report.rejected == [
        (
            2,
            "name 'Lantern Outreach' matches 2 organisations in TH; "
            "add a slug column to say which one",
        )
    ]


def test_it_leaves_out_columns_alone_and_clears_empty_cells(staff, lantern, tmp_path):
    from commons.directory.services import save_profile

    save_profile(
        organisation=lantern,
        organisation_fields={"summary": "Shelters.", "website": "https://lantern.example.org"},
        profile_fields={"founded": 2001},
        terms={"services": ["shelter"], "populations": ["women"]},
    )
    path = _file(tmp_path, "name,country,website,services,type\nLantern Outreach,TH,,,\n")
    report = import_organisations(path_or_file=path, by=staff)

    assert report.updated == 1
    lantern.refresh_from_db()
    assert (lantern.website, lantern.summary, lantern.type) == ("", "Shelters.", "ngo")
    assert lantern.profile.founded == 2001
    assert _terms(lantern, "services") == set()
    assert _terms(lantern, "populations") == {"women"}


# --- File types and encodings ------------------------------------------------------------------


def test_it_reads_xlsx_with_typed_cells(staff, tmp_path):
    path = _xlsx(
        tmp_path,
        [
            {"Name": "Harbour Legal Aid", "Country": "KH", "Founded": 2012, "Verified": True},
            {"Name": "Delta Shelter", "Country": "VN", "Founded": 2015.0, "Verified": False},
            {"Name": "Bad Year", "Country": "VN", "Founded": 1492, "Verified": None},
        ],
    )
    report = import_organisations(path_or_file=path, by=staff)

    assert (report.created, report.rejected) == (
        2,
        [(4, "founded '1492' is not a year from 1800 to 2100")],
    )
    harbour = Organisation.objects.get(name="Harbour Legal Aid")
    assert (harbour.profile.founded, harbour.is_verified) == (2012, True)
    assert Profile.objects.get(organisation__name="Delta Shelter").founded == 2015


def test_it_numbers_rows_as_the_spreadsheet_shows_them(staff, tmp_path):
    path = _file(
        tmp_path,
        'name,country,description\n\n"Two\nlines",TH,"one\ntwo"\n,,\nNowhere,XX,\n',
    )
    report = import_organisations(path_or_file=path, by=staff)
    assert report.created == 1
    assert report.rejected == [(5, "country 'XX' is not an ISO 3166-1 alpha-2 code")]


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffname;country;services\nLantern;TH;shelter,legal_aid\n",
        "name\tcountry\tservices\r\nLantern\tTH\tshelter; legal_aid\r\n",
        '\ufeffname,country,services\r\nLantern,TH,"shelter,legal_aid"\r\n',
    ],
    ids=["bom-semicolon", "tab", "bom-comma"],
)
def test_it_reads_csv_with_a_bom_and_other_separators(staff, tmp_path, content):
    report = import_organisations(path_or_file=_file(tmp_path, content), by=staff)
    assert (report.created, report.rejected) == (1, [])
    organisation = Organisation.objects.get(name="Lantern")
    assert _terms(organisation, "services") == {"shelter", "legal_aid"}


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        ("organisations.xlsx", _docx(), "Word document"),
        ("organisations.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Office"),
        ("logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX"),
        ("latin1.csv", "name,country\nCafé,FR\n".encode("latin-1"), "not UTF-8"),
        ("empty.csv", b"", "is empty"),
        ("bom-only.csv", b"\xef\xbb\xbf\r\n", "is empty"),
        ("no-header.csv", b",,\nLantern,TH,\n", "first row is empty"),
        ("twice.csv", b"name,country,name\n", "appears more than once"),
        ("same.csv", b"name,country,NAME\n", "are the same column"),
    ],
)
def test_it_explains_why_a_file_cannot_be_read(staff, tmp_path, name, content, message):
    path = _file(tmp_path, content, name)
    with pytest.raises(TabularError, match=message):
        import_organisations(path_or_file=path, by=staff)
    with pytest.raises(CommandError, match=message):
        call_command("directory", "import", str(path), stdout=io.StringIO())


def test_it_reads_an_open_file_too(staff):
    report = import_organisations(path_or_file=io.BytesIO(b"name,country\nLantern,TH\n"), by=staff)
    assert report.created == 1


# --- Dry run, verification, terms, places, networks -----------------------------------------


def test_a_dry_run_reports_the_same_and_writes_nothing(staff, lantern, tmp_path):
    path = _file(tmp_path, MIXED + "Lantern Outreach,TH,ngo,,,,yes,\n")
    events = AuditEvent.objects.count()

    report = import_organisations(path_or_file=path, by=staff, dry_run=True)

    assert (report.dry_run, report.created, report.updated, len(report.rejected)) == (
        True,
        2,
        1,
        8,
    )
    assert list(Organisation.objects.all()) == [lantern]
    assert not lantern.is_verified
    assert AuditEvent.objects.count() == events
    assert not Term.objects.exists()


def test_it_verifies_and_withdraws_verification_as_the_importing_staff_member(
    staff, lantern, harbour, tmp_path
):
    path = _file(
        tmp_path,
        "slug,name,country,verified\n"
        "lantern,Lantern Outreach,TH,TRUE\n"
        "harbour,Harbour Legal Aid,KH,\n"
        "new,New Hope,LA,1\n",
    )
    import_organisations(path_or_file=path, by=staff)

    lantern.refresh_from_db()
    harbour.refresh_from_db()
    assert (lantern.verified_by, harbour.is_verified) == (staff, False)
    assert Organisation.objects.get(slug="new").verified_by == staff

    withdraw = "slug,name,country,verified\nlantern,Lantern Outreach,TH,No\n"
    report = import_organisations(path_or_file=_file(tmp_path, withdraw), by=staff)
    lantern.refresh_from_db()
    assert (report.updated, lantern.is_verified) == (1, False)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ORGANISATION_VERIFIED, actor=staff, data={"verified": False}
    ).exists()


def test_it_stores_terms_and_countries_of_operation(staff, tmp_path):
    path = _xlsx(
        tmp_path,
        [
            {
                "name": "Mekong Shelter",
                "country": "TH",
                "countries_of_operation": "th; KH, la",
                "four_ps": "Protection;prevention",
                "services": "shelter; mental_health",
                "exploitation": "forced_labour, forced_criminality",
                "populations": "children;women",
                "sectors": "fishing",
                "languages": "th; eng, shn",
                "size": "11-50",
                "description": "We run **two shelters**.",
            }
        ],
    )
    report = import_organisations(path_or_file=path, by=staff)

    assert report.rejected == []
    organisation = Organisation.objects.get()
    assert set(organisation.presences.values_list("country", flat=True)) == {"TH", "KH", "LA"}
    assert _terms(organisation, "four_ps") == {"protection", "prevention"}
    assert _terms(organisation, "services") == {"shelter", "mental_health"}
    assert _terms(organisation, "exploitation") == {"forced_labour", "forced_criminality"}
    assert _terms(organisation, "populations") == {"children", "women"}
    assert _terms(organisation, "sectors") == {"fishing"}
    # Two-letter codes where ISO 639-1 has one (as the profile form stores them).
    assert _terms(organisation, "languages") == {"th", "en", "shn"}
    assert organisation.profile.size == "11-50"
    assert "<strong>two shelters</strong>" in organisation.profile.description_html


def test_it_keeps_the_details_of_places_in_countries_still_listed(staff, lantern, tmp_path):
    Presence.objects.create(organisation=lantern, country="TH", locality="Chiang Mai")
    Presence.objects.create(organisation=lantern, country="MM")
    path = _file(tmp_path, "slug,name,country,countries_of_operation\nlantern,Lantern,TH,TH;KH\n")

    import_organisations(path_or_file=path, by=staff)

    assert set(lantern.presences.values_list("country", "locality")) == {
        ("TH", "Chiang Mai"),
        ("KH", ""),
    }


def test_it_rejects_unknown_codes_in_every_vocabulary(staff, tmp_path):
    path = _file(
        tmp_path,
        "name,country,size,countries_of_operation,four_ps,languages\n"
        "Lantern,TH,huge,TH;Thailand,prevention;peace,th;thai;xx\n",
    )
    report = import_organisations(path_or_file=path, by=staff)
    assert report.rejected == [
        (
            2,
            "size 'huge' is not one of the codes of this column; "
            "countries_of_operation 'Thailand' is not an ISO 3166-1 alpha-2 code; "
            "four_ps 'peace' is not one of the codes of this column; "
            "languages 'thai', 'xx' is not an ISO 639 language code",
        )
    ]


def test_it_links_networks_including_one_created_earlier_in_the_file(staff, lantern, tmp_path):
    path = _file(
        tmp_path,
        "slug,name,country,type,networks\n"
        "mekong-net,Mekong Network,KH,network,\n"
        "lantern,Lantern Outreach,TH,ngo,mekong-net; lantern\n",
    )
    report = import_organisations(path_or_file=path, by=staff, dry_run=True)
    assert (report.created, report.updated, report.rejected) == (1, 1, [])

    import_organisations(path_or_file=path, by=staff)
    assert list(NetworkLink.objects.values_list("network__slug", "member__slug")) == [
        ("mekong-net", "lantern")
    ]
    again = import_organisations(path_or_file=path, by=staff)
    assert again.unchanged == 2


def test_it_stores_hostile_strings_as_text(staff, tmp_path):
    hostile = {
        "name": "<script>alert('name')</script>",
        "country": "TH",
        "acronym": "=cmd|' /C calc'!A0",
        "summary": "'; DROP TABLE accounts_organisation; --",
        "description": '<img src=x onerror="alert(1)"> [x](javascript:alert(2))',
    }
    for name, path in (
        ("csv", _file(tmp_path, write_csv([hostile], list(hostile)))),
        ("xlsx", _xlsx(tmp_path, [hostile])),
    ):
        report = import_organisations(path_or_file=path, by=staff)
        assert report.rejected == [], name
    organisation = Organisation.objects.get()
    # The CSV export helper defused the formula; the XLSX kept it as text.
    assert organisation.name == hostile["name"]
    assert organisation.acronym == hostile["acronym"]
    assert organisation.summary == hostile["summary"]
    assert organisation.profile.description == hostile["description"]
    html = organisation.profile.description_html
    assert "onerror" not in html and "javascript:" not in html
    page = client_for(None).get(reverse("accounts:organisation", args=[organisation.slug]))
    assert b"<script>alert" not in page.content


def test_it_reports_progress(staff, tmp_path):
    calls = []
    import_organisations(
        path_or_file=_file(tmp_path, "name,country\nA,TH\nB,XX\n"),
        by=staff,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 2), (2, 2)]


def test_only_staff_may_import(alice, tmp_path):
    with pytest.raises(PermissionDenied):
        import_organisations(path_or_file=_file(tmp_path, "name,country\nA,TH\n"), by=alice)


# --- The command ---------------------------------------------------------------------------


def test_the_command_prints_a_summary_and_every_rejected_row(staff, lantern, tmp_path):
    path = _file(
        tmp_path,
        "name,country,notes\nLantern Outreach,TH,\nMekong Net,KH,\nNowhere,XX,\n",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("directory", "import", str(path), stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        "Created 1, updated 0, unchanged 1, rejected 1.",
        "row 4: country 'XX' is not an ISO 3166-1 alpha-2 code",
    ]
    assert "Ignored columns this import does not know: 'notes'" in err.getvalue()


def test_the_command_dry_run_saves_nothing(staff, tmp_path):
    out = io.StringIO()
    path = _file(tmp_path, "name,country\nMekong Net,KH\n")
    call_command("directory", "import", str(path), "--dry-run", stdout=out)
    assert "Created 1," in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert not Organisation.objects.exists()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_command_draws_a_progress_bar_on_a_terminal(staff, tmp_path):
    err = _Terminal()
    path = _file(tmp_path, "name,country\nA,TH\nB,KH\n")
    call_command("directory", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "2/2" in err.getvalue()


def test_the_command_acts_as_the_named_staff_account(staff, tmp_path):
    other = make_user("olga@example.org", is_staff=True)
    path = _file(tmp_path, "name,country,verified\nA,TH,yes\n")
    call_command("directory", "import", str(path), "--as", "OLGA@example.org", stdout=io.StringIO())
    assert Organisation.objects.get().verified_by == other
    with pytest.raises(CommandError, match="no active staff account with the e-mail address"):
        call_command("directory", "import", str(path), "--as", "alice@example.org")


def test_the_command_needs_a_staff_account(dave, tmp_path):
    path = _file(tmp_path, "name,country\nA,TH\n")
    with pytest.raises(CommandError, match="needs an active staff account"):
        call_command("directory", "import", str(path))


def test_the_command_fails_for_a_missing_file(staff, tmp_path):
    with pytest.raises(CommandError, match="cannot be opened"):
        call_command("directory", "import", str(tmp_path / "missing.csv"))


# --- Helpers and documentation -----------------------------------------------------------


def test_the_export_helpers_round_trip_and_defuse_formulas():
    rows = [{"name": "=1+1", "count": 3, "codes": ["a", "b"], "note": None, "minus": "-2"}]
    fields = ["name", "count", "codes", "note", "minus"]
    header, read = read_table(io.BytesIO(write_xlsx(rows, fields)))
    assert (header, list(read)) == (
        fields,
        [(2, {"name": "=1+1", "count": "3", "codes": "a; b", "note": "", "minus": "-2"})],
    )
    csv_bytes = write_csv(rows, fields)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    _header, read = read_table(io.BytesIO(csv_bytes))
    assert next(read)[1]["name"] == "'=1+1"


def test_the_data_formats_document_names_every_column_and_code():
    text = (ROOT / "docs" / "data-formats.md").read_text(encoding="utf-8")
    section = text.split("## Organisations import", 1)[1].split("\n## ", 1)[0]
    missing = [f"`{column}`" for column in COLUMNS if f"`{column}`" not in section]
    for vocabulary in (v.OrganisationType, v.SizeBand, *v.TERM_VOCABULARIES.values()):
        missing += [f"`{code}`" for code in vocabulary.values if f"`{code}`" not in section]
    assert missing == []


def test_the_documented_example_imports_cleanly(staff, tmp_path):
    text = (ROOT / "docs" / "data-formats.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    report = import_organisations(path_or_file=_file(tmp_path, example), by=staff)
    assert (report.created, report.rejected) == (3, [])
    lantern = Organisation.objects.get(slug="lantern")
    assert lantern.networks.get().network.slug == "mekong-net"
    assert _terms(lantern, "languages") == {"th", "my", "shn"}
