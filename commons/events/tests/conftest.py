"""Events shared by the events tests: an upcoming webinar run by Lantern (alice's
organisation) with two places, and a past regional forum with outcomes."""

import datetime

import pytest
from django.utils import timezone

from commons.events import outcomes, services
from commons.events.models import Event, Recommendation, Theme


def make_event(*, organisers=(), **fields) -> Event:
    start = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=10))
    values = {
        "slug": "webinar",
        "kind": Event.Kind.WEBINAR,
        "title": "Safe recruitment webinar",
        "summary": "How members check recruitment agencies.",
        "status": Event.Status.PUBLISHED,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "time_zone": "Asia/Bangkok",
        "region": "asia-pacific",
        "languages": ["en", "th"],
        "online_url": "https://meet.example.org/secret-room",
        **fields,
    }
    return services.save_event(fields=values, organisers=list(organisers))


@pytest.fixture
def webinar(lantern) -> Event:
    return make_event(organisers=[lantern], capacity=2)


@pytest.fixture
def forum(lantern) -> Event:
    start = timezone.now() - datetime.timedelta(days=60)
    return make_event(
        organisers=[lantern],
        slug="asia-forum",
        kind=Event.Kind.REGIONAL_FORUM,
        title="Asia regional forum",
        starts_at=start,
        online_url="",
    )


@pytest.fixture
def recommendation(forum, alice) -> Recommendation:
    found = outcomes.add_recommendations(
        event=forum,
        region="asia-pacific",
        audience=Recommendation.Audience.GOVERNMENTS_NATIONAL,
        themes=[Theme.objects.get(code="migration")],
        countries=["TH"],
        texts=["Regulate recruitment agencies and ban recruitment fees."],
        actor=alice,
    )
    return found[0]
