"""Account e-mails — allauth's (address confirmation, password reset) and ours (join
requests, decisions, invitations) — are written in each recipient's language."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.accounts.models import Membership, User
from commons.conftest import client_for, make_user
from commons.core.tests.languages import translated

pytestmark = pytest.mark.django_db
STRONG = "quiet-river-lantern-1957"


def test_signing_up_remembers_the_language_and_confirms_the_address_in_it():
    client = client_for(None)
    client.post(reverse("accounts:switch_language"), {"language": "th"})
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": STRONG, "password2": STRONG},
    )
    assert User.objects.get(email="new@example.org").language == "th"
    [message] = mail.outbox
    assert translated("th", "Please Confirm Your Email Address") in message.subject
    assert message.extra_headers["Content-Language"] == "th"


def test_a_password_reset_asked_while_signed_out_is_in_the_accounts_language(dave):
    dave.language = "fr"
    dave.save(update_fields=["language"])
    # asked from a browser in English (a shared computer, or someone else)
    client_for(None).post(
        reverse("account_reset_password"), {"email": "dave@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    [message] = mail.outbox
    assert translated("fr", "Password Reset Email") in message.subject
    assert "/accounts/password/reset/key/" in message.body


def test_a_password_reset_for_an_account_without_a_language_is_in_the_askers(dave):
    client_for(None).post(
        reverse("account_reset_password"), {"email": "dave@example.org"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    [message] = mail.outbox
    assert translated("es", "Password Reset Email") in message.subject


def test_each_admin_reads_a_join_request_in_their_language(
    alice, carol, lantern, dave, django_capture_on_commit_callbacks
):
    alice.language = "km"
    alice.save(update_fields=["language"])
    Membership.objects.create(user=carol, organisation=lantern, role="admin", status="active")
    carol.language = "vi"
    carol.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dave).post(reverse("accounts:organisation_join", args=[lantern.slug]))
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    title = "%(name)s asks to join %(org)s"
    names = {"name": "Dave", "org": "Lantern Outreach"}
    assert len(mail.outbox) == 2  # one per language
    assert subjects["alice@example.org"].endswith(translated("km", title) % names)
    assert subjects["carol@example.org"].endswith(translated("vi", title) % names)


def test_the_person_reads_the_decision_in_their_language(
    alice, dave, lantern, django_capture_on_commit_callbacks
):
    dave.language = "id"
    dave.save(update_fields=["language"])
    membership = Membership.objects.create(user=dave, organisation=lantern)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(
            reverse("accounts:member_decide", args=[lantern.slug, membership.pk]),
            {"decision": "approve"},
        )
    [message] = mail.outbox
    assert message.subject.endswith(
        translated("id", "You are now a member of %(org)s") % {"org": "Lantern Outreach"}
    )


def test_an_invitation_is_in_the_invitees_language_else_in_the_inviters(
    alice, lantern, django_capture_on_commit_callbacks
):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    make_user("nok@example.org", language="th")
    members = reverse("accounts:members", args=[lantern.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(members, {"email": "nok@example.org", "role": "member"})
        client_for(alice).post(members, {"email": "new@example.org", "role": "member"})
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    title = "You are invited to join %(org)s"
    names = {"org": "Lantern Outreach"}
    assert subjects["nok@example.org"].endswith(translated("th", title) % names)
    assert subjects["new@example.org"].endswith(translated("fr", title) % names)
