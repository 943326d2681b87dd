import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from commons.operations.scheduling import start_scheduler


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks from the database queue. Start as many as you need; "
        "each claims work with a locked select so no task runs twice. Each also records "
        "its heartbeat (for /healthz) and queues the periodic jobs when they are due "
        "(newsletter, reminders, digests, alert expiry, retention): once a period, "
        "however many workers run."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not queue the periodic jobs or record a heartbeat from this worker.",
        )

    def handle(self, *args, schedule, batch, reload, worker_id, **options):
        # Not in --batch mode: it runs what is queued and exits, a schedule has no time;
        # with --reload, only in the child process that runs the tasks.
        in_reloader_parent = reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if schedule and not batch and not in_reloader_parent:
            start_scheduler(worker_id=worker_id)
        super().handle(*args, batch=batch, reload=reload, worker_id=worker_id, **options)
