import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from commons.operations.scheduling import start_scheduler
from commons.operations.worker import ResilientWorker


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks from the database queue. Start as many as you need; "
        "each claims work with a locked select so no task runs twice. Each also records "
        "its heartbeat (for /healthz), queues again the tasks a stopped worker left "
        "running (at once for its own --worker-id when it restarts) and queues the "
        "periodic jobs when they are due (newsletter, reminders, digests, alert expiry, "
        "retention): once a period, however many workers run. A database error (the "
        "database restarting, a full disk) is logged and waited out, not fatal."
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

    def handle(
        self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
        reload, max_tasks, worker_id, exclude_queues, schedule, **options,
    ):  # fmt: skip
        # django-tasks-db's own handle, with ResilientWorker: it waits out database errors
        # instead of exiting, and requeues what its id left running when it starts.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id, excluded_queue_names=excluded,
        )  # fmt: skip
        # With --reload, tasks run in the child process only; not in --batch mode, which
        # runs what is queued and exits: a schedule has no time there.
        in_reloader_parent = reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not batch and not in_reloader_parent:
            start_scheduler(worker_id=worker_id, queue_jobs=schedule)
        if reload:
            if not in_reloader_parent:
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
