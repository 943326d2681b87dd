from commons.core.models import Progress


def progress_for_user(user, progress_id: int) -> Progress | None:
    """A progress record is visible to the person who started the job and to staff."""
    records = Progress.objects.all() if user.is_staff else Progress.objects.filter(owner=user)
    return records.filter(pk=progress_id).first()
