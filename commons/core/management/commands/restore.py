import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from commons.core.backup import BackupError, restore_backup, verify_backup
from commons.core.management.progress import progress_bar


class Command(BaseCommand):
    help = _(
        "Restore an archive made by 'commons backup': the database and the uploaded files. "
        "The archive is checked whole before anything is changed. Stop the site and its "
        "workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("The archive to restore."))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Replace a database that already holds people or organisations."),
        )

    def handle(self, *args, path, yes=False, **options):
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        try:
            with tempfile.TemporaryDirectory(
                prefix=".commons-restore-", dir=settings.VAR_DIR
            ) as work:
                self.stderr.write(_("Checking %(path)s …") % {"path": path})
                with progress_bar(self, unit=_("files")) as progress:
                    backup = verify_backup(Path(path), folder=Path(work), progress=progress)
                self.stderr.write(_("Restoring …"))
                with progress_bar(self, unit=_("files")) as progress:
                    restore_backup(
                        backup,
                        database=database,
                        storage=default_storage,
                        replace=yes,
                        progress=progress,
                    )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "Restored the database and %(files)d files from the backup of %(created)s "
                "(version %(version)s). Run 'commons migrate' if this version is newer."
            )
            % {
                "files": len(backup.manifest["files"]) - 1,
                "created": backup.manifest["created_at"],
                "version": backup.manifest["app_version"],
            }
        )
