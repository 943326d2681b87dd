"""The public subscribe form and the confirmation link (GET asks, POST confirms)."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.conftest import client_for
from commons.newsletter.models import Subscriber
from commons.newsletter.tests.conftest import subscriber, token_in

pytestmark = pytest.mark.django_db

URL = reverse("newsletter:subscribe")
FORM = {"email": "reader@example.net", "language": "en", "frequency": "weekly"}


def test_it_shows_the_form_prefilled_for_a_member(bob):
    page = client_for(bob).get(URL)
    assert page.status_code == 200
    assert 'value="bob@example.org"' in page.text
    anonymous = client_for(None).get(URL).text
    assert "Subscribe to the newsletter" in anonymous and "bob@example.org" not in anonymous


def test_it_answers_the_same_for_known_and_unknown_addresses(django_capture_on_commit_callbacks):
    subscriber("known@example.net")
    mail.outbox.clear()
    pages = []
    for email in ("known@example.net", "unknown@example.net"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client_for(None).post(URL, {**FORM, "email": email})
        assert answer.status_code == 200
        main = answer.text.split("<main", 1)[1].split("</main>", 1)[0]
        pages.append(main.replace(email, "ADDRESS"))
    assert pages[0] == pages[1]
    assert "Check your e-mail" in pages[0]
    # yet each gets the right e-mail
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "already subscribed" in subjects["known@example.net"]
    assert "Confirm your subscription" in subjects["unknown@example.net"]


def test_it_subscribes_by_double_opt_in_with_the_evidence_kept(django_capture_on_commit_callbacks):
    visitor = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(
            URL,
            {**FORM, "topics": ["migration"], "regions": ["europe", "africa"]},
            REMOTE_ADDR="198.51.100.7",
        )
    waiting = Subscriber.objects.get()
    assert (waiting.status, waiting.topics, waiting.regions) == (
        "pending",
        ["migration"],
        ["europe", "africa"],
    )
    assert waiting.subscribe_ip == "198.51.100.7"
    url = reverse("newsletter:confirm", args=[token_in(mail.outbox[0], "confirm")])

    # a link scanner's GET confirms nothing
    page = visitor.get(url, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200 and "Yes, subscribe me" in page.text
    assert Subscriber.objects.get().status == "pending"

    done = visitor.post(url, REMOTE_ADDR="203.0.113.5")
    assert done.status_code == 200 and "You are subscribed" in done.text
    confirmed = Subscriber.objects.get()
    assert (confirmed.status, confirmed.confirm_ip) == ("confirmed", "203.0.113.5")
    assert confirmed.confirmed_at is not None

    again = visitor.get(url)
    assert "You are already subscribed" in again.text


def test_it_rejects_an_invalid_address_and_escapes_it():
    answer = client_for(None).post(URL, {**FORM, "email": "<script>alert(1)</script>"})
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text
    assert "&lt;script&gt;" in answer.text
    assert Subscriber.objects.count() == 0


def test_it_escapes_a_hostile_but_valid_address(django_capture_on_commit_callbacks):
    hostile = '"<b>x</b>"@example.net'
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(None).post(URL, {**FORM, "email": hostile})
    assert "<b>x</b>" not in answer.text
    assert "&lt;b&gt;x&lt;/b&gt;" in answer.text


def test_it_shows_an_ended_subscription_without_a_button(reader, reader_token):
    from commons.newsletter import services

    services.unsubscribe(subscriber=reader, how="link")
    url = reverse("newsletter:confirm", args=[reader_token])
    page = client_for(None).get(url).text
    assert "This subscription has ended" in page and "Yes, subscribe me" not in page
    client_for(None).post(url)
    assert Subscriber.objects.get().status == "unsubscribed"


def test_it_answers_404_to_an_unknown_token():
    url = reverse("newsletter:confirm", args=["no-such-token"])
    assert client_for(None).get(url).status_code == 404
    assert client_for(None).post(url).status_code == 404


def test_it_refuses_other_methods(reader_token):
    assert client_for(None).put(URL).status_code == 405
    url = reverse("newsletter:confirm", args=[reader_token])
    assert client_for(None).delete(url).status_code == 405


def test_it_links_a_member_s_own_address_to_the_account_yet_asks_to_confirm(
    bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post(URL, {**FORM, "email": "Bob@example.org"})
        client_for(bob).post(URL, FORM)
    mine, other = Subscriber.objects.order_by("email")
    assert (mine.email, mine.user, mine.status) == ("bob@example.org", bob, "pending")
    assert (other.email, other.user) == ("reader@example.net", None)
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "reader@example.net"]


def test_it_asks_one_connection_asking_for_many_addresses_to_wait(
    settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SUBSCRIPTIONS_PER_HOUR = 2
    form = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert form.post(URL, {**FORM, "email": f"a{n}@example.net"}).status_code == 200
        refused = form.post(URL, {**FORM, "email": "a2@example.net"})
    assert refused.status_code == 429
    assert "try again later" in refused.text
    assert 'value="a2@example.net"' in refused.text  # what was typed is kept
    assert not Subscriber.objects.filter(email="a2@example.net").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["a0@example.net", "a1@example.net"]
    # another connection is not held back
    elsewhere = client_for(None)
    answer = elsewhere.post(URL, {**FORM, "email": "b@example.net"}, REMOTE_ADDR="198.51.100.7")
    assert answer.status_code == 200
