import json

from django.db.models import Q

from commons.core.models import Progress


def progress_for_user(user, progress_id: int) -> Progress | None:
    """A progress record is visible to the person who started the job and to staff."""
    records = Progress.objects.all() if user.is_staff else Progress.objects.filter(owner=user)
    return records.filter(pk=progress_id).first()


def json_list_has(field: str, code: str) -> Q:
    """Rows whose JSON list ``field`` holds ``code`` (a language, country or topic code),
    on SQLite and PostgreSQL alike: the quotes of the JSON text delimit whole items."""
    return Q(**{f"{field}__icontains": json.dumps(code)})
