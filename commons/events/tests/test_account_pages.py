"""A person's events on their account page, and the time zone they read times in."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.events import services

pytestmark = pytest.mark.django_db


def test_it_lists_a_members_upcoming_registrations_on_the_dashboard(webinar, bob, carol):
    services.register(event=webinar, user=bob)
    assert "Safe recruitment webinar" in client_for(bob).get(reverse("accounts:dashboard")).text
    page = client_for(carol).get(reverse("accounts:dashboard")).text
    assert "Safe recruitment webinar" not in page
    assert "You have not registered for an upcoming event." in page


def test_it_keeps_the_time_zone_chosen_on_the_profile(bob):
    client = client_for(bob)
    response = client.post(
        reverse("accounts:profile"), {"name": "Bob", "language": "en", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.time_zone == "Europe/London"
    refused = client.post(
        reverse("accounts:profile"), {"name": "Bob", "language": "en", "time_zone": "Mars/Olympus"}
    )
    assert refused.status_code == 200
    bob.refresh_from_db()
    assert bob.time_zone == "Europe/London"
