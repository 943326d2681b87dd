"""Staff look subscribers up in the admin, with the evidence of their opt-in."""

import pytest
from django.urls import reverse

from commons.conftest import client_for

pytestmark = pytest.mark.django_db


def test_it_shows_staff_a_subscriber_and_its_evidence(staff, bob, reader):
    listing = client_for(staff).get(reverse("admin:newsletter_subscriber_changelist"))
    assert listing.status_code == 200 and "reader@example.net" in listing.text
    page = (
        client_for(staff).get(reverse("admin:newsletter_subscriber_change", args=[reader.pk])).text
    )
    assert "192.0.2.1" in page and "192.0.2.2" in page
    assert client_for(bob).get(reverse("admin:newsletter_subscriber_changelist")).status_code == 302
