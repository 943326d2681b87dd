import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commons.accounts.models import Organisation
from commons.core.management.progress import progress_bar
from commons.lib.tabular import TabularError
from commons.surveys.analysis import FilterError
from commons.surveys.importing import import_responses
from commons.surveys.models import Survey
from commons.surveys.queries import report_csv, survey_report
from commons.surveys.services import create_survey
from commons.surveys.xlsform import FormError


class Command(BaseCommand):
    help = "Surveys. Sub-commands: import-form, import-responses, report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        form = sub.add_parser(
            "import-form",
            help=_("Create a draft survey from an XLSForm workbook."),
            description=_(
                "Create a draft survey from an XLSForm workbook (survey, choices and "
                "settings sheets). A form error names the sheet, the row and the problem."
            ),
        )
        form.add_argument("file", help=_("The XLSForm workbook (.xlsx)."))
        form.add_argument("--slug", help=_("The survey's short name (default: from the form)."))
        form.add_argument(
            "--org",
            metavar="SLUG",
            help=_("The organisation that runs it (default: the platform's staff)."),
        )
        responses = sub.add_parser(
            "import-responses",
            help=_("Import the responses of a KoboToolbox or ODK export into a survey."),
            description=_(
                "Import a KoboToolbox or ODK export (CSV or XLSX) into a survey. Rejected "
                "rows are reported with their reason and every good row is kept; "
                "submissions imported before are skipped."
            ),
        )
        responses.add_argument("slug", help=_("The survey's short name."))
        responses.add_argument("file", help=_("The export (.csv or .xlsx)."))
        shown = sub.add_parser(
            "report",
            help=_("Print a survey's findings: valid N, counts and percentages per question."),
        )
        shown.add_argument("slug", help=_("The survey's short name."))
        shown.add_argument("--format", choices=["json", "csv"], default="json")
        shown.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=_("Only the responses with this answer (repeat to combine)."),
        )
        shown.add_argument(
            "--by", metavar="NAME", help=_("Break every question down by this question.")
        )

    def handle(self, *args, action, **options):
        if action == "import-form":
            self._import_form(**options)
        elif action == "import-responses":
            self._import_responses(**options)
        else:
            self._report(**options)

    def _report(self, *, slug, format, filter, by=None, **_options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(_("There is no survey %(slug)s.") % {"slug": repr(slug)})
        filters = {}
        for condition in filter:
            name, equals, value = condition.partition("=")
            if not equals or not name:
                raise CommandError(
                    _("%(filter)s: write a filter as NAME=VALUE.") % {"filter": repr(condition)}
                )
            filters[name.strip()] = value.strip()
        try:
            found = survey_report(survey, filters=filters, by=by, format=format)
        except FilterError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps({"survey": survey.slug, **found}, ensure_ascii=False))
        else:
            self.stdout.write(report_csv(found), ending="")

    def _import_form(self, *, file, slug=None, org=None, **_options):
        owner = None
        if org:
            owner = Organisation.objects.filter(slug=org).first()
            if owner is None:
                raise CommandError(_("There is no organisation %(slug)s.") % {"slug": repr(org)})
        try:
            workbook = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be read: %(reason)s")
                % {"path": file, "reason": error.strerror or error}
            ) from None
        try:
            survey = create_survey(workbook=workbook, owner=owner, slug=slug)
        except (FormError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Survey %(slug)s (draft): %(title)s, %(questions)d questions.")
            % {
                "slug": survey.slug,
                "title": survey.title,
                "questions": len(survey.form.asked),
            }
        )

    def _import_responses(self, *, slug, file, **_options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(_("There is no survey %(slug)s.") % {"slug": repr(slug)})
        try:
            with progress_bar(self, unit=_("rows")) as progress:
                report = import_responses(survey=survey, source=file, progress=progress)
        except TabularError as error:
            raise CommandError(str(error)) from None
        for number, reason in report.rejected:
            self.stdout.write(_("row %(row)d: %(reason)s") % {"row": number, "reason": reason})
        self.stdout.write(
            _(
                "Responses accepted: %(accepted)d; already imported, skipped: %(skipped)d; "
                "rejected: %(rejected)d."
            )
            % {
                "accepted": report.accepted,
                "skipped": report.skipped,
                "rejected": len(report.rejected),
            }
        )
