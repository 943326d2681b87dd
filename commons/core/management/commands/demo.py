from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commons.core.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load demo content: organisations named in public reports, clearly fictional "
        "organisations, and one demo person per role. Runs only with COMMONS_DEMO=true "
        "or DEBUG=true; prints the demo sign-ins."
    )

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError("Demo data is only loaded with COMMONS_DEMO=true or DEBUG=true.")
        people, password, counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['organisations']} organisations"
                + (
                    f", {counts['journey_records']} synthetic journey records and a release"
                    if counts["journey_records"]
                    else ""
                )
                + (
                    f", a demo survey with {counts['survey_responses']} synthetic responses"
                    if counts["survey_responses"]
                    else ""
                )
                + f", {counts['events']} events (past forums and upcoming demo webinars)"
                + f", {counts['posts']} news posts, field reports and opportunities"
                + f", {counts['newsletter_issues']} newsletter issues (one in the archive)"
                + f", {counts['discussion_threads']} discussion threads"
                + f", {counts['alerts']} recruitment-fraud alerts (verified members only)"
                + f", {counts['library']} library works in several languages."
            )
        )
        self.stdout.write("")
        self.stdout.write(
            "Demo sign-ins (demo mode only; every demo person has the same password):"
        )
        for person in people:
            self.stdout.write(f"  {person.email:<24} {person.role}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("")
