from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from commons.core.services import finish_progress, progress_reporter


@task()
def import_responses(*, progress_id: int, path: str, survey_id: int, by_id: int) -> None:
    """Import an export uploaded on the web in the background; its owner watches the
    progress, then reads the report. The file is deleted once read, whatever happens."""
    from commons.accounts.models import User
    from commons.lib.tabular import TabularError
    from commons.surveys import importing
    from commons.surveys.models import Survey

    try:
        survey = Survey.objects.get(pk=survey_id)
        report = importing.import_responses(
            survey=survey,
            source=path,
            by=User.objects.get(pk=by_id),
            progress=progress_reporter(progress_id),
        )
    except TabularError as error:
        finish_progress(progress_id=progress_id, failed=True, message=str(error))
        return
    except Exception:
        finish_progress(
            progress_id=progress_id,
            failed=True,
            message=_("The import failed; nothing was imported. Please try again."),
        )
        raise
    finally:
        Path(path).unlink(missing_ok=True)
    finish_progress(
        progress_id=progress_id,
        result_url=reverse("surveys:import_report", args=[survey.slug, progress_id]),
        result=report.as_dict(),
    )
