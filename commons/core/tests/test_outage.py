"""A full disk or a read-only database gives a clear 503 page, not a traceback: the
database really refuses the write (SQLite's page limit, ``query_only``; PostgreSQL's
read-only transactions), and the next request works again once it accepts writes."""

import errno
import sqlite3

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from commons.core import outage
from commons.core.models import Progress
from commons.newsletter.models import Subscriber

handler500 = "commons.core.outage.server_error"


def _save_a_large_result(request):
    # A row too large for the pages already there: the database must grow to store it.
    with transaction.atomic():  # as every service writes
        Progress.objects.create(label="large", result={"rows": ["x" * 1000] * 400})
    return HttpResponse("saved")


def _boom(request):
    raise ZeroDivisionError


urlpatterns = [
    path("boom/", _boom),
    path("api/v1/large/", _save_a_large_result),
    path("large/", _save_a_large_result),
    path("", include("commons.urls")),
]


def _read_only(on: bool) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
        return
    with connection.cursor() as cursor:
        # Within the test's transaction, as on a hot standby or a read-only role.
        cursor.execute(f"SET transaction_read_only = {'on' if on else 'off'}")


def _subscribe(client: Client, email: str):
    return client.post("/newsletter/", {"email": email, "language": "en", "frequency": "weekly"})


@pytest.mark.urls(__name__)
def test_a_read_only_database_gives_a_clear_page_and_saves_nothing(db):
    client = Client(raise_request_exception=False)
    _read_only(True)
    try:
        response = _subscribe(client, "reader@example.org")
    finally:
        if connection.vendor == "sqlite":
            _read_only(False)
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    page = response.content.decode()
    assert "<h1>The site cannot save anything right now</h1>" in page
    assert "accepts no changes" in page
    assert "Traceback" not in page and "readonly" not in page and "read-only" not in page
    if connection.vendor == "sqlite":
        assert not Subscriber.objects.exists()
        # Writable again: the very next request works.
        assert _subscribe(client, "reader@example.org").status_code == 200
        assert Subscriber.objects.filter(email="reader@example.org").exists()


@pytest.mark.urls(__name__)
def test_a_read_only_database_answers_the_api_with_json(db):
    client = Client(raise_request_exception=False)
    _read_only(True)
    try:
        response = client.post("/api/v1/large/")
    finally:
        if connection.vendor == "sqlite":
            _read_only(False)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("The site cannot save anything right now.")


@pytest.mark.urls(__name__)
def test_a_full_sqlite_database_gives_a_clear_page(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page limit; PostgreSQL's disk_full is classified below")
    client = Client(raise_request_exception=False)
    with connection.cursor() as cursor:
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        limit = cursor.execute("PRAGMA max_page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        response = client.get("/large/")
    finally:
        connection.connection.execute(f"PRAGMA max_page_count = {limit}")
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>The site cannot save anything right now</h1>" in page
    assert "storage is full" in page
    assert "Traceback" not in page and "disk is full" not in page
    assert not Progress.objects.filter(label="large").exists()
    assert client.get("/large/").status_code == 200


@pytest.mark.urls(__name__)
def test_a_bug_is_still_a_server_error(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def _wrapped(error: Exception) -> OperationalError:
    """As Django raises it: its own class, the driver's error as the cause."""
    try:
        raise OperationalError(*error.args) from error
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (psycopg.errors.DiskFull("could not extend file"), outage.FULL),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), outage.READ_ONLY),
        (psycopg.errors.AdminShutdown("terminating connection"), outage.UNAVAILABLE),
        (psycopg.OperationalError("connection refused"), outage.UNAVAILABLE),
        (sqlite3.OperationalError("database or disk is full"), outage.FULL),
        (sqlite3.OperationalError("attempt to write a readonly database"), outage.READ_ONLY),
        (OSError(errno.ENOSPC, "No space left on device"), outage.FULL),
        (OSError(errno.EROFS, "Read-only file system"), outage.READ_ONLY),
        (sqlite3.OperationalError("no such table: x"), None),
        (psycopg.errors.UniqueViolation("duplicate key"), None),
        (OSError(errno.ENOENT, "No such file"), None),
    ],
)
def test_it_tells_a_failing_database_or_disk_from_a_bug(error, reason):
    assert outage.classify(_wrapped(error) if not isinstance(error, OSError) else error) == reason
