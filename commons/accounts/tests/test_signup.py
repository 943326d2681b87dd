import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from commons.conftest import client_for

User = get_user_model()
STRONG = "quiet-river-lantern-1957"


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", message.body).group(1)


def test_it_signs_up_confirms_the_address_and_signs_in(db):
    client = client_for(None)
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]

    # Until the address is confirmed the person cannot sign in.
    response = client_for(None).post(
        reverse("account_login"), {"login": "new@example.org", "password": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    link = _confirmation_link(mail.outbox[0])
    confirm_page = client.get(link, follow=True)
    assert "new@example.org" in confirm_page.content.decode()
    response = client.post(
        confirm_page.redirect_chain[-1][0] if confirm_page.redirect_chain else link
    )
    assert response.status_code == 302
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 200
    assert "You do not belong to an organisation yet." in dashboard.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "This password is too common."),
        ("short1", "This password is too short."),
        ("12345678901234", "This password is entirely numeric."),
    ],
)
def test_it_rejects_weak_passwords(db, password, message):
    response = client_for(None).post(
        reverse("account_signup"),
        {"email": "weak@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()


def test_it_rejects_breached_passwords_when_the_check_is_on(db, settings, monkeypatch):
    from pwned_passwords_django import api

    settings.AUTH_PASSWORD_VALIDATORS = [settings.BREACHED_PASSWORD_VALIDATOR]
    # The range API is not reachable from tests; answer as it would for a breached password.
    monkeypatch.setattr(api.PwnedPasswords, "check_password", lambda self, password: 5_000)
    response = client_for(None).post(
        reverse("account_signup"),
        {"email": "b@example.org", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 200
    assert "This password has appeared in 5000 data breaches." in response.content.decode()
    assert not User.objects.filter(email="b@example.org").exists()


def test_password_reset_sends_a_link(dave):
    response = client_for(None).post(
        reverse("account_reset_password"), {"email": "dave@example.org"}
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["dave@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_with_debug_on_mail_is_printed_to_the_console():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {"DEBUG": "true", "PATH": "", "EMAIL_BACKEND": ""}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='commons.settings'; {code}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
