"""Shared personas (STYLE.md §10): alice (org admin), bob (member of the same
organisation), carol (member of another organisation), dave (signed in, no
organisation), an anonymous visitor, a moderator, a data steward and staff."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from commons.accounts.models import Membership, Organisation, User

PASSWORD = "correct horse battery staple 42"


def make_user(email: str, *, name: str = "", **flags) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, name=name, **flags)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def with_totp(user: User) -> User:
    """Give a person a TOTP authenticator so roles that require one can use the site."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def lantern(db) -> Organisation:
    return Organisation.objects.create(name="Lantern Outreach", slug="lantern", country="TH")


@pytest.fixture
def harbour(db) -> Organisation:
    return Organisation.objects.create(name="Harbour Legal Aid", slug="harbour", country="KH")


@pytest.fixture
def alice(lantern) -> User:
    user = make_user("alice@example.org", name="Alice")
    Membership.objects.create(user=user, organisation=lantern, role="admin", status="active")
    return user


@pytest.fixture
def bob(lantern) -> User:
    user = make_user("bob@example.org", name="Bob")
    Membership.objects.create(user=user, organisation=lantern, role="member", status="active")
    return user


@pytest.fixture
def carol(harbour) -> User:
    user = make_user("carol@example.org", name="Carol")
    Membership.objects.create(user=user, organisation=harbour, role="admin", status="active")
    return user


@pytest.fixture
def dave(db) -> User:
    return make_user("dave@example.org", name="Dave")


@pytest.fixture
def moderator(db) -> User:
    return make_user("mona@example.org", name="Mona", is_moderator=True)


@pytest.fixture
def steward(db) -> User:
    return with_totp(make_user("sam@example.org", name="Sam", is_data_steward=True))


@pytest.fixture
def staff(db) -> User:
    return with_totp(
        make_user("stella@example.org", name="Stella", is_staff=True, is_superuser=True)
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def personas(alice, bob, carol, dave, moderator, steward, staff) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "moderator": moderator,
        "steward": steward,
        "staff": staff,
    }


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests do not run collectstatic; the hashed manifest storage is for production.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and cached figures live in the cache; each test starts afresh.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
