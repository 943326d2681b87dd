"""The events API: the calendar's filters, one event (the meeting link only for its
confirmed participants and organisers, drafts only for organisers), recommendations and
commitments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.events import outcomes, services
from commons.events.models import Event, Material, Recommendation, Session, Speaker, Theme
from commons.events.tests.conftest import make_event

SECRET_ROOM = "https://meet.example.org/secret-room"


def _get(path: str, user=None, **params):
    """GET as ``user`` through a personal API token (no session), or anonymously."""
    headers = {}
    if user is not None:
        _token, raw = create_api_token(user=user, name="script")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client_for(None).get(path, params, **headers)


def _slugs(body) -> list[str]:
    return [item["slug"] for item in body["items"]]


@pytest.fixture
def workshop(harbour) -> Event:
    start = timezone.now() + datetime.timedelta(days=20)
    event = make_event(
        organisers=[harbour],
        slug="legal-aid-workshop",
        kind=Event.Kind.WORKSHOP,
        title="Legal aid workshop",
        starts_at=start,
        time_zone="Africa/Nairobi",
        region="africa",
        languages=["fr"],
        countries=["KE"],
    )
    event.themes.set([Theme.objects.get(code="prosecution")])
    return event


def test_it_lists_upcoming_events_with_the_calendar_filters(webinar, workshop, forum):
    everything = _get("/api/v1/events").json()
    assert (everything["count"], _slugs(everything)) == (2, ["webinar", "legal-aid-workshop"])
    assert _slugs(_get("/api/v1/events", when="past").json()) == ["asia-forum"]
    assert _slugs(_get("/api/v1/events", when="all").json()) == [
        "legal-aid-workshop",
        "webinar",
        "asia-forum",
    ]
    for params, expected in [
        ({"region": "africa"}, ["legal-aid-workshop"]),
        ({"kind": "webinar"}, ["webinar"]),
        ({"language": "th"}, ["webinar"]),
        ({"theme": "prosecution"}, ["legal-aid-workshop"]),
        ({"country": "KE"}, ["legal-aid-workshop"]),
        ({"organiser": "lantern"}, ["webinar"]),
        ({"organiser": "lantern", "when": "past"}, ["asia-forum"]),
        ({"region": "mena"}, []),
    ]:
        assert _slugs(_get("/api/v1/events", **params).json()) == expected, params


def test_it_pages_the_list_and_gives_times_in_utc_with_the_zone(webinar, workshop):
    body = _get("/api/v1/events", page_size=1, page=2).json()
    assert (body["count"], body["page"], body["pages"]) == (2, 2, 2)
    [item] = body["items"]
    assert item["slug"] == "legal-aid-workshop"
    assert item["starts_at"] == workshop.starts_at.astimezone(datetime.UTC).isoformat()
    assert item["starts_at"].endswith("+00:00")
    assert item["time_zone"] == "Africa/Nairobi"
    assert item["organisers"] == [{"slug": "harbour", "name": "Harbour Legal Aid"}]
    assert item["themes"] == [{"code": "prosecution", "label": "Prosecution and access to justice"}]
    assert "online_url" not in item
    assert _get("/api/v1/events", page_size=101).status_code == 422


def test_it_gives_one_event_with_its_programme(webinar, lantern):
    session = Session.objects.create(
        event=webinar,
        title="Checking agencies",
        starts_at=webinar.starts_at,
        ends_at=webinar.starts_at + datetime.timedelta(minutes=45),
        language="th",
    )
    Speaker.objects.create(event=webinar, session=session, name="Nok", organisation=lantern)
    Speaker.objects.create(event=webinar, name="Ploy", role=Speaker.Role.MODERATOR)
    Material.objects.create(event=webinar, kind="slides", title="Slides", url="https://x.org/s")
    webinar.themes.set([Theme.objects.get(code="migration")])
    body = _get("/api/v1/events/webinar").json()
    assert (body["title"], body["kind"], body["time_zone"]) == (
        "Safe recruitment webinar",
        "webinar",
        "Asia/Bangkok",
    )
    assert body["ends_at"] == webinar.ends_at.astimezone(datetime.UTC).isoformat()
    assert body["seats_left"] == 2
    assert body["organisers"] == [{"slug": "lantern", "name": "Lantern Outreach"}]
    assert body["themes"] == [{"code": "migration", "label": "Safe migration"}]
    assert [(s["name"], s["role"]) for s in body["speakers"]] == [("Ploy", "moderator")]
    [found] = body["sessions"]
    assert (found["title"], found["language"]) == ("Checking agencies", "th")
    assert found["starts_at"] == webinar.starts_at.astimezone(datetime.UTC).isoformat()
    assert found["speakers"][0]["organisation"] == {"slug": "lantern", "name": "Lantern Outreach"}
    assert body["materials"] == [
        {"kind": "slides", "title": "Slides", "url": "https://x.org/s", "language": ""}
    ]
    assert _get("/api/v1/events/no-such-event").status_code == 404


def test_it_gives_the_meeting_link_only_to_confirmed_participants_and_organisers(
    webinar, alice, bob, carol, dave
):
    services.register(event=webinar, user=dave)
    services.register(event=webinar, user=carol)
    waiting, _token = services.register(event=webinar, user=bob)
    assert waiting.status == "waitlisted"
    link = {
        name: _get("/api/v1/events/webinar", user).json()["online_url"]
        for name, user in [("anonymous", None), ("alice", alice), ("bob", bob), ("dave", dave)]
    }
    assert link == {"anonymous": None, "alice": SECRET_ROOM, "bob": None, "dave": SECRET_ROOM}
    services.cancel_registration(registration=webinar.registrations.get(user=dave))
    assert _get("/api/v1/events/webinar", dave).json()["online_url"] is None
    # bob took dave's place from the waiting list: now he has the link.
    assert _get("/api/v1/events/webinar", bob).json()["online_url"] == SECRET_ROOM


def test_a_guest_who_has_not_confirmed_gets_no_link(webinar, dave):
    services.register(event=webinar, name="Dave", email=dave.email)  # a guest, unconfirmed
    assert _get("/api/v1/events/webinar", dave).json()["online_url"] is None


def test_drafts_are_only_for_their_organisers(lantern, alice, carol, staff):
    make_event(organisers=[lantern], slug="draft", status=Event.Status.DRAFT)
    for user in (None, carol):
        assert _get("/api/v1/events/draft", user).status_code == 404
        assert _slugs(_get("/api/v1/events", user).json()) == []
    assert _get("/api/v1/events/draft", alice).json()["status"] == "draft"
    assert _get("/api/v1/events/draft", staff).status_code == 200
    # Not in the calendar, even for its organisers: it is not on the calendar yet.
    assert _slugs(_get("/api/v1/events", alice).json()) == []


def test_the_endpoints_refuse_other_methods(webinar):
    for path in ("/api/v1/events", "/api/v1/events/webinar", "/api/v1/recommendations"):
        assert client_for(None).post(path).status_code == 405, path
    assert client_for(None).delete("/api/v1/commitments").status_code == 405


@pytest.fixture
def africa_recommendation(lantern) -> Recommendation:
    forum = make_event(
        organisers=[lantern],
        slug="africa-forum",
        kind=Event.Kind.REGIONAL_FORUM,
        region="africa",
        starts_at=timezone.now() - datetime.timedelta(days=90),
    )
    [found] = outcomes.add_recommendations(
        event=forum,
        region="africa",
        audience=Recommendation.Audience.LEGAL_FIELD,
        themes=[Theme.objects.get(code="research")],
        texts=["Study the courts' handling of trafficking cases."],
    )
    return found


def test_it_filters_recommendations(recommendation, africa_recommendation, harbour):
    def texts(**params):
        body = _get("/api/v1/recommendations", **params).json()
        return [item["text"][:5] for item in body["items"]]

    assert texts() == ["Regul", "Study"]  # the latest event first
    assert texts(region="africa") == ["Study"]
    assert texts(audience="governments-national") == ["Regul"]
    assert texts(theme="research") == ["Study"]
    assert texts(country="TH") == ["Regul"]
    assert texts(event="africa-forum") == ["Study"]
    assert texts(q="courts") == ["Study"]
    outcomes.commit_to(recommendation=recommendation, organisation=harbour, action="Lobby")
    assert texts(taken="yes") == ["Regul"]
    assert texts(taken="no") == ["Study"]
    [item] = _get("/api/v1/recommendations", event="asia-forum").json()["items"]
    assert item == {
        "id": recommendation.pk,
        "url": "http://testserver" + recommendation.get_absolute_url(),
        "event": "asia-forum",
        "region": "asia-pacific",
        "audience": "governments-national",
        "audience_country": "",
        "text": "Regulate recruitment agencies and ban recruitment fees.",
        "themes": [{"code": "migration", "label": "Safe migration"}],
        "countries": ["TH"],
        "commitment_count": 1,
    }


def test_recommendations_of_drafts_are_hidden(recommendation, forum, harbour, carol, staff):
    outcomes.commit_to(recommendation=recommendation, organisation=harbour, action="Lobby")
    assert _get("/api/v1/recommendations", carol).json()["count"] == 1
    assert _get("/api/v1/commitments", carol).json()["count"] == 1
    services.set_event_status(event=forum, status=Event.Status.DRAFT)
    assert _get("/api/v1/recommendations", carol).json()["count"] == 0
    assert _get("/api/v1/commitments", carol).json()["count"] == 0
    assert _get("/api/v1/recommendations", staff).json()["count"] == 1


def test_it_lists_commitments_with_their_updates(
    recommendation, africa_recommendation, lantern, harbour, alice
):
    first = outcomes.commit_to(
        recommendation=recommendation,
        organisation=lantern,
        action="Train recruiters",
        due=datetime.date(2027, 3, 31),
        actor=alice,
    )
    outcomes.update_commitment(commitment=first, status="in-progress", text="Half done")
    outcomes.commit_to(recommendation=africa_recommendation, organisation=harbour, action="Study")

    def actions(**params):
        return [c["action"] for c in _get("/api/v1/commitments", **params).json()["items"]]

    assert sorted(actions()) == ["Study", "Train recruiters"]
    assert actions(organisation="lantern") == ["Train recruiters"]
    assert actions(organisation="nobody") == []
    assert actions(recommendation=africa_recommendation.pk) == ["Study"]
    assert actions(status="in-progress") == ["Train recruiters"]
    [item] = _get("/api/v1/commitments", organisation="lantern").json()["items"]
    assert (item["recommendation"], item["event"], item["due"], item["status"]) == (
        recommendation.pk,
        "asia-forum",
        "2027-03-31",
        "in-progress",
    )
    assert item["organisation"] == {"slug": "lantern", "name": "Lantern Outreach"}
    assert [(u["status"], u["text"]) for u in item["updates"]] == [
        ("in-progress", "Half done"),
        ("planned", "Train recruiters"),
    ]


def test_the_schema_describes_the_events_endpoints(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/recommendations",
        "/api/v1/commitments",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert {"when", "kind", "region", "language", "theme", "country", "organiser"} <= parameters
    assert reverse("api-v1:event_detail", kwargs={"slug": "x"}) == "/api/v1/events/x"
    assert reverse("api-v1:events") == "/api/v1/events"
