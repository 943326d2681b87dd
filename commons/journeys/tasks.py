from django.urls import reverse
from django_tasks import task

from commons.core.services import advance_progress, finish_progress


@task()
def build_release(*, progress_id: int, epsilon: float, k: int, by_id: int) -> None:
    """Build a draft release in the background; the steward watches its progress."""
    from commons.accounts.models import User
    from commons.journeys import releases

    reported = [0]

    def progress(done: int, total: int | None) -> None:
        advance_progress(progress_id=progress_id, by=done - reported[0], total=total)
        reported[0] = done

    try:
        release = releases.build_release(
            epsilon=epsilon, k=k, by=User.objects.get(pk=by_id), progress=progress
        )
    except Exception as error:
        finish_progress(progress_id=progress_id, failed=True, message=str(error))
        raise
    finish_progress(
        progress_id=progress_id, result_url=reverse("journeys:draft", args=[release.pk])
    )
