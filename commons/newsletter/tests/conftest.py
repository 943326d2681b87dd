"""Subscribers shared by the newsletter tests."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from commons.newsletter import services
from commons.newsletter.models import Subscriber

PREFERENCES = {"language": "en", "topics": [], "regions": [], "frequency": "weekly"}


def subscriber(email: str, *, confirmed: bool = True, **preferences) -> Subscriber:
    """A subscriber, confirmed through its link unless ``confirmed`` is False, as if it
    had subscribed an hour ago (past the wait between two e-mails)."""
    made = services.subscribe(
        email=email, preferences={**PREFERENCES, **preferences}, ip="192.0.2.1"
    )
    made.confirmation_sent_at = timezone.now() - datetime.timedelta(hours=1)
    made.save(update_fields=["confirmation_sent_at"])
    if confirmed:
        services.confirm(subscriber=made, ip="192.0.2.2")
        made.refresh_from_db()
    return made


def token_in(message, name: str) -> str:
    """The token of the ``name`` link (confirm, manage, unsubscribe) in an e-mail."""
    found = re.search(rf"/newsletter/{name}/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def reader(db) -> Subscriber:
    made = subscriber("reader@example.net", topics=["migration"], regions=["asia-pacific"])
    mail.outbox.clear()
    return made


@pytest.fixture
def reader_token(reader) -> str:
    return services.token_for(reader)
