from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from commons.core.services import finish_progress, progress_reporter, run_upload_job


@task()
def build_release(*, progress_id: int, epsilon: float, k: int, by_id: int) -> None:
    """Build a draft release in the background; the steward watches its progress."""
    from commons.accounts.models import User
    from commons.journeys import releases

    try:
        release = releases.build_release(
            epsilon=epsilon,
            k=k,
            by=User.objects.get(pk=by_id),
            progress=progress_reporter(progress_id),
        )
    except Exception as error:
        finish_progress(progress_id=progress_id, failed=True, message=str(error))
        raise
    finish_progress(
        progress_id=progress_id, result_url=reverse("journeys:draft", args=[release.pk])
    )


@task()
def import_records(
    *, progress_id: int, path: str, organisation_id: int, by_id: int, attestation: str
) -> None:
    """Import a file uploaded on the web in the background; the contributor watches its
    progress, then reads its report. The file is deleted once read, whatever happens."""
    from django.core.exceptions import PermissionDenied

    from commons.accounts.models import Organisation, User
    from commons.journeys import services
    from commons.journeys.models import Batch
    from commons.lib.tabular import TabularError

    run_upload_job(
        progress_id=progress_id,
        path=path,
        work=lambda progress: services.import_records(
            organisation=Organisation.objects.get(pk=organisation_id),
            by=User.objects.get(pk=by_id),
            source=path,
            attestation=attestation,
            origin=Batch.Source.UPLOAD,
            progress=progress,
        ),
        refused=(TabularError, services.AlreadyImported, ValueError, PermissionDenied),
        result_url=lambda: reverse("journeys:import_report", args=[progress_id]),
        failure=_("The import failed; nothing was imported. Please try again."),
    )
