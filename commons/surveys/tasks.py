from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from commons.core.services import finish_progress, run_upload_job


@task()
def import_responses(*, progress_id: int, path: str, survey_id: int, by_id: int) -> None:
    """Import an export uploaded on the web in the background; its owner watches the
    progress, then reads the report. The file is deleted once read, whatever happens."""
    from commons.accounts.models import User
    from commons.lib.tabular import TabularError
    from commons.surveys import importing
    from commons.surveys.models import Survey

    run_upload_job(
        progress_id=progress_id,
        path=path,
        work=lambda progress: importing.import_responses(
            survey=Survey.objects.get(pk=survey_id),
            source=path,
            by=User.objects.get(pk=by_id),
            progress=progress,
        ),
        refused=(TabularError,),
        result_url=lambda: reverse(
            "surveys:import_report", args=[Survey.objects.get(pk=survey_id).slug, progress_id]
        ),
        failure=_("The import failed; nothing was imported. Please try again."),
    )


@task()
def export_responses(
    *, progress_id: int, survey_id: int, by_id: int, format: str, filters: dict
) -> None:
    """Write a large export of a survey's responses in the background; the person who
    asked watches the progress, then downloads the file."""
    from commons.accounts.models import User
    from commons.surveys import services
    from commons.surveys.analysis import FilterError
    from commons.surveys.models import Survey

    try:
        survey = Survey.objects.get(pk=survey_id)
        kept = services.write_responses_export(
            survey=survey, by=User.objects.get(pk=by_id), format=format, filters=filters
        )
    except FilterError as error:
        finish_progress(progress_id=progress_id, failed=True, message=str(error))
        return
    except Exception:
        finish_progress(
            progress_id=progress_id,
            failed=True,
            message=_("The file could not be written. Please try again."),
        )
        raise
    finish_progress(
        progress_id=progress_id,
        result_url=reverse("surveys:export_file", args=[survey.slug, progress_id]),
        result=kept,
    )
