"""One-click unsubscribe from the discussions' e-mails (RFC 8058), without signing in."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from commons.conftest import client_for
from commons.discussions import services
from commons.discussions.models import Participant
from commons.discussions.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(alice):
    return factories.participant(alice, Participant.Email.IMMEDIATELY)


def _url(participant):
    return reverse("discussions:unsubscribe", kwargs={"token": services.token_for(participant)})


def _email(participant) -> str:
    return Participant.objects.get(pk=participant.pk).email


def test_it_asks_before_stopping_on_get(participant):
    page = client_for(None).get(_url(participant))
    assert page.status_code == 200
    assert "Stop these e-mails" in page.content.decode()
    assert _email(participant) == Participant.Email.IMMEDIATELY


def test_a_cookieless_one_click_post_stops_the_emails_and_a_repeat_is_harmless(participant):
    # a mail program: no cookie, no CSRF token, the RFC 8058 body
    client = Client(enforce_csrf_checks=True)
    for _attempt in range(2):
        response = client.post(
            _url(participant),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "No more e-mails about discussions" in response.content.decode()
        assert _email(participant) == Participant.Email.NEVER
    assert not response.cookies.get("sessionid")


def test_the_link_in_a_notification_email_works(
    participant, alice, bob, public, django_capture_on_commit_callbacks
):
    thread = factories.thread(alice, public)
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Hello")
    [email] = mail.outbox
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post("/" + path).status_code == 200
    assert _email(participant) == Participant.Email.NEVER
    with django_capture_on_commit_callbacks(execute=True):
        factories.message(bob, thread, "Hello again")
    assert len(mail.outbox) == 1


def test_it_says_so_when_already_unsubscribed(participant):
    Participant.objects.filter(pk=participant.pk).update(email=Participant.Email.NEVER)
    page = client_for(None).get(_url(participant)).content.decode()
    assert "You already receive no e-mails about discussions." in page


def test_it_does_not_know_a_wrong_token(participant):
    url = reverse("discussions:unsubscribe", kwargs={"token": "0" * 64})
    assert client_for(None).get(url).status_code == 404
    assert Client(enforce_csrf_checks=True).post(url).status_code == 404
    assert _email(participant) == Participant.Email.IMMEDIATELY


def test_it_refuses_other_methods(participant):
    assert client_for(None).put(_url(participant)).status_code == 405
