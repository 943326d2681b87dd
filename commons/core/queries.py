from django.core.cache import cache
from django.db.models import Count

from commons.core.models import Progress


def community_numbers() -> dict[str, int]:
    """Live figures for the home page; cached for a minute because every visitor asks."""
    numbers = cache.get("core:community_numbers")
    if numbers is None:
        from commons.accounts.models import Membership, Organisation, User

        organisations = Organisation.objects.all()
        numbers = {
            "organisations": organisations.count(),
            "verified": organisations.filter(verified_at__isnull=False).count(),
            "countries": organisations.aggregate(n=Count("country", distinct=True))["n"],
            "members": User.objects.filter(
                is_active=True, memberships__status=Membership.Status.ACTIVE
            )
            .distinct()
            .count(),
        }
        cache.set("core:community_numbers", numbers, 60)
    return numbers


def progress_for_user(user, progress_id: int) -> Progress | None:
    """A progress record is visible to the person who started the job and to staff."""
    records = Progress.objects.all() if user.is_staff else Progress.objects.filter(owner=user)
    return records.filter(pk=progress_id).first()
