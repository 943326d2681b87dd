from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commons.core.management.progress import progress_bar
from commons.newsletter import scheduling


class Command(BaseCommand):
    help = "The newsletter. Sub-commands: send."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "send",
            help=_("Start the issues whose time has come and finish those being sent."),
            description=_(
                "Start every scheduled issue whose sending time has passed, and resume "
                "every issue whose sending was interrupted. Each subscriber receives one "
                "copy however often this runs: run it every few minutes (from cron or a "
                "systemd timer) in case the worker missed an issue."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "send":
            for issue in scheduling.due_issues().order_by("pk"):
                with progress_bar(self, unit=_("messages")) as progress:
                    counts = scheduling.run(issue, progress=progress)
                self.stdout.write(
                    _("%(subject)s: %(sent)d sent, %(skipped)d skipped, %(failed)d failed.")
                    % {
                        "subject": issue.subject,
                        "sent": counts["sent"],
                        "skipped": counts["skipped"],
                        "failed": counts["failed"],
                    }
                )
