"""/metrics: off unless METRICS_ENABLED, and then only for the holder of METRICS_TOKEN."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from commons.operations import metrics
from commons.operations.scheduling import record_heartbeat

TOKEN = "scrape-me-0123456789abcdef"


@pytest.fixture
def enabled(settings, db):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = TOKEN
    metrics.reset()


def scrape(**headers):
    return Client().get(reverse("metrics"), **headers)


def test_it_does_not_exist_when_disabled(db):
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


def test_it_refuses_a_scraper_without_the_token(enabled):
    assert scrape().status_code == 401
    response = scrape(HTTP_AUTHORIZATION="Bearer wrong-token-0123456789")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_counts_requests_by_path_group_and_status_class(enabled):
    client = Client()
    client.get(reverse("healthz"))
    client.get(reverse("healthz"))
    client.get("/no-such-page/at-all/")
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert re.search(
        r'commons_http_requests_total\{pid="\d+",path="healthz",status="2xx"\} 2', text
    )
    assert re.search(r'commons_http_requests_total\{pid="\d+",path="other",status="4xx"\} 1', text)
    assert "no-such-page" not in text
    assert re.search(
        r'commons_http_request_duration_seconds_count\{pid="\d+",path="healthz"\} 2', text
    )
    assert re.search(
        r'commons_http_request_duration_seconds_bucket\{pid="\d+",path="healthz",le="\+Inf"\} 2',
        text,
    )


def test_it_reports_the_task_queue_and_the_heartbeat(enabled, settings):
    from commons.core.tasks import send_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    record_heartbeat(worker_id="w1")
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'commons_tasks{status="ready"} 1' in text
    assert 'commons_tasks{status="failed"} 0' in text
    assert re.search(r"^commons_worker_heartbeat_age_seconds \d+$", text, flags=re.M)
    assert re.search(r"^commons_task_backlog_age_seconds \d+$", text, flags=re.M)


def test_every_line_is_a_comment_or_a_sample(enabled):
    Client().get(reverse("healthz"))
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    sample = re.compile(r"^[a-z_]+(\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\})? [0-9.e+-]+$")
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
