import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import task

from commons.conftest import client_for
from commons.core.models import Progress
from commons.core.services import advance_progress, finish_progress, start_progress


@task()
def count_to(*, progress_id: int, total: int) -> int:
    advance_progress(progress_id=progress_id, by=0, total=total)
    for _step in range(total):
        advance_progress(progress_id=progress_id)
    finish_progress(progress_id=progress_id, message="Counted.")
    return total


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_tasks_and_they_report_progress(dave, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    progress = start_progress(label="Counting", owner=dave)
    result = count_to.enqueue(progress_id=progress.pk, total=7)
    assert Progress.objects.get(pk=progress.pk).status == "queued"
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 7
    progress.refresh_from_db()
    assert (progress.status, progress.done, progress.total, progress.percent) == ("done", 7, 7, 100)


def test_the_progress_page_polls_until_the_job_is_finished(dave):
    progress = start_progress(label="Importing routes", owner=dave, total=200)
    advance_progress(progress_id=progress.pk, by=50)
    fragment = (
        client_for(dave)
        .get(reverse("progress", args=[progress.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "50 of 200 (25%)" in fragment
    assert 'hx-trigger="every 1s"' in fragment
    finish_progress(progress_id=progress.pk, result_url="/done/")
    fragment = (
        client_for(dave)
        .get(reverse("progress", args=[progress.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "hx-trigger" not in fragment
    assert 'href="/done/"' in fragment


def test_nobody_else_sees_a_job_s_progress(dave, bob):
    progress = start_progress(label="Importing routes", owner=dave)
    assert client_for(bob).get(reverse("progress", args=[progress.pk])).status_code == 404
