from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job (``scheduling.JOBS``) is next due.

    Every worker tries to move ``next_run_at`` forward with a conditional UPDATE; the
    one whose UPDATE changes the row queues the job, so however many workers run, a job
    is queued once a period.
    """

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    last_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time a worker process was seen alive (``/healthz`` reads the newest)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id
