from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commons.alerts.services import expire_alerts


class Command(BaseCommand):
    help = "Recruitment-fraud alerts. Sub-commands: expire."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "expire",
            help=_("Mark expired the published alerts whose time has passed."),
            description=_(
                "Mark expired every published alert whose expiry date has passed and that "
                "nobody renewed (ALERTS_VALID_DAYS after its review or last renewal). "
                "Expired alerts stay readable, marked so, and leave the default list. "
                "Running it again changes nothing: run it daily (from cron or a systemd "
                "timer)."
            ),
        )

    def handle(self, *args, action, **options):
        if action == "expire":
            expired = expire_alerts()
            self.stdout.write(_("Alerts expired: %(n)d.") % {"n": expired})
