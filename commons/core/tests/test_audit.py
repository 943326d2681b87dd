import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.core.services import record_audit


def test_audit_events_cannot_be_changed_or_deleted(dave):
    event = record_audit(action=AuditEvent.Action.EXPORT, actor=dave, target=dave, data={"rows": 3})
    event.data = {"rows": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).data == {"rows": 3}


def test_failed_authorisations_are_recorded_with_who_and_where(bob, lantern):
    client_for(bob).get(reverse("accounts:members", args=[lantern.slug]))
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == bob
    assert event.target_label == "Lantern Outreach"
    assert event.data["path"] == "/organisations/lantern/members/"
    assert event.ip_address == "127.0.0.1"


def test_platform_role_changes_are_recorded(dave, staff):
    from commons.accounts.services import set_platform_role

    set_platform_role(user=dave, role="data_steward", value=True, by=staff)
    dave.refresh_from_db()
    assert dave.is_data_steward
    event = AuditEvent.objects.get(action="role.changed")
    assert (event.actor, event.target_label, event.data) == (
        staff,
        str(dave),
        {"role": "data_steward", "from": False, "to": True},
    )


def test_role_changes_in_the_admin_are_recorded_too(dave, staff):
    client = client_for(staff)
    url = reverse("admin:accounts_user_change", args=[dave.pk])
    response = client.post(
        url,
        {
            "email": dave.email,
            "name": dave.name,
            "language": "",
            "is_active": "on",
            "is_moderator": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="role.changed")
    assert event.data == {"role": "moderator", "from": False, "to": True}
    assert event.actor == staff


def test_behind_a_trusted_proxy_the_visitors_address_is_recorded(settings, rf):
    from commons.core.services import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.1"  # the address the one trusted proxy saw
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.4")) == (
        "198.51.100.4"
    )


def test_a_refused_request_is_recorded_once_whoever_refused_it(bob, lantern):
    client_for(bob).get(reverse("accounts:members", args=[lantern.slug]))
    client_for(bob).get(reverse("accounts:members", args=[lantern.slug]))
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_a_request_refused_for_its_missing_csrf_token_is_recorded(bob):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(reverse("accounts:switch_language"), {"language": "fr"})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == bob
    assert event.data == {"reason": "refused", "path": "/language/", "method": "POST"}
