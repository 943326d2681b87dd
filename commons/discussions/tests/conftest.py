"""Categories, threads and seasoned personas shared by the discussions' tests.

The personas are made a month old here: a brand-new account's first messages wait for a
moderator (``rules.NEW_ACCOUNT_AGE``), which only the tests of that rule want."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from commons.discussions import search, services
from commons.discussions.models import Category

_migration = importlib.import_module("commons.discussions.migrations.0002_default_categories")


def aged(user, days: int = 30):
    user.date_joined = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def alice(alice):
    return aged(alice)


@pytest.fixture
def bob(bob):
    return aged(bob)


@pytest.fixture
def carol(carol):
    return aged(carol)


@pytest.fixture
def dave(dave):
    return aged(dave)


@pytest.fixture(autouse=True)
def _fresh_index():
    # Each test's database is rolled back under the process's index.
    search.reset()
    yield
    search.reset()


@pytest.fixture
def categories(db) -> dict[str, Category]:
    """The five curated categories (a browser test elsewhere may have flushed the rows
    the data migration made)."""
    _migration.create(apps, None)
    return {category.slug: category for category in Category.objects.all()}


@pytest.fixture
def public(categories) -> Category:
    return categories["field-updates"]


@pytest.fixture
def members(categories) -> Category:
    return categories["help-requests"]


def start(author, category, title="A thread", body="Hello.", **kwargs):
    return services.start_thread(author=author, category=category, title=title, body=body, **kwargs)


@pytest.fixture
def public_thread(alice, public):
    return start(alice, public, "Port inspections this week", "Inspectors boarded **boats**.")


@pytest.fixture
def members_thread(alice, members):
    return start(
        alice,
        members,
        "Referral for a survivor in Songkhla",
        "Who can take a referral near the border?",
        tags=["referral", "thailand"],
    )
