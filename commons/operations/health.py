"""The checks ``/healthz`` runs. Each returns a dict with ``status`` ("ok",
"degraded" or "failing") and a few figures; none names a host, a path or a secret."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.utils import timezone

# A worker that has not looked at its schedule for this long is presumed stopped.
HEARTBEAT_STALE_SECONDS = 120
# Tasks waiting longer than this mean the workers cannot keep up.
BACKLOG_STALE_SECONDS = 600


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def check_database() -> dict:
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": "failing", "error": "the database does not answer"}
    return {"status": "ok", "latency_ms": _ms(start)}


def check_cache() -> dict:
    start = time.perf_counter()
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        read = cache.get(key)
        cache.delete(key)
    except Exception:
        return {"status": "degraded", "error": "the cache does not answer"}
    if read != value:
        return {"status": "degraded", "error": "the cache lost a value"}
    return {"status": "ok", "latency_ms": _ms(start)}


_storage_result: tuple[float, dict] | None = None
STORAGE_CHECK_EVERY = 30.0  # seconds: /healthz is public, so it writes a file at most this often


def check_storage() -> dict:
    """Write, read back and delete a small file; the result is kept ``STORAGE_CHECK_EVERY``
    seconds so that polling /healthz cannot fill the storage's request quota."""
    global _storage_result
    if _storage_result and time.monotonic() - _storage_result[0] < STORAGE_CHECK_EVERY:
        return _storage_result[1]
    result = _check_storage()
    _storage_result = (time.monotonic(), result)
    return result


def _check_storage() -> dict:
    start = time.perf_counter()
    content = uuid.uuid4().hex.encode()
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(content))
        try:
            with default_storage.open(name) as stored:
                read = stored.read()
        finally:
            default_storage.delete(name)
    except Exception:
        return {"status": "degraded", "error": "files cannot be written"}
    if read != content:
        return {"status": "degraded", "error": "a file read back differs"}
    return {"status": "ok", "latency_ms": _ms(start)}


def worker_figures() -> dict:
    """The age of the newest worker heartbeat and of the oldest task waiting to run
    (None when there is none), in seconds."""
    from django_tasks_db.models import DBTaskResult

    from commons.operations.models import WorkerHeartbeat

    now = timezone.now()
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    )
    return {
        "heartbeat_age_s": round((now - newest[0]).total_seconds()) if newest else None,
        "backlog_age_s": round((now - oldest[0]).total_seconds()) if oldest else None,
    }


def check_worker() -> dict:
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        return {"status": "ok", "note": "tasks run in the web process"}
    try:
        figures = worker_figures()
    except DatabaseError:
        return {"status": "failing", "error": "the database does not answer"}
    heartbeat, backlog = figures["heartbeat_age_s"], figures["backlog_age_s"]
    if heartbeat is None or heartbeat > HEARTBEAT_STALE_SECONDS:
        return {"status": "degraded", "error": "no worker seen recently", **figures}
    if backlog is not None and backlog > BACKLOG_STALE_SECONDS:
        return {"status": "degraded", "error": "tasks are waiting", **figures}
    return {"status": "ok", **figures}


def health() -> dict:
    """Every check, and the overall status: failing when the database is, degraded
    when anything else is."""
    from commons import __version__

    checks = {
        "database": check_database(),
        "cache": check_cache(),
        "storage": check_storage(),
    }
    checks["worker"] = (
        check_worker()
        if checks["database"]["status"] == "ok"
        else {"status": "failing", "error": "the database does not answer"}
    )
    statuses = {check["status"] for check in checks.values()}
    if checks["database"]["status"] == "failing":
        status = "failing"
    elif statuses != {"ok"}:
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "version": __version__, "checks": checks}
