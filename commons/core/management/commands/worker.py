import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from commons.operations.scheduling import requeue_abandoned_tasks, start_scheduler


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks from the database queue. Start as many as you need; "
        "each claims work with a locked select so no task runs twice. Each also records "
        "its heartbeat (for /healthz), queues again the tasks a stopped worker left "
        "running (at once for its own --worker-id when it restarts) and queues the "
        "periodic jobs when they are due (newsletter, reminders, digests, alert expiry, "
        "retention): once a period, however many workers run."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not queue the periodic jobs from this worker (it still records its "
            "heartbeat and requeues tasks left running by a stopped worker).",
        )

    def handle(self, *args, schedule, batch, reload, worker_id, **options):
        # With --reload, only in the child process that runs the tasks.
        in_reloader_parent = reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not in_reloader_parent:
            # Starting, this worker runs nothing: what its id still holds was cut short.
            requeue_abandoned_tasks(restarted_worker=worker_id)
        # Not in --batch mode: it runs what is queued and exits, a schedule has no time.
        if not batch and not in_reloader_parent:
            start_scheduler(worker_id=worker_id, queue_jobs=schedule)
        super().handle(*args, batch=batch, reload=reload, worker_id=worker_id, **options)
