"""Prometheus metrics in the text exposition format, written by hand: a few counters
kept in each process, and figures read from the database at each scrape.

Request counters are per process: behind gunicorn with several workers, each scrape
sees the process that answered it (the ``pid`` label tells them apart); sum with
``sum without (pid)`` over a long enough range, or scrape the worker figures only.
"""

import os
import threading
from collections import Counter

from django.conf import settings

# Upper bounds of the request-duration histogram, in seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_lock = threading.Lock()
_requests: Counter = Counter()  # (path group, status class) -> count
_duration_buckets: Counter = Counter()  # (path group, le) -> count
_duration_sum: Counter = Counter()  # path group -> seconds
_duration_count: Counter = Counter()  # path group -> count


def path_group(request) -> str:
    """The first segment of a path that matched a URL pattern ("/directory/…" →
    "directory"), "home" for "/", "other" for paths that matched nothing: the
    number of groups stays that of the URL configuration, whatever is requested."""
    if getattr(request, "resolver_match", None) is None:
        return "other"
    first = request.path_info.strip("/").split("/", 1)[0]
    return first or "home"


def observe_request(*, group: str, status: int, seconds: float) -> None:
    status_class = f"{status // 100}xx"
    with _lock:
        _requests[(group, status_class)] += 1
        for bound in BUCKETS:
            if seconds <= bound:
                _duration_buckets[(group, bound)] += 1
        _duration_sum[group] += seconds
        _duration_count[group] += 1


def reset() -> None:
    with _lock:
        for counter in (_requests, _duration_buckets, _duration_sum, _duration_count):
            counter.clear()


def _labels(**labels) -> str:
    inner = ",".join(
        f'{key}="{str(value).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for key, value in labels.items()
    )
    return "{" + inner + "}"


def _task_counts() -> dict[str, int]:
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        return {}
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def render() -> str:
    """Every metric, one sample a line."""
    from commons.operations.health import worker_figures

    pid = os.getpid()
    lines = [
        "# HELP commons_http_requests_total HTTP requests answered by this process.",
        "# TYPE commons_http_requests_total counter",
    ]
    with _lock:
        requests = sorted(_requests.items())
        buckets = dict(_duration_buckets)
        sums, counts = dict(_duration_sum), dict(_duration_count)
    for (group, status_class), count in requests:
        lines.append(
            f"commons_http_requests_total{_labels(pid=pid, path=group, status=status_class)} "
            f"{count}"
        )
    lines += [
        "# HELP commons_http_request_duration_seconds Time to answer a request.",
        "# TYPE commons_http_request_duration_seconds histogram",
    ]
    for group in sorted(counts):
        for bound in BUCKETS:
            labels = _labels(pid=pid, path=group, le=bound)
            lines.append(
                f"commons_http_request_duration_seconds_bucket{labels} "
                f"{buckets.get((group, bound), 0)}"
            )
        labels = _labels(pid=pid, path=group, le="+Inf")
        lines.append(f"commons_http_request_duration_seconds_bucket{labels} {counts[group]}")
        labels = _labels(pid=pid, path=group)
        lines.append(f"commons_http_request_duration_seconds_sum{labels} {sums[group]!r}")
        lines.append(f"commons_http_request_duration_seconds_count{labels} {counts[group]}")

    tasks = _task_counts()
    lines += [
        "# HELP commons_tasks Background tasks in the queue, by status.",
        "# TYPE commons_tasks gauge",
    ]
    for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
        lines.append(f"commons_tasks{_labels(status=status.lower())} {tasks.get(status, 0)}")
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        figures = worker_figures()
        for name, key, text in (
            ("commons_worker_heartbeat_age_seconds", "heartbeat_age_s", "newest heartbeat"),
            ("commons_task_backlog_age_seconds", "backlog_age_s", "oldest task waiting"),
        ):
            if figures[key] is not None:
                lines += [
                    f"# HELP {name} Age of the {text}.",
                    f"# TYPE {name} gauge",
                    f"{name} {figures[key]}",
                ]
    return "\n".join(lines) + "\n"
