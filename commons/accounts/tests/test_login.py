from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from commons.conftest import PASSWORD, client_for, with_totp
from commons.core.models import AuditEvent


def _current_code(user) -> str:
    import time

    secret = Authenticator.objects.get(user=user, type="totp").wrap().instance.data["secret"]
    from allauth.mfa.utils import decrypt

    return format_hotp_value(hotp_value(decrypt(secret), int(time.time()) // 30))


def test_it_signs_in_and_records_it(dave):
    client = client_for(None)
    response = client.post(
        reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=dave).exists()


def test_it_records_failed_sign_ins_without_the_password(dave):
    client_for(None).post(
        reverse("account_login"), {"login": "dave@example.org", "password": "wrong-guess-123"}
    )
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.target_label == "dave@example.org"
    assert "wrong-guess-123" not in str(event.data)


def test_it_throttles_repeated_failed_sign_ins(dave):
    client = client_for(None)
    for _attempt in range(5):
        client.post(
            reverse("account_login"), {"login": "dave@example.org", "password": "nope-nope-nope"}
        )
    response = client.post(
        reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_it_asks_for_the_second_factor(dave):
    with_totp(dave)
    client = client_for(None)
    response = client.post(
        reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code." in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(dave)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_recovery_codes_are_available_to_everyone(dave):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    with_totp(dave)
    codes = RecoveryCodes.activate(dave).get_unused_codes()
    assert len(codes) == 10
    client = client_for(None)
    client.post(reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_data_stewards_must_set_up_a_second_factor(db):
    from commons.conftest import make_user

    steward = make_user("new-steward@example.org", is_data_steward=True)
    client = client_for(None)
    client.post(reverse("account_login"), {"login": steward.email, "password": PASSWORD})
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is added.
    reauth = client.get(reverse("mfa_activate_totp"))
    client.post(reauth["Location"], {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    assert "Authenticator code" in activate.content.decode()
    with_totp(steward)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_members_without_a_sensitive_role_are_not_forced(dave):
    assert client_for(dave).get(reverse("accounts:dashboard")).status_code == 200


def test_a_person_sees_and_ends_their_other_sessions(dave):
    laptop, phone = client_for(None), client_for(None)
    for client, agent in ((laptop, "Laptop browser"), (phone, "Phone browser")):
        client.post(
            reverse("account_login"),
            {"login": "dave@example.org", "password": PASSWORD},
            HTTP_USER_AGENT=agent,
        )
    page = laptop.get(
        reverse("usersessions_list"), HTTP_USER_AGENT="Laptop browser"
    ).content.decode()
    assert "Phone browser" in page
    laptop.post(reverse("usersessions_list"), HTTP_USER_AGENT="Laptop browser")
    assert (
        phone.get(reverse("accounts:dashboard"), HTTP_USER_AGENT="Phone browser").status_code == 302
    )
    assert (
        laptop.get(reverse("accounts:dashboard"), HTTP_USER_AGENT="Laptop browser").status_code
        == 200
    )
