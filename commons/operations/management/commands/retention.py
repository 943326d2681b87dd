from django.conf import settings
from django.core.management.base import BaseCommand

from commons.operations.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Delete what has outlived its retention period: expired sessions, audit events "
        "older than AUDIT_RETENTION_DAYS (never, when it is 0), finished background-task "
        "results older than TASK_RESULTS_RETENTION_DAYS, stopped workers' heartbeats; and "
        "mark expired the alerts whose time has passed. The worker runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted or changed, and change nothing.",
        )

    def handle(self, *args, dry_run, **options):
        verb = "would be deleted or changed" if dry_run else "deleted or changed"
        if not settings.AUDIT_RETENTION_DAYS:
            self.stdout.write("Audit events are kept forever (AUDIT_RETENTION_DAYS=0).")

        def report(step: str, count: int) -> None:
            self.stdout.write(f"{step}: {count}")

        counts = apply_retention(dry_run=dry_run, report=report)
        self.stdout.write(self.style.SUCCESS(f"Retention: {sum(counts.values())} {verb}."))
