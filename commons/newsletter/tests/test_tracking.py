"""The mail provider's tracking events (django-anymail's signal): a bounce or a spam
complaint suppresses the address for good; other events and unknown addresses change
nothing."""

import base64
import datetime
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.utils import timezone

from commons.newsletter import issues, sending
from commons.newsletter.models import Delivery, Subscriber
from commons.newsletter.tests.conftest import subscriber

pytestmark = pytest.mark.django_db

Ending = Subscriber.Ending


def _send(event_type: str, recipient: str, **fields) -> None:
    """What anymail's webhook view does with a provider's event."""
    event = AnymailTrackingEvent(event_type=event_type, recipient=recipient, **fields)
    tracking.send(sender=object, event=event, esp_name="TestESP")


def _queued_for(email: str) -> bool:
    today = timezone.localdate()
    issue = issues.create_issue(
        subject="This week", period_start=today - datetime.timedelta(days=7), period_end=today
    )
    sending.queue_issue(issue)
    return Delivery.objects.filter(issue=issue, subscriber__email=email).exists()


@pytest.mark.parametrize(
    ("event_type", "fields", "reason", "detail"),
    [
        ("bounced", {"mta_response": "550 5.1.1 No such user"}, Ending.BOUNCE, "550 5.1.1"),
        ("complained", {"description": "Marked as spam"}, Ending.COMPLAINT, "Marked as spam"),
        ("rejected", {"reject_reason": "bounced"}, Ending.BOUNCE, ""),
        ("rejected", {"reject_reason": "spam"}, Ending.COMPLAINT, ""),
    ],
)
def test_it_suppresses_a_subscriber_who_bounced_or_complained(event_type, fields, reason, detail):
    reader = subscriber("reader@example.net")
    _send(event_type, "Reader@Example.net", **fields)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.SUPPRESSED
    assert reader.unsubscribed_how == reason
    assert detail in reader.suppression_reason
    assert not _queued_for("reader@example.net")


def test_it_prefers_the_description_to_the_mta_response():
    reader = subscriber("reader@example.net")
    _send("bounced", reader.email, description="Mailbox full", mta_response="552 5.2.2")
    reader.refresh_from_db()
    assert reader.suppression_reason == "Mailbox full"


@pytest.mark.parametrize(
    ("event_type", "fields"),
    [
        ("delivered", {}),
        ("opened", {}),
        ("clicked", {"click_url": "https://example.org/"}),
        ("deferred", {"mta_response": "451 try later"}),
        ("rejected", {"reject_reason": "invalid"}),
    ],
)
def test_it_changes_nothing_for_other_events(event_type, fields):
    reader = subscriber("reader@example.net")
    _send(event_type, reader.email, **fields)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED
    assert reader.suppression_reason == ""
    assert _queued_for("reader@example.net")


def test_it_does_nothing_for_an_unknown_address():
    reader = subscriber("reader@example.net")
    _send("bounced", "stranger@example.net", description="No such user")
    assert not Subscriber.objects.filter(email="stranger@example.net").exists()
    assert Subscriber.objects.get(pk=reader.pk).status == Subscriber.Status.CONFIRMED


def test_a_providers_webhook_suppresses_a_bounce(settings, rf):
    """End to end through anymail's Postmark webhook view (its URLs exist only with
    ANYMAIL_ESP set, so the view is called directly)."""
    from anymail.exceptions import AnymailWebhookValidationFailure
    from anymail.webhooks.postmark import PostmarkTrackingWebhookView

    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    reader = subscriber("reader@example.net")
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "Email": "reader@example.net",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account does not exist",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "BouncedAt": "2026-12-07T10:00:00Z",
    }
    view = PostmarkTrackingWebhookView.as_view()

    def post(auth: str):
        request = rf.post(
            "/anymail/postmark/tracking/",
            json.dumps(bounce),
            content_type="application/json",
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(auth.encode()).decode(),
        )
        return view(request)

    with pytest.raises(AnymailWebhookValidationFailure):  # Django answers 400
        post("hook:wrong")
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED
    assert post("hook:secret").status_code == 200
    reader.refresh_from_db()
    assert (reader.status, reader.unsubscribed_how) == (Subscriber.Status.SUPPRESSED, Ending.BOUNCE)
    assert reader.suppression_reason == bounce["Description"]
