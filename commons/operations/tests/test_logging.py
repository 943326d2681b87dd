"""LOG_FORMAT=json: one JSON object a line, with the request's id, path, status, duration."""

import json
import logging
import os
import subprocess
import sys

from django.test import Client
from django.urls import reverse

from commons.core.logging import JsonFormatter, RequestIdFilter


def _format(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_record_becomes_one_json_object():
    record = logging.LogRecord(
        "commons.x", logging.WARNING, __file__, 1, "%s failed", ("Import",), None
    )
    entry = _format(record)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "commons.x"
    assert entry["message"] == "Import failed"
    assert entry["timestamp"].endswith("+00:00")
    assert "request_id" not in entry  # none outside a request


def test_a_traceback_stays_inside_the_line():
    try:
        raise ValueError("bad row")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "oops", None, sys.exc_info())
    entry = _format(record)
    assert "ValueError: bad row" in entry["exception"]


def test_each_request_is_logged_with_its_id_path_status_and_duration(db, settings, caplog):
    settings.LOG_FORMAT = "json"
    with caplog.at_level(logging.INFO, logger="commons.request"):
        response = Client().get(reverse("healthz"), HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"
    (record,) = [r for r in caplog.records if r.name == "commons.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "proxy-id-12345678"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["duration_ms"] >= 0


def test_log_lines_written_during_a_request_carry_its_id(db, settings):
    seen = []

    def view_logging(request):
        record = logging.LogRecord("commons.view", logging.INFO, __file__, 1, "inside", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)
        from django.http import HttpResponse

        return HttpResponse("ok")

    from django.urls import clear_url_caches, path

    class Urls:
        urlpatterns = [path("probe", view_logging)]

    settings.ROOT_URLCONF = Urls
    clear_url_caches()
    response = Client().get("/probe", HTTP_X_REQUEST_ID="bad id with spaces")
    generated = response["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 32
    assert seen == [generated]


def test_without_json_logs_requests_are_left_to_the_server_s_access_log(db, caplog):
    with caplog.at_level(logging.INFO, logger="commons.request"):
        Client().get(reverse("healthz"))
    assert not [r for r in caplog.records if r.name == "commons.request"]


def test_the_setting_switches_the_console_to_json(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('commons.check').warning('disk %s full', 'nearly')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "commons.settings", "DEBUG": "true"}
    env["COMMONS_VAR_DIR"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    entry = json.loads(run.stderr.strip().splitlines()[-1])
    assert (entry["logger"], entry["message"]) == ("commons.check", "disk nearly full")
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.stderr.strip().splitlines()[-1] == "disk nearly full"
