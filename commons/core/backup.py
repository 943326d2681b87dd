"""Backups: one archive holding the database and the uploaded files, and its restore.

The archive is a gzip-compressed tar file, readable with ``tar``:

- ``database.sqlite3`` (a consistent copy made with SQLite's online backup API) or
  ``database.pgdump`` (``pg_dump --format=custom``);
- ``media/<name>``, every file of the default storage (the uploads);
- ``manifest.json``, last: format version, creation time, application version, database
  vendor, the applied Django migrations per app, and every other member with its size
  and SHA-256.

No settings, environment or secret key go in. ``database`` below is a Django
``DATABASES`` entry (``connection.settings_dict``) and ``storage`` a Django storage, so
that tests can restore into another database and folder than the configured ones.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

import commons

FORMAT = "freedom-commons-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024

Progress = Callable[[int, int | None], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class VerifiedBackup:
    """An archive unpacked into ``folder`` whose every member matched its checksum."""

    manifest: dict
    folder: Path
    paths: dict[str, Path]  # member name -> unpacked file

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]


def vendor_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        return "postgresql"
    raise BackupError(
        _("Backups support SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine}
    )


# --- Backup ---------------------------------------------------------------------------


def create_backup(
    *, output: Path, database: dict, storage: Storage, progress: Progress | None = None
) -> dict:
    """Write an archive of the database and the storage's files to ``output``.

    Side effects: writes ``output`` (mode 0600; through a hidden partial file renamed at
    the end, so a failed backup leaves no archive) and a temporary copy of the database
    next to it. Returns the manifest.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = vendor_of(database)
    names = sorted(storage_files(storage))
    total = 1 + len(names)
    progress = progress or (lambda done, total: None)
    partial = output.with_name(f".{output.name}.partial")
    with _temporary_folder(output.parent) as work:
        dump = work / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            _sqlite_snapshot(database["NAME"], dump)
            migrations = _sqlite_migrations(dump)
        else:
            migrations = _postgres_migrations(database)
            _pg_dump(database, dump)
        progress(1, total)
        created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        entries = []
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive,
            ):
                with dump.open("rb") as handle:
                    entries.append(_add(archive, dump.name, handle, dump.stat().st_size, created))
                for done, name in enumerate(names, start=2):
                    with storage.open(name, "rb") as handle:
                        entries.append(
                            _add(archive, MEDIA + name, handle, storage.size(name), created)
                        )
                    progress(done, total)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": created.isoformat(),
                    "app_version": commons.__version__,
                    "database": {"vendor": vendor, "file": dump.name},
                    "migrations": migrations,
                    "files": entries,
                }
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = _tarinfo(MANIFEST, len(data), created)
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def storage_files(storage: Storage, folder: str = "") -> Iterable[str]:
    """Every file name in a storage, walking its folders."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage whose folder was never made: no uploads
        return
    prefix = f"{folder}/" if folder else ""
    for name in files:
        yield prefix + name
    for name in folders:
        yield from storage_files(storage, prefix + name)


def _add(archive: tarfile.TarFile, name: str, handle, size: int, created) -> dict:
    digest = hashlib.sha256()

    class Hashing(io.RawIOBase):
        def read(self, n=-1):
            chunk = handle.read(n)
            digest.update(chunk)
            return chunk

    archive.addfile(_tarinfo(name, size, created), Hashing())
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _tarinfo(name: str, size: int, created: datetime.datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(created.timestamp())
    return info


class _temporary_folder:
    """A private (0700) temporary folder under ``parent``, removed at the end."""

    def __init__(self, parent: Path):
        self.parent = Path(parent)

    def __enter__(self) -> Path:
        import tempfile

        self.path = Path(tempfile.mkdtemp(prefix=".commons-backup-", dir=self.parent))
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def _sqlite_snapshot(source: str, target: Path) -> None:
    # One step (pages=-1) reads the whole database in one read transaction: a consistent
    # copy even while the site writes (WAL lets it go on writing meanwhile).
    if not Path(source).exists():
        raise BackupError(_("There is no database at %(path)s.") % {"path": source})
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60) as src,
        sqlite3.connect(target) as copy,
    ):
        src.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    src.close()
    copy.close()


def _sqlite_migrations(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
        rows = db.execute("SELECT app, name FROM django_migrations").fetchall() if exists else []
    db.close()
    return _group(rows)


def _postgres_migrations(database: dict) -> dict[str, list[str]]:
    with postgres_connection(database) as db:
        exists = db.execute("SELECT to_regclass('django_migrations')").fetchone()[0]
        rows = db.execute("SELECT app, name FROM django_migrations").fetchall() if exists else []
    return _group(rows)


def _group(rows) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


# --- PostgreSQL clients -----------------------------------------------------------------


def postgres_connection(database: dict, *, dbname: str | None = None):
    import psycopg

    options = database.get("OPTIONS", {})
    return psycopg.connect(
        dbname=dbname or database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
        **{k: v for k, v in options.items() if k in ("sslmode", "sslrootcert", "sslcert")},
    )


def _postgres_environment(database: dict) -> dict[str, str]:
    # The password goes in the environment, never on the command line (visible in ps).
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return env


def _client(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(program)s is not installed; it comes with the PostgreSQL client "
                "(Debian: apt install postgresql-client)."
            )
            % {"program": name}
        )
    return path


def _run(arguments: list[str], database: dict) -> None:
    result = subprocess.run(  # noqa: S603 (a fixed program, no shell)
        arguments, env=_postgres_environment(database), capture_output=True, text=True
    )
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(arguments[0]).name, "error": result.stderr.strip()}
        )


def _pg_dump(database: dict, target: Path) -> None:
    _run([_client("pg_dump"), "--format=custom", "--no-password", f"--file={target}"], database)


def _pg_restore(database: dict, dump: Path) -> None:
    # One transaction: if anything fails the database stays as it was.
    _run(
        [
            _client("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        database,
    )


# --- Restore --------------------------------------------------------------------------


def verify_backup(
    archive: Path, *, folder: Path, progress: Progress | None = None
) -> VerifiedBackup:
    """Unpack an archive into ``folder`` and check every member against the manifest.

    Side effects: writes the members into ``folder`` (under names of its own, so a
    crafted member name cannot reach outside it). Raises ``BackupError`` for an archive
    that is not a readable backup or whose contents differ from its manifest.
    """
    progress = progress or (lambda done, total: None)
    damaged = _("%(path)s is not a Freedom Commons backup or is damaged: %(reason)s")
    paths: dict[str, Path] = {}
    digests: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(source.read(10 * CHUNK))
                    continue
                if member.name in paths:
                    raise BackupError(
                        damaged
                        % {
                            "path": archive,
                            "reason": _("%(name)s appears twice") % {"name": member.name},
                        }
                    )
                target = folder / f"{len(paths):06d}"
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                paths[member.name] = target
                digests[member.name] = (size, digest.hexdigest())
                progress(len(paths), None)
    except FileNotFoundError:
        raise BackupError(_("There is no file %(path)s.") % {"path": archive}) from None
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as error:
        raise BackupError(damaged % {"path": archive, "reason": error}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(damaged % {"path": archive, "reason": _("it has no manifest")})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("%(path)s is a backup in format %(version)s; this version reads format %(ours)s.")
            % {"path": archive, "version": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    listed = {entry["name"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    for name in sorted(set(listed) | set(digests)):
        if name not in digests:
            reason = _("%(name)s is missing") % {"name": name}
        elif name not in listed:
            reason = _("%(name)s is not in the manifest") % {"name": name}
        elif listed[name] != digests[name]:
            reason = _("the checksum of %(name)s does not match") % {"name": name}
        elif name.startswith(MEDIA) and not _safe_name(name[len(MEDIA) :]):
            reason = _("%(name)s is not a file name the storage accepts") % {"name": name}
        else:
            continue
        raise BackupError(damaged % {"path": archive, "reason": reason})
    if manifest["database"]["file"] not in paths:
        raise BackupError(damaged % {"path": archive, "reason": _("it holds no database")})
    return VerifiedBackup(manifest=manifest, folder=folder, paths=paths)


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def check_restorable(backup: VerifiedBackup, *, database: dict, replace: bool) -> None:
    """Refuse (``BackupError``) a backup this code and database cannot take: another
    database vendor, migrations this code does not have, or a database already in use
    (people or organisations in it) unless ``replace``."""
    vendor = vendor_of(database)
    if backup.vendor != vendor:
        raise BackupError(
            _(
                "This backup is of a %(theirs)s database and this site uses %(ours)s; "
                "restore it on a site with %(theirs)s (then move the data with dumpdata "
                "and loaddata if you must change)."
            )
            % {"theirs": backup.vendor, "ours": vendor}
        )
    known = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, names in backup.manifest["migrations"].items()
        if app in known.migrated_apps
        for name in names
        if (app, name) not in known.disk_migrations
    ]
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version (%(version)s) with migrations this "
                "version does not have: %(migrations)s. Upgrade first, then restore."
            )
            % {
                "version": backup.manifest.get("app_version"),
                "migrations": ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else ""),
            }
        )
    if not replace and database_in_use(database):
        raise BackupError(
            _(
                "The database %(name)s already holds people or organisations. Restoring "
                "replaces all of it: run again with --yes if that is what you want."
            )
            % {"name": database["NAME"]}
        )


def database_in_use(database: dict) -> bool:
    """Whether the database holds people or organisations (a freshly migrated one does
    not, though migrations fill a few tables such as the event themes)."""
    from commons.accounts.models import Organisation, User

    tables = [User._meta.db_table, Organisation._meta.db_table]
    if vendor_of(database) == "sqlite":
        if not Path(database["NAME"]).exists():
            return False
        with sqlite3.connect(f"file:{database['NAME']}?mode=ro", uri=True) as db:
            present = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            used = any(
                db.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()  # noqa: S608
                for table in tables
                if table in present
            )
        db.close()
        return used
    with postgres_connection(database) as db:
        return any(
            db.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()  # noqa: S608
            for table in tables
            if db.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]
        )


def restore_backup(
    backup: VerifiedBackup,
    *,
    database: dict,
    storage: Storage,
    replace: bool = False,
    progress: Progress | None = None,
) -> None:
    """Replace the database with the backup's and write its files into the storage.

    Side effects: checks first (``check_restorable``), then replaces every table of the
    database (SQLite: the whole file, through the backup API; PostgreSQL: ``pg_restore
    --clean`` in one transaction) and writes each file, replacing one of the same name.
    Files in the storage that the backup does not have are left alone.
    """
    check_restorable(backup, database=database, replace=replace)
    progress = progress or (lambda done, total: None)
    files = [entry["name"] for entry in backup.manifest["files"] if entry["name"].startswith(MEDIA)]
    total = 1 + len(files)
    dump = backup.paths[backup.manifest["database"]["file"]]
    if backup.vendor == "sqlite":
        target = Path(database["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            sqlite3.connect(f"file:{dump}?mode=ro", uri=True) as src,
            sqlite3.connect(target, timeout=60) as db,
        ):
            src.backup(db, pages=-1)
        src.close()
        db.close()
    else:
        _pg_restore(database, dump)
    progress(1, total)
    for done, member in enumerate(files, start=2):
        name = member[len(MEDIA) :]
        if storage.exists(name):
            storage.delete(name)
        with backup.paths[member].open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(
                _("The storage saved %(name)s as %(saved)s.") % {"name": name, "saved": saved}
            )
        progress(done, total)
