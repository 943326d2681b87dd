from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commons.core.management.progress import progress_bar
from commons.discussions.notifications import send_digests


class Command(BaseCommand):
    help = "Discussions. Sub-commands: digest."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "digest",
            help=_("E-mail the daily digest of discussion notifications."),
            description=_(
                "Queue one e-mail for each person who chose the daily digest and has "
                "notifications they have neither read nor received by e-mail: replies in "
                "threads they watch, mentions of them, moderators' decisions. Each person "
                "gets at most one digest a day, however often this runs: run it every hour "
                "or so (from cron or a systemd timer)."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "digest":
            with progress_bar(self, unit=_("people")) as progress:
                sent = send_digests(progress=progress)
            self.stdout.write(_("Digests queued: %(n)d.") % {"n": sent})
