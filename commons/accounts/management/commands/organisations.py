from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commons.accounts.models import Organisation
from commons.accounts.services import create_organisation


class Command(BaseCommand):
    help = "Manage organisations from scripts. Sub-commands: add."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser(
            "add", help="Add an organisation (for operators who provision from scripts)."
        )
        add.add_argument("name", help="Full name of the organisation.")
        add.add_argument(
            "--country", required=True, help="Headquarters country, ISO 3166-1 alpha-2 (e.g. TH)."
        )
        add.add_argument(
            "--slug", help="Short name used in addresses (derived from the name when omitted)."
        )
        add.add_argument(
            "--type",
            default=Organisation.Type.NGO,
            choices=Organisation.Type.values,
            help="Organisation type (default ngo).",
        )
        add.add_argument(
            "--verified", action="store_true", help="Mark the organisation as verified."
        )

    def handle(self, *args, action, **options):
        if action == "add":
            self._add(**options)

    def _add(self, *, name, country, slug, type, verified, **_options):
        from commons.accounts.models import User

        verifier = None
        if verified:
            verifier = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
            if verifier is None:
                raise CommandError(
                    "--verified needs at least one staff account (commons createsuperuser)."
                )
        try:
            organisation = create_organisation(
                name=name, country=country, slug=slug, type=type, verified_by=verifier
            )
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {', '.join(errs)}" for field, errs in error.message_dict.items()
            )
            raise CommandError(messages) from None
        state = "verified" if organisation.is_verified else "not verified"
        self.stdout.write(
            self.style.SUCCESS(f"Added {organisation.name} ({organisation.slug}, {state}).")
        )
