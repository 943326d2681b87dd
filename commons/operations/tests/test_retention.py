"""`commons retention`: what outlived its period goes, and nothing else."""

import datetime
import os
import uuid
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from commons.alerts.models import Alert
from commons.alerts.tests.conftest import make_alert, verified_member
from commons.core.models import AuditEvent
from commons.core.services import EXPORTS, UPLOADS, private_folder, record_audit

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _audit(days_ago: int) -> AuditEvent:
    event = record_audit(action=AuditEvent.Action.EXPORT, target_label=f"{days_ago} days")
    # The application cannot rewrite an audit line; the test dates it by the plain manager.
    AuditEvent._base_manager.filter(pk=event.pk).update(created_at=_days_ago(days_ago))
    return event


def run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_audit_events_are_kept_forever_by_default(db, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    _audit(5000)
    output = run()
    assert AuditEvent.objects.count() == 1
    assert "kept forever" in output
    assert "audit events: 0" in output


def test_audit_events_older_than_the_period_are_deleted(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old, recent = _audit(400), _audit(300)
    output = run()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "audit events: 1" in output
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_a_dry_run_counts_and_changes_nothing(db, settings, moderator):
    settings.AUDIT_RETENTION_DAYS = 30
    settings.TASKS = DB_BACKEND
    old = _audit(40)
    _expired_session()
    alert = _due_alert(moderator)
    output = run("--dry-run")
    assert "audit events: 1" in output
    assert "expired sessions: 1" in output
    assert "alerts expired: 1" in output
    assert "3 would be deleted or changed" in output
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert Session.objects.count() == 1
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PUBLISHED


def _expired_session() -> None:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=_days_ago(1))


def _due_alert(moderator) -> Alert:
    alert = make_alert(verified_member("vera@example.org", "lantern-ngo"), moderator)
    Alert.objects.filter(pk=alert.pk).update(expires_at=_days_ago(1))
    return alert


def test_expired_sessions_go_and_live_ones_stay(db):
    _expired_session()
    live = SessionStore()
    live["y"] = 2
    live.create()
    assert "expired sessions: 1" in run()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_alerts_past_their_date_are_marked_expired(db, moderator):
    alert = _due_alert(moderator)
    assert "alerts expired: 1" in run()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_finished_task_results_older_than_the_period_are_deleted(settings):
    from django_tasks_db.models import DBTaskResult

    from commons.core.tasks import send_email

    settings.TASKS = DB_BACKEND
    settings.TASK_RESULTS_RETENTION_DAYS = 30
    for _n in range(3):
        send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay")
    waiting = send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    finished = DBTaskResult.objects.exclude(pk=waiting.id)
    recent = finished.first()
    finished.exclude(pk=recent.pk).update(finished_at=_days_ago(31))
    assert "finished task results: 2" in run()
    kept = set(DBTaskResult.objects.values_list("id", flat=True))
    assert kept == {recent.pk, uuid.UUID(waiting.id)}


def _file_written(folder, name: str, days_ago: float):
    path = folder / name
    path.write_bytes(b"rows")
    stamp = _days_ago(days_ago).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_export_files_go_after_a_day_and_abandoned_uploads_after_a_week(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    exports, uploads = private_folder(EXPORTS), private_folder(UPLOADS)
    old_export = _file_written(exports, "survey-old.csv", 2)
    new_export = _file_written(exports, "survey-new.csv", 0.5)
    waiting = _file_written(uploads, "journeys-waiting", 3)
    abandoned = _file_written(uploads, "journeys-abandoned", 8)

    assert "expired export files: 1" in run("--dry-run")
    assert old_export.exists()

    output = run()
    assert "expired export files: 1" in output
    assert "abandoned upload files: 1" in output
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [new_export.name, waiting.name]
    )
    assert not abandoned.exists()
