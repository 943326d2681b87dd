import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


def start_worker_thread() -> threading.Thread:
    """Run the task worker, and its schedule, in daemon threads so one process is enough
    on a laptop."""
    from commons.operations.scheduling import start_scheduler
    from commons.operations.worker import ResilientWorker

    worker_id = f"serve-{get_random_string(8)}"
    worker = ResilientWorker(
        queue_names=["*"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="commons-worker", daemon=True)
    thread.start()
    start_scheduler(worker_id=worker_id)
    return thread


class Command(BaseCommand):
    help = "Serve the platform for development and demos (Django's server plus a task worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to listen on (default 8000)."
        )
        parser.add_argument("--reload", action="store_true", help="Restart when the code changes.")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run background tasks in this process."
        )

    def handle(self, *args, host, port, reload, no_worker, **options):
        if not no_worker and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
            import os

            # With the reloader the code runs in a child process; start the worker there only.
            if not reload or os.environ.get("RUN_MAIN") == "true":
                start_worker_thread()
        address = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"Freedom Commons is running at {address}"))
        self.stdout.write("Press Ctrl+C to stop.")
        call_command("runserver", f"{host}:{port}", use_reloader=reload, skip_checks=False)
