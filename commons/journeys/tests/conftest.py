import pytest
from django.utils import timezone


@pytest.fixture
def verified(lantern, staff):
    """Lantern Outreach, verified: alice (admin) and bob (member) contribute for it."""
    lantern.verified_at = timezone.now()
    lantern.verified_by = staff
    lantern.save()
    return lantern
