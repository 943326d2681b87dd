"""Shared personas (STYLE.md §10): alice (org admin), bob (member of the same
organisation), carol (member of another organisation), dave (signed in, no
organisation), an anonymous visitor, a moderator, a data steward and staff.

Lantern (alice's and bob's) and Harbour (carol's) are not verified. Beacon is: vera is
its admin and victor a member (``verified_personas`` adds them to the eight)."""

import os
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, sync_playwright

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
def beacon(staff) -> Organisation:
    from django.utils import timezone

    return Organisation.objects.create(
        name="Beacon Shelter Network",
        slug="beacon",
        country="VN",
        verified_at=timezone.now(),
        verified_by=staff,
    )


@pytest.fixture
def vera(beacon) -> User:
    user = make_user("vera@example.org", name="Vera")
    Membership.objects.create(user=user, organisation=beacon, role="admin", status="active")
    return user


@pytest.fixture
def victor(beacon) -> User:
    user = make_user("victor@example.org", name="Victor")
    Membership.objects.create(user=user, organisation=beacon, role="member", status="active")
    return user


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


@pytest.fixture
def verified_personas(personas, vera, victor) -> dict[str, User | None]:
    """The eight personas and the admin and a member of a verified organisation."""
    return {**personas, "vera": vera, "victor": victor}


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
def _default_language():
    # LocaleMiddleware activates a request's language in the thread and leaves it there:
    # a test that asked for a page in Thai must not make the next test's messages Thai.
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Browser tests (Debian Chromium driven by Playwright) ------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="module")
def _allow_orm_next_to_playwright():
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # ORM calls from such a thread unless told that it is safe (it is: nothing else runs).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_allow_orm_next_to_playwright):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is not installed: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, request):
    """Open a page in a fresh browser context (a separate person's cookie jar).

    The last page opened is photographed when the test ends, whether it passed or not.
    """
    contexts = []
    pages = []

    def _open() -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        pages.append(context.new_page())
        return pages[-1]

    yield _open
    try:
        if pages:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pages[-1].screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(open_page) -> Page:
    return open_page()
