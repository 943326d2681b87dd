import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from commons.accounts.models import Organisation
from commons.journeys.models import Batch
from commons.journeys.services import AlreadyImported, import_records
from commons.lib.tabular import TabularError


class Command(BaseCommand):
    help = "Journey records. Sub-commands: import."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = sub.add_parser(
            "import",
            help=_("Contribute journey records from a CSV or XLSX file for an organisation."),
            description=_(
                "Contribute journey records from a CSV or XLSX file (the columns are "
                "described in docs/data-formats.md) as one batch of a verified "
                "organisation. Bad rows are reported with their reason; good rows are kept."
            ),
        )
        add.add_argument("file", help=_("The CSV (UTF-8) or XLSX file to import."))
        add.add_argument(
            "--org", required=True, metavar="SLUG", help=_("The contributing organisation.")
        )
        add.add_argument(
            "--attestation",
            required=True,
            metavar="TEXT",
            help=_("On what basis the records are shared (consent, legal obligation …)."),
        )
        add.add_argument(
            "--format",
            choices=Batch.Format.values,
            default=None,
            help=_(
                "The layout of the file: native (Freedom Commons) or ctdc (the CTDC global "
                "dataset). Recognised from the column names when omitted."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(**options)

    def _import(self, *, file, org, attestation, format=None, **_options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("There is no organisation %(slug)s.") % {"slug": repr(org)})
        if not organisation.is_verified:
            raise CommandError(
                _("%(name)s is not verified: only verified organisations contribute records.")
                % {"name": organisation.name}
            )
        stream = getattr(self.stderr, "_out", sys.stderr)
        bars: list[tqdm] = []

        def progress(done: int, total: int | None) -> None:
            if not bars:
                bars.append(tqdm(total=total, unit=_("rows"), file=stream, disable=None))
            bars[0].update(done - bars[0].n)

        try:
            report = import_records(
                organisation=organisation,
                by=None,
                source=file,
                attestation=attestation,
                origin=Batch.Source.COMMAND,
                progress=progress,
                format=format,
            )
        except (TabularError, AlreadyImported, ValueError) as error:
            raise CommandError(str(error)) from None
        finally:
            for bar in bars:
                bar.close()
        if report.ignored_columns:
            self.stderr.write(
                _("Ignored columns this import does not know: %(columns)s")
                % {"columns": ", ".join(repr(name) for name in report.ignored_columns)}
            )
        for number, reason in report.rejected:
            self.stdout.write(_("row %(row)d: %(reason)s") % {"row": number, "reason": reason})
        if report.batch is None:
            self.stdout.write(
                _("No row could be accepted (%(rejected)d rejected): nothing was imported.")
                % {"rejected": len(report.rejected)}
            )
            return
        self.stdout.write(_("Layout: %(layout)s.") % {"layout": report.batch.get_format_display()})
        self.stdout.write(
            _(
                "Batch %(batch)d: accepted %(accepted)d records (%(people)d people), "
                "rejected %(rejected)d."
            )
            % {
                "batch": report.batch.pk,
                "accepted": report.accepted,
                "people": report.people,
                "rejected": len(report.rejected),
            }
        )
