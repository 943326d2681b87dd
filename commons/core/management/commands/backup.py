import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from commons.core.backup import BackupError, create_backup
from commons.core.management.progress import progress_bar


class Command(BaseCommand):
    help = _(
        "Write one archive (.tar.gz, readable by you only) holding the database and every "
        "uploaded file, with a manifest of checksums. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="PATH",
            help=_(
                "Where to write the archive (default: "
                "VAR_DIR/backups/commons-<date>-<time>.tar.gz)."
            ),
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            output = folder / f"commons-{stamp}.tar.gz"
        output = Path(output)
        try:
            with progress_bar(self, unit=_("files")) as progress:
                manifest = create_backup(
                    output=output,
                    database=connections[DEFAULT_DB_ALIAS].settings_dict,
                    storage=default_storage,
                    progress=progress,
                )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Backed up the database (%(vendor)s) and %(files)d files to %(path)s (%(size)s).")
            % {
                "vendor": manifest["database"]["vendor"],
                "files": len(manifest["files"]) - 1,
                "path": output,
                "size": filesizeformat(output.stat().st_size),
            }
        )
