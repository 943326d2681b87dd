"""Every change to how a person signs in is in the audit log: e-mail addresses added,
confirmed, made primary or removed, passwords changed or reset, second factors added,
removed or refused. And nobody can rewrite or delete the log through the application."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail
from django.db import transaction
from django.urls import reverse

from commons.conftest import PASSWORD, client_for, with_totp
from commons.core.models import AuditEvent
from commons.core.services import record_audit

NEW_PASSWORD = "a-new-long-pass-91"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _signed_in(email="dave@example.org", password=PASSWORD):
    client = client_for(None)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302
    # Changing an address or a second factor asks for the password again (test_sessions).
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302
    return client


def _events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_adding_confirming_making_primary_and_removing_an_address_are_recorded(dave):
    client = _signed_in()
    client.post(reverse("account_email"), {"action_add": "", "email": "dave.new@example.org"})
    [added] = _events("auth.email_added")
    assert (added.actor, added.target_id, added.data) == (
        dave,
        str(dave.pk),
        {"email": "dave.new@example.org"},
    )

    confirm = _link(mail.outbox[-1])
    client.post(confirm)
    [confirmed] = _events("auth.email_confirmed")
    assert confirmed.data == {"email": "dave.new@example.org"}
    assert confirmed.target_id == str(dave.pk)

    client.post(reverse("account_email"), {"action_primary": "", "email": "dave.new@example.org"})
    [changed] = _events("auth.email_changed")
    assert changed.data == {"email": "dave.new@example.org", "previous": "dave@example.org"}

    client.post(reverse("account_email"), {"action_remove": "", "email": "dave@example.org"})
    assert not EmailAddress.objects.filter(email="dave@example.org").exists()
    [removed] = _events("auth.email_removed")
    assert (removed.actor, removed.data) == (dave, {"email": "dave@example.org"})


def test_changing_the_password_is_recorded(dave):
    client = _signed_in()
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [event] = _events("auth.password_changed")
    assert (event.actor, event.ip_address) == (dave, "127.0.0.1")
    assert NEW_PASSWORD not in str(event.data)
    assert _events("auth.password_reset") == []


def test_resetting_the_password_by_e_mail_is_recorded_apart(dave):
    client = client_for(None)
    client.post(reverse("account_reset_password"), {"email": "dave@example.org"})
    response = client.get(_link(mail.outbox[-1]), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.check_password(NEW_PASSWORD)
    [event] = _events("auth.password_reset")
    assert event.target_id == str(dave.pk)
    assert _events("auth.password_changed") == []


def test_adding_and_removing_a_second_factor_are_told_apart(
    dave, django_capture_on_commit_callbacks
):
    client = _signed_in()
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):  # allauth sends it on commit
        response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=dave, type="totp").exists()
    added = _events("auth.mfa_added")
    assert {event.actor for event in added} == {dave}
    assert sorted(event.data["type"] for event in added) == ["recovery_codes", "totp"]
    assert _events("auth.mfa_removed") == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=dave, type="totp").exists()
    removed = _events("auth.mfa_removed")
    assert {event.actor for event in removed} == {dave}
    assert sorted(event.data["type"] for event in removed) == ["recovery_codes", "totp"]


def test_a_refused_second_factor_code_is_recorded_without_an_actor(dave):
    with_totp(dave)
    client = client_for(None)
    client.post(reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    [event] = _events("auth.mfa_failed")
    assert (event.actor, event.target_id, event.data) == (None, str(dave.pk), {"type": "totp"})
    assert _events("auth.sign_in") == []
    secret = Authenticator.objects.get(user=dave, type="totp").wrap().instance.data["secret"]
    client.post(reverse("mfa_authenticate"), {"code": _code(decrypt(secret))})
    assert len(_events("auth.sign_in")) == 1


# The log cannot be rewritten or deleted.


def test_the_orm_refuses_to_rewrite_or_delete_lines_in_bulk(dave):
    event = record_audit(action=AuditEvent.Action.EXPORT, actor=dave, target=dave, data={"rows": 3})
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(data={"rows": 0})
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        event.data = {"rows": 0}
        AuditEvent.objects.bulk_update([event], ["data"])
    assert AuditEvent.objects.get(pk=event.pk).data == {"rows": 3}


def test_retention_alone_prunes_lines(dave):
    record_audit(action=AuditEvent.Action.EXPORT, actor=dave)
    assert AuditEvent.objects.all().prune() == 1
    assert AuditEvent.objects.count() == 0


def test_deleting_an_account_keeps_its_lines_under_its_address(dave):
    record_audit(action=AuditEvent.Action.EXPORT, actor=dave)
    dave.delete()
    event = AuditEvent.objects.get(action="data.export")
    assert (event.actor, event.actor_label) == (None, "dave@example.org")


def test_even_a_superuser_can_only_read_the_log_in_the_admin(dave, staff):
    assert staff.is_superuser
    event = record_audit(action=AuditEvent.Action.EXPORT, actor=dave, target=dave, data={"rows": 3})
    client = client_for(staff)
    changelist = client.get(reverse("admin:core_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "dave@example.org" in changelist.content.decode()
    assert 'name="action"' not in changelist.content.decode()  # no bulk delete action

    detail = reverse("admin:core_auditevent_change", args=[event.pk])
    page = client.get(detail)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(detail, {"action": "auth.sign_in", "actor_label": "nobody", "data": "{}"})
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    delete = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.action, event.actor_label, event.data) == (
        "data.export",
        "dave@example.org",
        {"rows": 3},
    )
