"""``commons backup`` and ``commons restore``: a round trip into an empty instance gives
back every table's rows and every file's bytes; damaged, foreign, newer archives and a
database in use are refused before anything is changed."""

import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from commons.accounts.models import Organisation
from commons.core.backup import (
    BackupError,
    create_backup,
    postgres_connection,
    restore_backup,
    verify_backup,
)
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.library.models import Resource, Work

# The round trip and the replacement need committed rows (pg_dump and SQLite's backup
# read over connections of their own); the refusals do not, and stay fast.
committed = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% a report on recruitment fees\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def site(media, alice, carol):
    """Organisations and people (alice's, carol's), a library upload and an audit entry."""
    Organisation.objects.create(name="Mekong Shelter Network", slug="mekong", country="LA")
    work = Work.objects.create(slug="fees", type="report")
    resource = Resource(work=work, language="en", title="Recruitment fees", file_name="fees.pdf")
    resource.file.save("fees.pdf", ContentFile(PDF), save=False)
    resource.save()
    default_storage.save("directory/logos/lantern.png", ContentFile(b"\x89PNG\r\n\x1a\n" * 8))
    record_audit(action=AuditEvent.Action.SIGN_IN, actor=alice, data={"ip": "192.0.2.1"})
    return resource


@pytest.fixture
def empty(tmp_path):
    """A database no one has used: a new SQLite file, or a new PostgreSQL database."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database["NAME"] = str(tmp_path / "restored.sqlite3")
        yield database
        return
    database["NAME"] = f"{database['NAME']}_restore"
    with postgres_connection(database, dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
    yield database
    with postgres_connection(database, dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def rows_by_table(database: dict) -> dict[str, list]:
    """Every table's rows, read over a connection of its own (not Django's)."""
    if database["ENGINE"].endswith("sqlite3"):
        db = sqlite3.connect(database["NAME"])
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
    else:
        db = postgres_connection(database)
        names = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
    try:
        return {
            name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
            for name in names
        }
    finally:
        db.close()


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def backup_to(path: Path) -> Path:
    create_backup(output=path, database=connection.settings_dict, storage=default_storage)
    return path


def rewrite(archive: Path, *, manifest=None, member: str | None = None, data: bytes = b""):
    """Copy an archive, changing its manifest or one member's bytes."""
    changed = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as old, tarfile.open(changed, "w:gz") as new:
        for info in old:
            content = old.extractfile(info).read()
            if info.name == "manifest.json" and manifest:
                content = json.dumps(manifest(json.loads(content))).encode()
            elif info.name == member:
                content = data
            info.size = len(content)
            new.addfile(info, io.BytesIO(content))
    return changed


@committed
def test_it_restores_every_table_and_file_into_an_empty_instance(site, media, empty, tmp_path):
    archive = backup_to(tmp_path / "site.tar.gz")
    target = FileSystemStorage(location=tmp_path / "restored-media")

    backup = verify_backup(archive, folder=_mkdir(tmp_path / "work"))
    restore_backup(backup, database=empty, storage=target)

    source = rows_by_table(connection.settings_dict)
    restored = rows_by_table(empty)
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert model_tables | {"django_migrations"} <= set(source)
    for table in ("accounts_organisation", "accounts_user", "library_resource", "core_auditevent"):
        assert source[table], table
    assert restored.keys() == source.keys()
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert files_in(tmp_path / "restored-media") == files_in(media)
    assert files_in(media)[site.file.name] == PDF


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_it_writes_an_archive_only_its_owner_can_read_with_a_manifest(site, tmp_path):
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "site.tar.gz"), stdout=out)

    archive = tmp_path / "site.tar.gz"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "2 files" in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["core"]
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert listed[f"media/{site.file.name}"]["size"] == len(PDF)
    assert set(names) == {*listed, "manifest.json"}
    # No settings, environment or secrets in the archive.
    assert not any("settings" in name or "env" in name for name in names)


@committed
def test_it_replaces_a_database_in_use_only_with_yes(site, media, tmp_path):
    archive = backup_to(tmp_path / "site.tar.gz")
    Organisation.objects.create(name="Added after the backup", slug="later", country="TH")
    site.file.storage.save(site.file.name + ".new", ContentFile(b"later"))

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    assert Organisation.objects.filter(slug="later").exists()

    (media / site.file.name).write_bytes(b"overwritten")
    call_command("restore", str(archive), yes=True, stdout=io.StringIO(), stderr=io.StringIO())
    connection.close()
    assert not Organisation.objects.filter(slug="later").exists()
    assert Organisation.objects.filter(slug="mekong").exists()
    assert (media / site.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"manifest": lambda m: {**m, "database": {**m["database"], "vendor": "oracle"}}},
            "oracle database",
        ),
        (
            {
                "manifest": lambda m: {
                    **m,
                    "migrations": {**m["migrations"], "core": ["9999_from_the_future"]},
                }
            },
            "core.9999_from_the_future",
        ),
        ({"member": "PLACEHOLDER", "data": b"%PDF-1.4 tampered"}, "checksum"),
        ({"manifest": lambda m: {**m, "format_version": 99}}, "format 99"),
    ],
    ids=["other-vendor", "newer-migrations", "checksum", "newer-format"],
)
def test_it_refuses_an_archive_it_cannot_restore_and_changes_nothing(
    site, media, tmp_path, change, message
):
    archive = backup_to(tmp_path / "site.tar.gz")
    if change.get("member"):
        change = {**change, "member": f"media/{site.file.name}"}
    bad = rewrite(archive, **change)
    Organisation.objects.create(name="Added after the backup", slug="later", country="TH")
    (media / site.file.name).write_bytes(b"kept")

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), yes=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert Organisation.objects.filter(slug="later").exists()
    assert (media / site.file.name).read_bytes() == b"kept"


def test_it_refuses_a_truncated_archive(site, tmp_path):
    archive = backup_to(tmp_path / "site.tar.gz")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(BackupError, match="damaged"):
        verify_backup(cut, folder=_mkdir(tmp_path / "work"))
    with pytest.raises(BackupError, match="damaged"):
        verify_backup(Path(__file__), folder=tmp_path / "work")


def test_it_refuses_a_member_name_outside_the_storage(site, tmp_path):
    archive = backup_to(tmp_path / "site.tar.gz")

    def escape(manifest):
        for entry in manifest["files"]:
            if entry["name"].startswith("media/library/"):
                entry["name"] = "media/../../etc/cron.d/x"
        return manifest

    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(bad, "w:gz") as new:
        for info in old:
            content = old.extractfile(info).read()
            if info.name == "manifest.json":
                content = json.dumps(escape(json.loads(content))).encode()
            elif info.name.startswith("media/library/"):
                info.name = "media/../../etc/cron.d/x"
            info.size = len(content)
            new.addfile(info, io.BytesIO(content))

    with pytest.raises(BackupError, match="not a file name"):
        verify_backup(bad, folder=_mkdir(tmp_path / "work"))
