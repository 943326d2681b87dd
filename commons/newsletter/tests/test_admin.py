"""Staff look subscribers up in the admin, with the evidence of their opt-in, and
issues and their deliveries, which nobody edits there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.newsletter import issues, sending
from commons.newsletter.models import Delivery, IssueItem

pytestmark = pytest.mark.django_db


def test_it_shows_staff_a_subscriber_and_its_evidence(staff, bob, reader):
    listing = client_for(staff).get(reverse("admin:newsletter_subscriber_changelist"))
    assert listing.status_code == 200 and "reader@example.net" in listing.text
    page = (
        client_for(staff).get(reverse("admin:newsletter_subscriber_change", args=[reader.pk])).text
    )
    assert "192.0.2.1" in page and "192.0.2.2" in page
    assert client_for(bob).get(reverse("admin:newsletter_subscriber_changelist")).status_code == 302


@pytest.fixture
def delivered(reader):
    today = timezone.localdate()
    issue = issues.create_issue(
        subject="This week", period_start=today - datetime.timedelta(days=7), period_end=today
    )
    issues.add_item(issue, section=IssueItem.Section.NEWS, title="Shelter opens")
    sending.queue_issue(issue)
    return Delivery.objects.get(issue=issue, subscriber=reader)


def test_it_shows_staff_issues_with_their_entries_to_read_only(staff, bob, delivered):
    issue = delivered.issue
    listing = client_for(staff).get(reverse("admin:newsletter_issue_changelist"))
    assert listing.status_code == 200 and "This week" in listing.text
    page = client_for(staff).get(reverse("admin:newsletter_issue_change", args=[issue.pk]))
    assert page.status_code == 200 and "Shelter opens" in page.text
    assert 'name="subject"' not in page.text
    assert client_for(staff).get(reverse("admin:newsletter_issue_add")).status_code == 403
    assert client_for(bob).get(reverse("admin:newsletter_issue_changelist")).status_code == 302


def test_it_lets_staff_look_deliveries_up_by_address(staff, bob, delivered):
    url = reverse("admin:newsletter_delivery_changelist")
    found = client_for(staff).get(url, {"q": "reader@", "status__exact": "queued"})
    assert found.status_code == 200 and "reader@example.net" in found.text
    missing = client_for(staff).get(url, {"q": "nobody@"})
    assert "reader@example.net" not in missing.text
    page = client_for(staff).get(reverse("admin:newsletter_delivery_change", args=[delivered.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.text
    delete = reverse("admin:newsletter_delivery_delete", args=[delivered.pk])
    assert client_for(staff).post(delete, {"post": "yes"}).status_code == 403
    assert Delivery.objects.filter(pk=delivered.pk).exists()
    assert client_for(bob).get(url).status_code == 302
