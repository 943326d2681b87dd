"""The worker's schedule: periodic jobs queued by whichever worker sees them due first.

Each ``commons worker`` (and the worker inside ``commons serve``) runs a small thread
that, every ``TICK`` seconds, records the worker's heartbeat and queues the jobs that
are due. A job is queued by the worker whose conditional UPDATE moves its
``ScheduledJob.next_run_at`` forward, in the same transaction as the queued task, so
two workers (or twenty) queue it once a period. The jobs are the management commands
that used to run from cron; running them from cron as well stays harmless, since each
claims its own work with a conditional update.
"""

import io
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from commons.operations.models import ScheduledJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

TICK = 30.0  # seconds between two looks at the schedule
# A running task whose worker has not recorded a heartbeat for this long is presumed lost
# with it (killed, out of memory, machine gone) and goes back to the queue. Far above
# TICK, and above the longest write transaction on SQLite, during which a busy worker's
# heartbeat waits for the lock.
ABANDONED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    command: tuple[str, ...]


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("newsletter-send", timedelta(minutes=5), ("newsletter", "send")),
        Job("events-remind", timedelta(hours=1), ("events", "remind")),
        Job("discussions-digest", timedelta(hours=1), ("discussions", "digest")),
        Job("alerts-expire", timedelta(days=1), ("alerts", "expire")),
        Job("retention", timedelta(days=1), ("retention",)),
    )
}


def record_heartbeat(*, worker_id: str, now: datetime | None = None) -> None:
    """Note that ``worker_id`` is alive. Side effect: one UPDATE (or INSERT)."""
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.create(worker_id=worker_id, seen_at=now)


def queue_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Queue every job whose time has come and that no other worker has queued yet;
    returns their names.

    1. Make sure each job has a row (a new one is due at once), ignoring the rows
       another worker created at the same moment.
    2. For each job, ``UPDATE … SET next_run_at = now + every WHERE next_run_at <= now``:
       only one worker's UPDATE can match, and that worker queues the task in the
       same transaction, so a failure to queue leaves the job due.
    """
    from commons.operations.tasks import run_scheduled_job

    now = now or timezone.now()
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=name, next_run_at=now) for name in JOBS], ignore_conflicts=True
    )
    queued = []
    for job in JOBS.values():
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_queued_at=now
            )
            if claimed:
                run_scheduled_job.enqueue(name=job.name)
                queued.append(job.name)
    return queued


def run_job(*, name: str) -> str:
    """Run one scheduled job's command; returns (and logs) what it printed."""
    job = JOBS[name]
    out, err = io.StringIO(), io.StringIO()
    call_command(*job.command, stdout=out, stderr=err)
    output = out.getvalue().strip()
    logger.info("Scheduled job %s: %s", name, output or "done")
    return output


def requeue_abandoned_tasks(
    *, now: datetime | None = None, restarted_worker: str | None = None
) -> list[str]:
    """Put back in the queue the tasks a worker claimed and will never finish; returns
    their ids. django-tasks-db leaves a task RUNNING for ever when its worker dies
    without finishing it (SIGKILL, out of memory, power cut).

    1. A task whose last claimant is ``restarted_worker``: that worker is starting, so
       it runs nothing, and what it claimed before was cut short (a worker restarted
       under the same ``--worker-id``, as a systemd template unit gives it).
    2. A task whose last claimant's heartbeat is older than ``ABANDONED_AFTER`` (or,
       never seen, that started longer ago than that).

    Each task is put back with a conditional UPDATE on its status and start time, so
    two workers doing this at once requeue it once, and a task that has meanwhile
    finished is left alone. The task then runs again from the start: the imports refuse
    a file already imported (``journeys.services.AlreadyImported``) and keep their rows
    in one transaction, so a task cut short and run again stores its rows once.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(
        DBTaskResult.objects.running().values_list("pk", "worker_ids", "started_at", "task_path")
    )
    if not running:
        return []
    claimants = {ids[-1] for _pk, ids, _started, _path in running if ids}
    seen = dict(
        WorkerHeartbeat.objects.filter(worker_id__in=claimants).values_list("worker_id", "seen_at")
    )
    requeued = []
    for pk, ids, started_at, task_path in running:
        claimant = ids[-1] if ids else None
        last_sign_of_life = seen.get(claimant, started_at)
        lost = claimant is not None and claimant == restarted_worker
        if not lost and (last_sign_of_life is None or now - last_sign_of_life > ABANDONED_AFTER):
            lost = True
        if lost and DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None):
            logger.warning(
                "Task %s (%s) was left running by worker %s, which stopped; queued again",
                pk,
                task_path,
                claimant,
            )
            requeued.append(str(pk))
    return requeued


def tick(*, worker_id: str, queue_jobs: bool = True) -> None:
    """One look at the schedule: the heartbeat, the tasks lost with a stopped worker,
    then (``queue_jobs``) the due jobs. A database error (down, locked) is logged and
    the next tick tries again."""
    try:
        record_heartbeat(worker_id=worker_id)
        requeue_abandoned_tasks()
        for name in queue_due_jobs() if queue_jobs else ():
            logger.info("Queued scheduled job %s", name)
    except DatabaseError:
        logger.exception("The schedule could not be read; trying again in %ss", TICK)
    finally:
        close_old_connections()


def start_scheduler(
    *, worker_id: str, interval: float = TICK, queue_jobs: bool = True
) -> threading.Event:
    """Run ``tick`` every ``interval`` seconds in a daemon thread; set the returned
    event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            tick(worker_id=worker_id, queue_jobs=queue_jobs)
            stop.wait(interval)

    threading.Thread(target=loop, name="commons-scheduler", daemon=True).start()
    return stop
