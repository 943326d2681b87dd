"""Structured logs (``LOG_FORMAT=json``) and the request middleware that feeds them.

``RequestMiddleware`` gives each request an id (the proxy's ``X-Request-ID`` when it
looks like one, a new one otherwise), returns it in the response's ``X-Request-ID``,
attaches it to every log line written while the request runs, counts the request for
``/metrics`` and, with JSON logs, writes one line per request.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_logger = logging.getLogger("commons.request")

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` to each record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: timestamp (UTC, ISO 8601), level, logger, message, the
    request id when there is one, the fields passed with ``extra=`` and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and value is not None and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def RequestMiddleware(get_response):
    from commons.operations import metrics

    def middleware(request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _VALID_ID.match(supplied) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        start = time.perf_counter()
        try:
            response = get_response(request)
        finally:
            _request_id.reset(token)
        seconds = time.perf_counter() - start
        response["X-Request-ID"] = request_id
        if settings.METRICS_ENABLED:  # nothing reads the counts otherwise
            metrics.observe_request(
                group=metrics.path_group(request), status=response.status_code, seconds=seconds
            )
        if settings.LOG_FORMAT == "json":
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
        return response

    return middleware
