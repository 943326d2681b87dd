import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commons import __version__
from commons.accounts.models import Membership, Organisation, User
from commons.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_it_prints_its_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"commons {__version__}"


def test_the_console_script_runs_django_commands():
    commons = Path(sys.executable).parent / "commons"
    result = subprocess.run(
        [commons, "help"], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("demo", "serve", "worker", "organisations", "migrate"):
        assert command in result.stdout


def test_organisations_add_provisions_an_organisation(db, capsys):
    call_command(
        "organisations", "add", "Mekong Shelter Network", "--country", "la", "--slug", "msn"
    )
    organisation = Organisation.objects.get(slug="msn")
    assert (organisation.name, organisation.country, organisation.is_verified) == (
        "Mekong Shelter Network",
        "LA",
        False,
    )
    assert "Added Mekong Shelter Network (msn, not verified)." in capsys.readouterr().out


def test_organisations_add_verifies_with_a_staff_account(staff, capsys):
    call_command(
        "organisations",
        "add",
        "Harbour Legal Aid",
        "--country",
        "KH",
        "--verified",
        "--type",
        "legal_service",
    )
    organisation = Organisation.objects.get(slug="harbour-legal-aid")
    assert organisation.verified_by == staff
    assert organisation.type == "legal_service"


def test_organisations_add_explains_what_is_wrong(lantern):
    with pytest.raises(CommandError, match="already exists"):
        call_command("organisations", "add", "Another", "--country", "TH", "--slug", "lantern")
    with pytest.raises(CommandError, match="country"):
        call_command("organisations", "add", "Nowhere", "--country", "XX")
    with pytest.raises(CommandError, match="staff account"):
        call_command("organisations", "add", "Unverifiable", "--country", "TH", "--verified")


def test_demo_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = settings.DEBUG = False
    with pytest.raises(CommandError, match="COMMONS_DEMO=true"):
        call_command("demo")


def test_demo_loads_real_and_fictional_organisations_and_one_person_per_role(
    db, settings, capsys, tmp_path
):
    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path
    call_command("demo")
    out = capsys.readouterr().out
    password = (tmp_path / "demo-password.txt").read_text().strip()
    assert f"password: {password}" in out
    for email in ("alice@example.org", "steward@example.org", "staff@example.org"):
        assert email in out
        assert User.objects.get(email=email).check_password(password)
    assert Organisation.objects.filter(slug="free-the-slaves", verified_at__isnull=False).exists()
    fictional = Organisation.objects.filter(name__endswith="(demo)")
    assert fictional.count() == 6
    assert all(o.is_demo for o in Organisation.objects.all())
    assert Membership.objects.get(user__email="erin@example.org").status == "pending"
    assert User.objects.get(email="alice@example.org").person_profile.listed_publicly
    # Synthetic routes, from fictional organisations only, with a published release.
    from commons.journeys.models import Record, Release, ReleaseCell

    assert "synthetic journey records and a release" in out
    contributors = set(Record.objects.values_list("organisation__name", flat=True))
    assert contributors and all(name.endswith("(demo)") for name in contributors)
    assert Release.objects.filter(status="published").count() == 1
    assert ReleaseCell.objects.filter(table="route").count() > 0
    # A demo survey, its title saying so, with synthetic responses and a published report.
    from commons.surveys.demo import RESPONSES, SLUG
    from commons.surveys.models import Survey

    assert f"a demo survey with {RESPONSES} synthetic responses" in out
    survey = Survey.objects.get(slug=SLUG)
    assert survey.title.endswith("(demo)") and survey.report_public
    assert survey.responses.count() == RESPONSES
    # Running it again adds nothing and keeps the password.
    records = Record.objects.count()
    call_command("demo")
    assert Record.objects.count() == records
    assert Release.objects.count() == 1
    assert Organisation.objects.count() == 35
    assert (tmp_path / "demo-password.txt").read_text().strip() == password
