import json

from django.db.models import Q

from commons.core.models import Progress


def progress_for_user(user, progress_id: int) -> Progress | None:
    """A progress record is visible to the person who started the job and to staff."""
    records = Progress.objects.all() if user.is_staff else Progress.objects.filter(owner=user)
    return records.filter(pk=progress_id).first()


def own_job_report(user, progress_id: int, page: str) -> Progress | None:
    """A background job's report for the page ``page`` that shows it, for the person who
    started the job only (its rejected rows quote their file: not even staff see them).
    ``None`` for anyone else, and for a job whose result is read elsewhere (an export's
    number given to an import's report page)."""
    if not user.is_authenticated:
        return None
    progress = Progress.objects.filter(pk=progress_id, owner=user).first()
    if progress is None or (progress.result_url and progress.result_url != page):
        return None
    return progress


def json_list_has(field: str, code: str) -> Q:
    """Rows whose JSON list ``field`` holds ``code`` (a language, country or topic code),
    on SQLite and PostgreSQL alike: the quotes of the JSON text delimit whole items."""
    return Q(**{f"{field}__icontains": json.dumps(code)})
