from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commons.events.services import send_reminders


class Command(BaseCommand):
    help = "Events. Sub-commands: remind."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "remind",
            help=_("E-mail a reminder to the participants of events starting within a day."),
            description=_(
                "Queue a reminder, with the calendar entry and the meeting link, for every "
                "confirmed participant of a published event that starts within the next 24 "
                "hours. Each person is reminded once, however often this runs: run it every "
                "hour or so (from cron or a systemd timer)."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "remind":
            sent = send_reminders()
            self.stdout.write(_("Reminders queued: %(n)d.") % {"n": sent})
