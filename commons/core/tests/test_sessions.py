"""A sign-in ends after a while idle and after a fixed lifetime; it starts a new session;
changing the e-mail address, the password or a second factor asks for the password again."""

import time

from allauth.account.models import EmailAddress
from django.urls import reverse

from commons.conftest import PASSWORD, client_for
from commons.core.middleware import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY
from commons.core.models import AuditEvent


def _sign_in(client, email="dave@example.org"):
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_signing_in_gives_a_new_session_id(dave):
    client = client_for(None)
    client.get(reverse("account_login"))
    _set_session(client, visited=True)
    before = client.session.session_key
    _sign_in(client)
    assert client.session.session_key != before
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_it_signs_out_after_the_idle_timeout(dave, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    client = client_for(None)
    _sign_in(client)
    _set_session(client, **{LAST_ACTIVITY_KEY: int(time.time()) - 3601})
    response = client.get(reverse("accounts:dashboard"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "You were signed out after a time without activity." in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=dave).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_activity_keeps_the_sign_in_alive(dave, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    client = client_for(None)
    _sign_in(client)
    _set_session(client, **{LAST_ACTIVITY_KEY: int(time.time()) - 3500})
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_reading_pages_writes_the_session_at_most_once_a_minute(dave):
    client = client_for(None)
    _sign_in(client)
    recent = int(time.time()) - 30
    _set_session(client, **{LAST_ACTIVITY_KEY: recent})
    client.get(reverse("accounts:dashboard"))
    assert client.session[LAST_ACTIVITY_KEY] == recent


def test_a_sign_in_ends_after_its_lifetime_however_active(dave, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600
    client = client_for(None)
    _sign_in(client)
    _set_session(client, **{SIGNED_IN_AT_KEY: int(time.time()) - 24 * 3600 - 1})
    response = client.get(reverse("accounts:dashboard"), follow=True)
    assert "You were signed out: sign-ins last a limited time." in response.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_signing_in_starts_both_clocks(dave):
    client = client_for(None)
    _sign_in(client)
    now = int(time.time())
    assert now - 5 <= client.session[SIGNED_IN_AT_KEY] <= now
    assert now - 5 <= client.session[LAST_ACTIVITY_KEY] <= now


def test_signing_out_is_recorded(dave):
    client = client_for(None)
    _sign_in(client)
    client.post(reverse("account_logout"))
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=dave).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_adding_an_email_address_asks_for_the_password_again(dave):
    client = client_for(None)
    _sign_in(client)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "dave.new@example.org"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="dave.new@example.org").exists()

    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "dave.new@example.org"})
    assert EmailAddress.objects.filter(user=dave, email="dave.new@example.org").exists()


def test_changing_the_password_asks_for_the_current_one(dave):
    client = client_for(None)
    _sign_in(client)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "not-my-password",
            "password1": "a-new-long-pass-91",
            "password2": "a-new-long-pass-91",
        },
    )
    assert response.status_code == 200
    dave.refresh_from_db()
    assert dave.check_password(PASSWORD)


def test_setting_up_a_second_factor_asks_for_the_password_again(dave):
    client = client_for(None)
    _sign_in(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_removing_a_second_factor_asks_for_a_code_again(dave):
    from allauth.mfa.models import Authenticator

    from commons.accounts.tests.test_login import _current_code
    from commons.conftest import with_totp

    with_totp(dave)
    client = client_for(None)
    _sign_in(client)
    client.post(reverse("mfa_authenticate"), {"code": _current_code(dave)})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=dave, type="totp").exists()

    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=dave, type="totp").exists()
