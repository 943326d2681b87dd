from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commons.accounts.models import User
from commons.core.management.progress import progress_bar
from commons.directory.importing import import_organisations
from commons.lib.tabular import TabularError


class Command(BaseCommand):
    help = "Staff work on the directory. Sub-commands: import."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = sub.add_parser(
            "import",
            help=_("Create or update organisations from a CSV or XLSX file."),
            description=_(
                "Create or update organisations from a CSV or XLSX file; the columns are "
                "described in docs/data-formats.md. Bad rows are reported and skipped."
            ),
        )
        add.add_argument("file", help=_("The CSV (UTF-8) or XLSX file to import."))
        add.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would change, without saving anything."),
        )
        add.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help=_(
                "E-mail address of the staff account the changes are made by "
                "(default: the first active staff account)."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(**options)

    def _staff(self, email: str | None) -> User:
        staff = User.objects.filter(is_staff=True, is_active=True)
        if email:
            user = staff.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(
                    _("There is no active staff account with the e-mail address %(email)s.")
                    % {"email": email}
                )
            return user
        user = staff.order_by("pk").first()
        if user is None:
            raise CommandError(
                _(
                    "The import needs an active staff account to act as: create one with "
                    "“commons createsuperuser”, or name one with --as."
                )
            )
        return user

    def _import(self, *, file, dry_run, as_email, **_options):
        by = self._staff(as_email)
        try:
            with progress_bar(self, unit=_("rows")) as progress:
                report = import_organisations(
                    path_or_file=file, by=by, dry_run=dry_run, progress=progress
                )
        except TabularError as error:
            raise CommandError(str(error)) from None
        if report.ignored_columns:
            self.stderr.write(
                _("Ignored columns this import does not know: %(columns)s")
                % {"columns": ", ".join(repr(name) for name in report.ignored_columns)}
            )
        self.stdout.write(
            _(
                "Created %(created)d, updated %(updated)d, unchanged %(unchanged)d, "
                "rejected %(rejected)d."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
            }
        )
        for number, reason in report.rejected:
            self.stdout.write(_("row %(row)d: %(reason)s") % {"row": number, "reason": reason})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
