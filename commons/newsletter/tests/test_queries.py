"""Who receives an issue: confirmed subscribers only, filtered by their preferences."""

import pytest

from commons.newsletter import queries, services
from commons.newsletter.models import Subscriber
from commons.newsletter.tests.conftest import subscriber

pytestmark = pytest.mark.django_db


def _emails(found) -> list[str]:
    return sorted(s.email for s in found)


def test_it_never_lists_an_unconfirmed_or_ended_address():
    subscriber("confirmed@example.net")
    subscriber("waiting@example.net", confirmed=False)
    services.unsubscribe(subscriber=subscriber("left@example.net"), how="link")
    subscriber("bounced@example.net")
    services.suppress(email="bounced@example.net", reason=Subscriber.Ending.BOUNCE)
    assert _emails(queries.confirmed_subscribers()) == ["confirmed@example.net"]
    assert _emails(queries.subscribers_for()) == ["confirmed@example.net"]


def test_it_filters_by_topics_regions_language_and_frequency():
    subscriber("all@example.net")
    subscriber("migration@example.net", topics=["migration", "forced_labour"])
    subscriber("fishing@example.net", topics=["forced_labour"], regions=["asia-pacific"])
    subscriber("europe@example.net", regions=["europe"], language="fr", frequency="major")
    subscriber("waiting@example.net", topics=["migration"], confirmed=False)

    assert _emails(queries.subscribers_for(topics=["migration"])) == [
        "all@example.net",
        "europe@example.net",
        "migration@example.net",
    ]
    assert _emails(queries.subscribers_for(topics=["forced_labour"], regions=["africa"])) == [
        "all@example.net",
        "migration@example.net",
    ]
    assert _emails(queries.subscribers_for(regions=["asia-pacific", "europe"])) == [
        "all@example.net",
        "europe@example.net",
        "fishing@example.net",
        "migration@example.net",
    ]
    assert _emails(queries.subscribers_for(language="fr")) == ["europe@example.net"]
    assert _emails(queries.subscribers_for(frequency="major")) == ["europe@example.net"]


def test_it_finds_a_member_s_subscription_by_their_account_address(bob, dave):
    made = subscriber("BOB@example.org")
    assert queries.subscription_of(bob) == made
    assert queries.subscription_of(dave) is None
