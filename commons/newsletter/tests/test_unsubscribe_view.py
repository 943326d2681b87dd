"""One-click unsubscribe (RFC 8058): a cookieless POST without a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from commons.conftest import client_for
from commons.newsletter import queries
from commons.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def test_it_unsubscribes_on_a_cookieless_one_click_post_and_again_harmlessly(reader, reader_token):
    url = reverse("newsletter:unsubscribe", args=[reader_token])
    provider = Client(enforce_csrf_checks=True)
    first = provider.post(url, ONE_CLICK)
    assert first.status_code == 200 and "You are unsubscribed" in first.text
    ended = Subscriber.objects.get()
    assert (ended.status, ended.unsubscribed_how) == ("unsubscribed", "one-click")
    assert list(queries.confirmed_subscribers()) == []

    again = Client(enforce_csrf_checks=True).post(url, ONE_CLICK)
    assert again.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == ended.unsubscribed_at


def test_it_asks_before_unsubscribing_on_get(reader, reader_token):
    url = reverse("newsletter:unsubscribe", args=[reader_token])
    page = client_for(None).get(url)
    assert page.status_code == 200 and "Stop sending the newsletter to" in page.text
    assert Subscriber.objects.get().status == "confirmed"
    client_for(None).post(url)
    assert Subscriber.objects.get().unsubscribed_how == "link"


def test_it_answers_404_to_a_wrong_token(reader):
    url = reverse("newsletter:unsubscribe", args=["no-such-token"])
    assert Client(enforce_csrf_checks=True).post(url, ONE_CLICK).status_code == 404
    assert Subscriber.objects.get().status == "confirmed"


def test_it_refuses_other_methods(reader_token):
    url = reverse("newsletter:unsubscribe", args=[reader_token])
    assert client_for(None).put(url).status_code == 405
    assert Subscriber.objects.get().status == "confirmed"


def test_it_keeps_csrf_checks_on_the_other_pages(reader_token):
    url = reverse("newsletter:manage", args=[reader_token])
    form = {"language": "fr", "frequency": "major"}
    assert Client(enforce_csrf_checks=True).post(url, form).status_code == 403
    assert Subscriber.objects.get().language == "en"
