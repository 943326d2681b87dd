"""Subscribing by double opt-in, the evidence kept, unsubscribing and suppressing."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from commons.newsletter import services
from commons.newsletter.models import Subscriber
from commons.newsletter.tests.conftest import PREFERENCES, subscriber, token_in

pytestmark = pytest.mark.django_db


def _subscribe(email, **fields):
    return services.subscribe(email=email, preferences=PREFERENCES, ip="198.51.100.7", **fields)


def test_it_keeps_a_new_address_waiting_and_sends_one_confirmation_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = _subscribe(" Reader@Example.NET ")
    assert (waiting.email, waiting.status) == ("reader@example.net", "pending")
    assert (waiting.subscribe_ip, waiting.confirmed_at) == ("198.51.100.7", None)
    assert waiting.subscribed_at is not None and waiting.confirmation_sent_at is not None
    [message] = mail.outbox
    assert message.to == ["reader@example.net"]
    assert "Confirm your subscription" in message.subject
    token = token_in(message, "confirm")
    assert services.subscriber_for_token(token) == waiting
    # only the token's hash is stored
    assert token not in {waiting.token_hash, waiting.token_salt}


def test_it_confirms_with_the_time_and_address_kept():
    waiting = subscriber("reader@example.net", confirmed=False)
    assert services.confirm(subscriber=waiting, ip="203.0.113.5") is True
    waiting.refresh_from_db()
    assert (waiting.status, waiting.confirm_ip, waiting.confirmed_by) == (
        "confirmed",
        "203.0.113.5",
        "link",
    )
    assert waiting.confirmed_at >= waiting.subscribed_at


def test_it_sends_no_second_e_mail_within_ten_minutes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _subscribe("reader@example.net")
        _subscribe("READER@example.net")
    assert len(mail.outbox) == 1
    Subscriber.objects.filter(pk=first.pk).update(
        confirmation_sent_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe("reader@example.net")
    assert len(mail.outbox) == 2
    assert Subscriber.objects.count() == 1


def test_it_tells_a_confirmed_address_where_to_manage_it_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    confirmed = subscriber("reader@example.net", topics=["migration"])
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(
            email="reader@example.net",
            preferences={**PREFERENCES, "topics": ["forced_labour"], "language": "fr"},
            ip="198.51.100.66",
        )
    [message] = mail.outbox
    assert "already subscribed" in message.subject
    assert services.subscriber_for_token(token_in(message, "manage")) == confirmed
    after = Subscriber.objects.get()
    assert (after.status, after.topics, after.language) == ("confirmed", ["migration"], "en")
    assert after.subscribe_ip == "192.0.2.1"


def test_it_does_not_revive_an_ended_subscription_from_an_old_link():
    reader = subscriber("reader@example.net")
    services.unsubscribe(subscriber=reader, how=Subscriber.Ending.LINK)
    assert services.confirm(subscriber=reader, ip="203.0.113.5") is False
    assert Subscriber.objects.get().status == "unsubscribed"


def test_it_asks_an_unsubscribed_address_to_confirm_again(django_capture_on_commit_callbacks):
    reader = subscriber("reader@example.net")
    services.unsubscribe(subscriber=reader, how=Subscriber.Ending.LINK)
    with django_capture_on_commit_callbacks(execute=True):
        again = _subscribe("reader@example.net")
    assert (again.status, again.confirmed_at, again.unsubscribed_at) == ("pending", None, None)
    assert len(mail.outbox) == 1


def test_it_unsubscribes_once_and_keeps_how(django_capture_on_commit_callbacks):
    reader = subscriber("reader@example.net")
    ended = services.unsubscribe(subscriber=reader, how=Subscriber.Ending.ONE_CLICK)
    when = ended.unsubscribed_at
    again = services.unsubscribe(subscriber=reader, how=Subscriber.Ending.LINK)
    assert (again.status, again.unsubscribed_how, again.unsubscribed_at) == (
        "unsubscribed",
        "one-click",
        when,
    )


def test_it_suppresses_a_bouncing_address_for_good(django_capture_on_commit_callbacks):
    subscriber("reader@example.net")
    suppressed = services.suppress(
        email="Reader@example.net", reason=Subscriber.Ending.BOUNCE, detail="550 no such user"
    )
    assert (suppressed.status, suppressed.unsubscribed_how, suppressed.suppression_reason) == (
        "suppressed",
        "bounce",
        "550 no such user",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _subscribe("reader@example.net") is None
    assert mail.outbox == []
    assert Subscriber.objects.get().status == "suppressed"
    assert services.suppress(email="nobody@example.net", reason="complaint") is None


def test_it_gives_the_one_click_headers_of_rfc_8058(settings):
    settings.SITE_URL = "https://commons.example"
    reader = subscriber("reader@example.net")
    token = services.token_for(reader)
    assert services.unsubscribe_headers(reader, token) == {
        "List-Unsubscribe": f"<https://commons.example/newsletter/unsubscribe/{token}/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_it_subscribes_a_member_without_the_e_mail(bob):
    made = services.subscribe_member(user=bob, preferences=PREFERENCES, ip="192.0.2.9")
    assert (made.email, made.user, made.status, made.confirmed_by) == (
        "bob@example.org",
        bob,
        "confirmed",
        "account",
    )
    assert made.confirm_ip == "192.0.2.9" and made.confirmed_at is not None


def test_it_refuses_a_second_subscriber_for_the_same_address_in_another_case():
    from django.db import IntegrityError

    subscriber("reader@example.net")
    clash = Subscriber(email="READER@example.net", language="en", token_salt="x", token_hash="y")
    with pytest.raises(IntegrityError):
        clash.save()
