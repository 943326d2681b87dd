"""Preferences: opened with the token of the e-mails, or from a member's account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from commons.conftest import client_for
from commons.newsletter import services
from commons.newsletter.models import Subscriber
from commons.newsletter.tests.conftest import subscriber

pytestmark = pytest.mark.django_db

FORM = {"language": "fr", "frequency": "major", "topics": ["forced_labour"], "regions": ["africa"]}
PREFERENCES = reverse("newsletter:preferences")


def _checked(page: str) -> list[str]:
    return re.findall(r'value="([^"]+)"[^>]* checked', page)


def test_it_changes_preferences_with_the_token(reader, reader_token):
    url = reverse("newsletter:manage", args=[reader_token])
    visitor = client_for(None)
    page = visitor.get(url).text
    assert "reader@example.net" in page
    assert _checked(page) == ["weekly", "migration", "asia-pacific"]
    answer = visitor.post(url, FORM)
    assert answer.status_code == 302 and answer["Location"] == url
    saved = Subscriber.objects.get()
    assert (saved.language, saved.frequency, saved.topics, saved.regions) == (
        "fr",
        "major",
        ["forced_labour"],
        ["africa"],
    )
    assert saved.status == "confirmed"
    assert "Your preferences are saved." in visitor.get(url).text


def test_it_rejects_unknown_choices_and_escapes_them(reader_token):
    url = reverse("newsletter:manage", args=[reader_token])
    answer = client_for(None).post(url, {**FORM, "topics": ["<i>evil</i>"]})
    assert answer.status_code == 200
    assert "<i>evil</i>" not in answer.text and "&lt;i&gt;evil&lt;/i&gt;" in answer.text
    assert Subscriber.objects.get().topics == ["migration"]


def test_it_changes_nothing_once_unsubscribed(reader, reader_token):
    services.unsubscribe(subscriber=reader, how="link")
    url = reverse("newsletter:manage", args=[reader_token])
    page = client_for(None).get(url).text
    assert "is not subscribed to the newsletter" in page and "Save" not in page
    client_for(None).post(url, FORM)
    assert Subscriber.objects.get().language == "en"


def test_it_answers_404_or_405(reader_token):
    assert client_for(None).get(reverse("newsletter:manage", args=["nope"])).status_code == 404
    url = reverse("newsletter:manage", args=[reader_token])
    assert client_for(None).put(url).status_code == 405


def test_it_lets_a_member_subscribe_in_one_click_and_manage_it(bob):
    member = client_for(bob)
    page = member.get(PREFERENCES)
    assert page.status_code == 200 and "your account has confirmed this address" in page.text
    assert member.post(PREFERENCES, FORM).status_code == 302
    made = Subscriber.objects.get()
    assert (made.email, made.user, made.status, made.confirmed_by, made.language) == (
        "bob@example.org",
        bob,
        "confirmed",
        "account",
        "fr",
    )
    page = member.get(PREFERENCES).text
    assert "You are subscribed to the newsletter." in page
    assert "The newsletter comes to bob@example.org" in page

    member.post(PREFERENCES, {**FORM, "frequency": "weekly", "topics": ["migration"]})
    assert Subscriber.objects.get().topics == ["migration"]

    member.post(PREFERENCES, {"action": "unsubscribe"})
    ended = Subscriber.objects.get()
    assert (ended.status, ended.unsubscribed_how) == ("unsubscribed", "account")


def test_it_shows_a_member_the_subscription_made_with_the_public_form(bob):
    subscriber("Bob@example.org", topics=["migration"])
    page = client_for(bob).get(PREFERENCES).text
    assert "The newsletter comes to bob@example.org" in page
    assert _checked(page) == ["weekly", "migration"]


def test_it_refuses_an_unverified_address(dave):
    EmailAddress.objects.filter(user=dave).update(verified=False)
    member = client_for(dave)
    assert "Confirm your account’s e-mail address first" in member.get(PREFERENCES).text
    assert member.post(PREFERENCES, FORM).status_code == 403
    assert Subscriber.objects.count() == 0


def test_it_leaves_a_suppressed_address_alone(bob):
    subscriber("bob@example.org")
    services.suppress(email="bob@example.org", reason="complaint")
    member = client_for(bob)
    assert "We no longer write to this address" in member.get(PREFERENCES).text
    assert member.post(PREFERENCES, FORM).status_code == 403
    assert Subscriber.objects.get().status == "suppressed"


def test_it_is_for_signed_in_members_only():
    answer = client_for(None).get(PREFERENCES)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_it_refuses_other_methods(bob):
    assert client_for(bob).put(PREFERENCES).status_code == 405


def test_it_links_to_the_newsletter_from_the_account(bob):
    page = client_for(bob).get(reverse("accounts:dashboard")).text
    assert f'href="{PREFERENCES}"' in page
