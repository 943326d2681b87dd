"""Retention: what the platform deletes once it is no longer needed (``commons retention``).

Withdrawn journey batches are not here: their records are deleted at withdrawal
(``journeys.services.withdraw_batch``) and the batch row stays, without records, as
the organisation's history; there is no grace period to wait for. The file a journeys
or survey import was uploaded in is deleted by its job; one whose job never ran (a
worker killed, a queue emptied) is deleted here after ``UPLOAD_KEPT``.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commons.alerts.models import Alert
from commons.alerts.services import expire_alerts
from commons.core.models import AuditEvent
from commons.core.services import (
    EXPORTS,
    RESULT_KEPT,
    UPLOAD_KEPT,
    UPLOADS,
    delete_old_private_files,
    old_private_files,
)
from commons.operations.models import WorkerHeartbeat

# A heartbeat older than this belongs to a worker that has stopped for good.
HEARTBEAT_RETENTION = timedelta(days=7)


def _sessions(now: datetime, dry_run: bool) -> int:
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):  # cookie or cache sessions expire by themselves
        return 0
    expired = store.get_model_class().objects.filter(expire_date__lt=now)
    count = expired.count()
    if not dry_run:
        store.clear_expired()
    return count


def _audit_events(now: datetime, dry_run: bool) -> int:
    days = settings.AUDIT_RETENTION_DAYS
    if not days:  # keep forever
        return 0
    old = AuditEvent.objects.filter(created_at__lt=now - timedelta(days=days))
    if dry_run:
        return old.count()
    # AuditEvent.delete() and the queryset's delete() refuse, so that nothing else in
    # the application can remove a line; retention is the operator's decision.
    return old.prune()


def _alerts(now: datetime, dry_run: bool) -> int:
    if dry_run:
        return Alert.objects.filter(status=Alert.Status.PUBLISHED, expires_at__lte=now).count()
    return expire_alerts(now=now)


def _task_results(now: datetime, dry_run: bool) -> int:
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = now - timedelta(days=settings.TASK_RESULTS_RETENTION_DAYS)
    old = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _detail = old.delete()
    return deleted


def _heartbeats(now: datetime, dry_run: bool) -> int:
    old = WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_RETENTION)
    if dry_run:
        return old.count()
    deleted, _detail = old.delete()
    return deleted


def _private_files(folder: str, kept: timedelta) -> Callable[[datetime, bool], int]:
    def step(now: datetime, dry_run: bool) -> int:
        if dry_run:
            return len(old_private_files(folder, kept, now=now))
        return delete_old_private_files(folder, kept, now=now)

    return step


STEPS: dict[str, Callable[[datetime, bool], int]] = {
    "expired sessions": _sessions,
    "audit events": _audit_events,
    "alerts expired": _alerts,
    "finished task results": _task_results,
    "stopped workers' heartbeats": _heartbeats,
    "expired export files": _private_files(EXPORTS, RESULT_KEPT),
    "abandoned upload files": _private_files(UPLOADS, UPLOAD_KEPT),
}


def apply_retention(
    *, dry_run: bool = False, now: datetime | None = None, report: Callable[[str, int], None]
) -> dict[str, int]:
    """Delete what has outlived its retention period; returns a count per step.

    Side effects (none with ``dry_run``, which only counts): deletes expired sessions,
    audit events older than ``AUDIT_RETENTION_DAYS`` (never when it is 0), finished
    task results older than ``TASK_RESULTS_RETENTION_DAYS``, old worker heartbeats,
    export files older than ``RESULT_KEPT`` and uploads older than ``UPLOAD_KEPT``;
    marks expired the published alerts whose time has passed. Each step is its own
    transaction; ``report(step, count)`` is called after each."""
    now = now or timezone.now()
    counts = {}
    for step, run in STEPS.items():
        with transaction.atomic():
            counts[step] = run(now, dry_run)
        report(step, counts[step])
    return counts
