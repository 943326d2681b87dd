"""A task cut short by its worker's death runs again, and its effects are stored once.

django-tasks-db marks a task RUNNING when a worker claims it and leaves it so for ever if
that worker is killed; ``scheduling.requeue_abandoned_tasks`` puts it back in the queue.
"""

import datetime
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from commons.core.models import Progress
from commons.operations import scheduling
from commons.operations.models import WorkerHeartbeat
from commons.operations.worker import ResilientWorker

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def write_once(*, label: str, hang_while: str = "") -> None:
    """Store one row in a transaction; while the file ``hang_while`` exists, wait inside
    that transaction (for the test to kill the worker there)."""
    with transaction.atomic():
        Progress.objects.create(label=label)
        while hang_while and Path(hang_while).exists():
            time.sleep(0.05)


def _claimed(worker_id: str, *, minutes_ago: float, label: str) -> DBTaskResult:
    result = write_once.enqueue(label=label)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return row


def _status(row) -> str:
    return DBTaskResult.objects.get(pk=row.id if hasattr(row, "id") else row.pk).status


def test_only_the_tasks_of_a_stopped_worker_go_back_to_the_queue(db, settings):
    settings.TASKS = DB_BACKEND
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="dead", seen_at=now - datetime.timedelta(minutes=11))
    WorkerHeartbeat.objects.create(worker_id="alive", seen_at=now - datetime.timedelta(seconds=20))
    of_dead = _claimed("dead", minutes_ago=30, label="a")
    # A long task of a worker that still beats is left alone, however long it runs.
    of_alive = _claimed("alive", minutes_ago=60, label="b")
    # A worker never seen (it died before its first heartbeat): judged by the start.
    unseen_old = _claimed("unseen", minutes_ago=11, label="c")
    unseen_new = _claimed("unseen-too", minutes_ago=1, label="d")
    finished = _claimed("dead", minutes_ago=40, label="e")
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL")

    requeued = scheduling.requeue_abandoned_tasks(now=now)

    assert sorted(requeued) == sorted([str(of_dead.pk), str(unseen_old.pk)])
    assert [_status(r) for r in (of_dead, of_alive, unseen_old, unseen_new, finished)] == [
        "READY", "RUNNING", "READY", "RUNNING", "SUCCESSFUL"
    ]  # fmt: skip
    # Twice (a second worker at the same moment) requeues nothing more.
    assert scheduling.requeue_abandoned_tasks(now=now) == []


def test_a_restarted_worker_requeues_what_it_left_running_at_once(db, settings):
    settings.TASKS = DB_BACKEND
    WorkerHeartbeat.objects.create(worker_id="worker-1", seen_at=timezone.now())
    mine = _claimed("worker-1", minutes_ago=0.1, label="mine")
    others = _claimed("worker-2", minutes_ago=0.1, label="others")
    assert scheduling.requeue_abandoned_tasks(restarted_worker="worker-1") == [str(mine.pk)]
    assert (_status(mine), _status(others)) == ("READY", "RUNNING")


def _worker() -> subprocess.Popen:
    database = connection.settings_dict
    url = (
        f"sqlite:///{database['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "commons.settings",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "COMMONS_VAR_DIR": str(django_settings.VAR_DIR),
    }
    command = [sys.executable, "-m", "django", "worker", "--worker-id", "worker-test",
               "--no-schedule", "--no-reload", "--no-startup-delay", "--interval", "0.1",
               "-v", "0"]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=django_settings.BASE_DIR)


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_task_killed_in_the_middle_completes_exactly_once_after_the_restart(tmp_path, settings):
    settings.TASKS = DB_BACKEND
    hang = tmp_path / "hang"
    hang.touch()
    result = write_once.enqueue(label="killed in the middle", hang_while=str(hang))
    first = _worker()
    try:
        # In the middle: the row is written (uncommitted) and the worker waits.
        _wait_for(lambda: _status(result) == "RUNNING")
        time.sleep(0.3)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert _status(result) == "RUNNING"  # what django-tasks-db leaves behind
    assert not Progress.objects.filter(label="killed in the middle").exists()

    hang.unlink()
    # The worker restarts under its id (here in this process, to run what is queued).
    call_command("worker", "--worker-id", "worker-test", "--batch", "--no-startup-delay",
                 "--interval", "0", "-v", "0")  # fmt: skip
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["worker-test", "worker-test"]
    assert Progress.objects.filter(label="killed in the middle").count() == 1


class _EndOutageWhenLogged(logging.Handler):
    """The outage ends as soon as the worker has logged it (before it waits)."""

    def __init__(self, end):
        super().__init__(level=logging.ERROR)
        self.end, self.messages = end, []

    def emit(self, record):
        self.messages.append(record.getMessage())
        self.end()


@pytest.mark.django_db(transaction=True)
def test_a_worker_waits_out_a_read_only_database_then_runs_the_task(settings, monkeypatch):
    settings.TASKS = DB_BACKEND
    result = write_once.enqueue(label="after the outage")
    # Every new connection is read-only until the outage ends, as with a full disk or
    # a read-only remount: the worker's claim of the task is refused by the database.
    options = connection.settings_dict["OPTIONS"]
    before = dict(options)
    if connection.vendor == "sqlite":
        options["init_command"] = before.get("init_command", "") + " PRAGMA query_only=ON;"
    else:
        options["options"] = "-c default_transaction_read_only=on"
    connection.close()

    def end():
        options.clear()
        options.update(before)

    handler = _EndOutageWhenLogged(end)
    logger = logging.getLogger("commons.operations.worker")
    logger.addHandler(handler)
    monkeypatch.setattr(ResilientWorker, "RETRY_FIRST", 0.01)
    try:
        ResilientWorker(
            queue_names=["*"], interval=0, batch=False, backend_name="default",
            startup_delay=False, max_tasks=1, worker_id="resilient", excluded_queue_names=[],
        ).run()  # fmt: skip
    finally:
        logger.removeHandler(handler)
        end()
        connection.close()
    assert len(handler.messages) == 1
    assert "resilient cannot use the database" in handler.messages[0]
    assert _status(result) == "SUCCESSFUL"
    assert Progress.objects.filter(label="after the outage").count() == 1
