"""/healthz: what a load balancer and a monitor read, without a secret in it."""

import datetime

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commons import __version__
from commons.operations import health
from commons.operations.models import WorkerHeartbeat
from commons.operations.scheduling import record_heartbeat

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_storage_check(monkeypatch):
    monkeypatch.setattr(health, "_storage_result", None)


def test_it_reports_every_check_and_the_version(db):
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert set(body["checks"]) == {"database", "cache", "storage", "worker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["database"]["latency_ms"] >= 0


def test_it_names_no_host_path_or_secret(db, settings):
    text = Client().get(reverse("healthz")).content.decode()
    for secret in (settings.SECRET_KEY, str(settings.MEDIA_ROOT), str(settings.VAR_DIR)):
        assert secret not in text
    assert settings.DATABASES["default"]["NAME"] not in text


def test_the_storage_check_leaves_no_file_behind(db, settings):
    Client().get(reverse("healthz"))
    folder = settings.MEDIA_ROOT / "healthz"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_it_fails_with_503_when_the_database_does_not_answer(db, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused to db.internal:5432")

    monkeypatch.setattr(health, "connection", Down())
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"]["status"] == "failing"
    assert "db.internal" not in response.content.decode()


def test_a_broken_cache_degrades_but_still_serves(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(health.cache, "set", broken)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "degraded"


def test_without_a_recent_worker_heartbeat_it_is_degraded(db, settings):
    settings.TASKS = DB_BACKEND
    body = Client().get(reverse("healthz")).json()
    assert (body["status"], body["checks"]["worker"]["status"]) == ("degraded", "degraded")
    assert body["checks"]["worker"]["heartbeat_age_s"] is None

    WorkerHeartbeat.objects.create(
        worker_id="old", seen_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    body = Client().get(reverse("healthz")).json()
    assert body["checks"]["worker"]["status"] == "degraded"
    assert body["checks"]["worker"]["heartbeat_age_s"] >= 600

    record_heartbeat(worker_id="fresh")
    body = Client().get(reverse("healthz")).json()
    assert (body["status"], body["checks"]["worker"]["status"]) == ("ok", "ok")
    assert body["checks"]["worker"]["heartbeat_age_s"] <= 5


def test_a_task_waiting_too_long_degrades_the_worker_check(db, settings):
    from django_tasks_db.models import DBTaskResult

    from commons.core.tasks import send_email

    settings.TASKS = DB_BACKEND
    record_heartbeat(worker_id="busy")
    send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    worker = Client().get(reverse("healthz")).json()["checks"]["worker"]
    assert worker["status"] == "degraded"
    assert worker["backlog_age_s"] >= 3600


def test_it_answers_get_only(db):
    assert Client().post(reverse("healthz")).status_code == 405
