"""A clear page when the database or the disk fails, instead of "Something went wrong".

Django calls ``server_error`` (the site's ``handler500``) for any exception that no view or
middleware handled, from inside the ``except`` block, so the exception is still at hand.
When it is the database or the disk refusing every write (full, read-only) or not
answering at all, the visitor gets a 503 that says so, with ``Retry-After``; the API gets
the same as JSON. The page is rendered without a request or a context processor, as the
500 page is, because neither may touch the database. The exception is still logged as an
error by Django, with its traceback, for the operator. Nothing here exits or retries: the
next request tries the database again, so the site recovers as soon as it does.
"""

import errno
import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

FULL, READ_ONLY, UNAVAILABLE = "full", "read-only", "unavailable"

# SQLite's messages (sqlite3 gives no error code before Python 3.11's sqlite_errorcode,
# and Django re-raises its own class with the message).
_SQLITE_MESSAGES = {
    "database or disk is full": FULL,
    "attempt to write a readonly database": READ_ONLY,
    "unable to open database file": UNAVAILABLE,
    "disk i/o error": UNAVAILABLE,
    "database is locked": UNAVAILABLE,
}
# PostgreSQL's SQLSTATE codes and classes (psycopg's ``sqlstate``).
_SQLSTATES = {
    "53100": FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction (also a hot standby)
    "57P01": UNAVAILABLE,  # admin_shutdown
    "57P02": UNAVAILABLE,  # crash_shutdown
    "57P03": UNAVAILABLE,  # cannot_connect_now (starting up, shutting down)
    "53300": UNAVAILABLE,  # too_many_connections
}
_SQLSTATE_CLASSES = {"08": UNAVAILABLE, "53": UNAVAILABLE}
_OS_ERRORS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY}


def classify(error: BaseException | None) -> str | None:
    """``FULL``, ``READ_ONLY`` or ``UNAVAILABLE`` when ``error`` (or what caused it) is
    the database or the disk failing; None for anything else (a bug)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _OS_ERRORS:
            return _OS_ERRORS[error.errno]
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate:
            found = _SQLSTATES.get(sqlstate) or _SQLSTATE_CLASSES.get(sqlstate[:2])
            if found:
                return found
        elif _is_database_error(error):
            message = str(error).lower()
            for text, reason in _SQLITE_MESSAGES.items():
                if text in message:
                    return reason
            if type(error).__module__.startswith("psycopg") and type(error).__name__ in {
                "OperationalError",
                "InterfaceError",
            }:
                return UNAVAILABLE  # no SQLSTATE: the connection failed or was lost
        error = error.__cause__ or error.__context__
    return None


def _is_database_error(error: BaseException) -> bool:
    import sqlite3

    if isinstance(error, DatabaseError | sqlite3.Error):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a main dependency
        return False
    return isinstance(error, psycopg.Error)


def _explanation(reason: str) -> tuple[str, str]:
    if reason == FULL:
        return (
            _("The site cannot save anything right now"),
            _(
                "Its storage is full, so nothing you sent has been saved. The error has "
                "been recorded. Please try again later."
            ),
        )
    if reason == READ_ONLY:
        return (
            _("The site cannot save anything right now"),
            _(
                "Its database accepts no changes at the moment, so nothing you sent has "
                "been saved. The error has been recorded. Please try again later."
            ),
        )
    return (
        _("The site is unavailable for a moment"),
        _(
            "Its database does not answer at the moment. The error has been recorded. "
            "Please try again in a minute."
        ),
    )


RETRY_AFTER_SECONDS = {FULL: 300, READ_ONLY: 300, UNAVAILABLE: 30}


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The site's ``handler500``: 503 with an explanation when the database or the disk
    failed (``classify``), otherwise the standalone 500 page, as Django's own does."""
    reason = classify(sys.exc_info()[1])
    if reason is None:
        return HttpResponseServerError(loader.get_template(template_name).render())
    heading, explanation = _explanation(reason)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": f"{heading}. {explanation}"}, status=503)
    else:
        page = loader.get_template("503.html").render(
            {"heading": heading, "explanation": explanation}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS[reason])
    return response
