from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from commons.accounts.models import Organisation
from commons.core.management.progress import progress_bar
from commons.journeys import releases, tallies
from commons.journeys.models import Batch, Release
from commons.journeys.services import AlreadyImported, default_workers, import_records
from commons.lib.tabular import TabularError


class Command(BaseCommand):
    help = "Journey records. Sub-commands: import, release, recount."

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
        add.add_argument(
            "--workers",
            type=int,
            default=None,
            metavar="N",
            help=_(
                "Processes that check the rows of a large file while this one stores them "
                "(default: one per processor beyond the first, at most 3; 0: none)."
            ),
        )
        self._add_release_arguments(sub)
        sub.add_parser(
            "recount",
            help=_("Count every record anew into the exact counts releases are built from."),
            description=_(
                "Releases are built from exact counts kept up to date as records are "
                "contributed, corrected and withdrawn. A build recounts them by itself when "
                "they disagree with the records; this recounts them now, for instance after "
                "records were restored from a backup."
            ),
        )

    def _add_release_arguments(self, sub):
        release = sub.add_parser(
            "release",
            help=_("Build and publish the public release of journey records."),
            description=_(
                "A release is a set of aggregate tables with differentially private noise, "
                "built from the records of the moment (docs/privacy.md, Releases). Build a "
                "draft, read its preview, then publish it."
            ),
        )
        steps = release.add_subparsers(dest="step", required=True, metavar="STEP")
        build = steps.add_parser(
            "build",
            help=_("Build a draft release and print its id and preview."),
            description=_(
                "Build a draft release from every record present now and print its id, "
                "its number of records (rounded) and, per table, the cells published and "
                "suppressed and the expected error. Nothing is public until it is published."
            ),
        )
        build.add_argument(
            "--epsilon",
            type=float,
            default=releases.DEFAULT_EPSILON,
            metavar="E",
            help=_(
                "The privacy-loss budget ε of the whole release, split across its tables "
                "(default %(default)s). Smaller is more private and noisier."
            ),
        )
        build.add_argument(
            "--k",
            type=int,
            default=releases.DEFAULT_K,
            metavar="K",
            help=_("Counts below K after noise are not published (default %(default)s)."),
        )
        build.add_argument(
            "--delta",
            type=float,
            default=releases.DEFAULT_DELTA,
            metavar="D",
            help=_(
                "The chance δ that the release breaks its ε promise for a person "
                "(default %(default)s); it sets how large a cell must be to be published."
            ),
        )
        publish = steps.add_parser(
            "publish",
            help=_("Publish a draft release: the public sees it from now on."),
            description=_(
                "Publish a draft release. A published release never changes; older "
                "releases stay published and citable."
            ),
        )
        which = publish.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "release_id", nargs="?", type=int, metavar="ID", help=_("The draft to publish.")
        )
        which.add_argument("--latest", action="store_true", help=_("Publish the latest draft."))

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(**options)
        elif action == "release":
            self._release(**options)
        elif action == "recount":
            with progress_bar(self, unit=_("records")) as progress:
                counted = tallies.recount(progress=progress)
            self.stdout.write(
                _("Counted %(records)s records (%(people)s people).")
                % {
                    "records": number_format(counted.records, force_grouping=True),
                    "people": number_format(counted.people, force_grouping=True),
                }
            )

    def _import(self, *, file, org, attestation, format=None, workers=None, **_options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("There is no organisation %(slug)s.") % {"slug": repr(org)})
        if not organisation.is_verified:
            raise CommandError(
                _("%(name)s is not verified: only verified organisations contribute records.")
                % {"name": organisation.name}
            )
        try:
            with progress_bar(self, unit=_("rows")) as progress:
                report = import_records(
                    organisation=organisation,
                    by=None,
                    source=file,
                    attestation=attestation,
                    origin=Batch.Source.COMMAND,
                    progress=progress,
                    format=format,
                    workers=default_workers() if workers is None else max(0, workers),
                )
        except (TabularError, AlreadyImported, ValueError) as error:
            raise CommandError(str(error)) from None
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

    def _release(self, *, step, **options):
        if step == "build":
            self._build(**options)
        else:
            self._publish(**options)

    def _build(self, *, epsilon, k, delta, **_options):
        try:
            with progress_bar(self, unit=_("cells")) as progress:
                release = releases.build_release(
                    epsilon=epsilon, k=k, delta=delta, progress=progress
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        shown = releases.preview(release)
        self.stdout.write(
            _(
                "Release %(release)d (draft): built from about %(records)s records "
                "(%(people)s people); ε = %(epsilon)g, δ = %(delta).1e, k = %(k)d."
            )
            % {
                "release": release.pk,
                "records": number_format(release.records, force_grouping=True),
                "people": number_format(release.people, force_grouping=True),
                "epsilon": release.epsilon,
                "delta": release.delta,
                "k": release.k,
            }
        )
        for table in shown["tables"]:
            self.stdout.write(
                _(
                    "  %(code)s: %(cells)d cells published, %(suppressed)d suppressed; "
                    "noise ±%(error)d (95 %%); cells under %(threshold)d people are not "
                    "published."
                )
                % {
                    "code": table["code"],
                    "cells": table["cells"],
                    "suppressed": table["suppressed"],
                    "error": table["error95"],
                    "threshold": table["threshold"],
                }
            )
        self.stdout.write(
            _("Publish it with: commons journeys release publish %(release)d")
            % {"release": release.pk}
        )

    def _publish(self, *, release_id=None, latest=False, **_options):
        if latest:
            release = Release.objects.filter(status=Release.Status.DRAFT).order_by("-created_at")
            release = release.first()
            if release is None:
                raise CommandError(_("There is no draft release to publish."))
        else:
            release = Release.objects.filter(pk=release_id).first()
            if release is None:
                raise CommandError(_("There is no release %(release)d.") % {"release": release_id})
        try:
            releases.publish_release(release=release)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Release %(release)d is published: the public sees it from now on.")
            % {"release": release.pk}
        )
