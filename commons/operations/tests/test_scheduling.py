"""The worker's schedule: each periodic job queued once a period, however many workers."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commons.operations import scheduling
from commons.operations.models import WorkerHeartbeat

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued() -> list[str]:
    return sorted(
        row["args_kwargs"]["kwargs"]["name"]
        for row in DBTaskResult.objects.filter(
            task_path="commons.operations.tasks.run_scheduled_job"
        ).values("args_kwargs")
    )


def test_each_job_is_queued_once_a_period(db, settings):
    settings.TASKS = DB_BACKEND
    start = timezone.now()
    assert sorted(scheduling.queue_due_jobs(now=start)) == sorted(scheduling.JOBS)
    assert scheduling.queue_due_jobs(now=start + datetime.timedelta(minutes=4)) == []
    assert scheduling.queue_due_jobs(now=start + datetime.timedelta(minutes=5)) == [
        "newsletter-send"
    ]
    later = scheduling.queue_due_jobs(now=start + datetime.timedelta(minutes=61))
    assert sorted(later) == ["discussions-digest", "events-remind", "newsletter-send"]
    day = scheduling.queue_due_jobs(now=start + datetime.timedelta(days=1, minutes=1))
    assert "retention" in day and "alerts-expire" in day
    assert _queued().count("retention") == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_queue_each_job_once(settings):
    settings.TASKS = DB_BACKEND
    now = timezone.now()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(scheduling.queue_due_jobs(now=now))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results[0] + results[1]) == sorted(scheduling.JOBS)
    assert _queued() == sorted(scheduling.JOBS)


def test_a_tick_records_the_heartbeat_and_queues_what_is_due(transactional_db, settings):
    settings.TASKS = DB_BACKEND
    scheduling.tick(worker_id="worker-a")
    scheduling.tick(worker_id="worker-b")
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {
        "worker-a",
        "worker-b",
    }
    assert _queued() == sorted(scheduling.JOBS)


def test_a_queued_job_runs_its_command(db):
    from commons.operations.tasks import run_scheduled_job

    # The test settings run tasks at once (ImmediateBackend).
    result = run_scheduled_job.enqueue(name="alerts-expire")
    assert result.return_value == "Alerts expired: 0."


def test_a_worker_in_batch_mode_keeps_no_schedule(transactional_db, settings):
    from django.core.management import call_command

    settings.TASKS = DB_BACKEND
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay")
    assert not WorkerHeartbeat.objects.exists()
    assert _queued() == []


def test_the_scheduler_thread_beats_until_stopped(transactional_db, settings):
    settings.TASKS = DB_BACKEND
    stop = scheduling.start_scheduler(worker_id="thread", interval=0.05)
    try:
        for _n in range(100):
            if WorkerHeartbeat.objects.filter(worker_id="thread").exists():
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
    assert WorkerHeartbeat.objects.filter(worker_id="thread").exists()
