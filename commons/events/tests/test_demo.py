"""The demo events: past forums with outcomes from the background reports, upcoming
fictional webinars with registrations, loaded once however often the demo runs."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from commons.core.demo import load_demo
from commons.events.demo import demo_data, load_demo_events
from commons.events.models import (
    Commitment,
    CommitmentUpdate,
    Event,
    Feedback,
    Priority,
    Recommendation,
    Registration,
    Speaker,
    Theme,
)
from commons.events.queries import RecommendationFilters, event_figures, theme_matrix

FORUMS_2021 = [
    "africa-regional-forum-2021",
    "asia-regional-forum-2021",
    "latin-america-regional-forum-2021",
    "mena-regional-forum-2021",
    "europe-north-america-caribbean-forum-2021",
]


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    # Synthetic journeys and survey responses take most of the demo's time, and the
    # library queues tasks of its own; events need only its people and organisations.
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    monkeypatch.setattr("commons.library.demo.load_demo_library", lambda: 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_demo()
    return callbacks


def _counts() -> dict[str, int]:
    models = [Event, Recommendation, Priority, Registration, Speaker, Feedback, Commitment]
    return {m.__name__: m.objects.count() for m in [*models, CommitmentUpdate]}


def test_it_loads_once_however_often_it_runs(demo, django_capture_on_commit_callbacks):
    assert Event.objects.count() == len(demo_data()["events"])
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert load_demo_events() == 0
        load_demo()
    assert _counts() == before
    assert callbacks == []


def test_the_made_up_participants_are_not_e_mailed(demo):
    from django.core import mail

    assert mail.outbox == []
    # The upcoming webinars' reminders are queued (one task an event; the test backend
    # runs them at once, and it is not yet a day before any of them).
    assert 1 <= len(demo) <= 10


def test_every_demo_event_is_flagged_and_fictional_ones_say_so(demo):
    assert not Event.objects.filter(is_demo=False).exists()
    fictional = Event.objects.filter(title__endswith="(demo)")
    assert fictional.count() >= 6
    for event in fictional:
        assert "demo" in event.summary.lower()
        assert all(o.name.endswith("(demo)") for o in event.organisers.all()), event
    # Real organisations only stand next to real events.
    real = Event.objects.exclude(title__endswith="(demo)")
    assert not Registration.objects.filter(event__in=real).exists()
    assert {o.slug for e in real for o in e.organisers.all()} == {
        "free-the-slaves",
        "ecpat-international",
    }


def test_the_2021_forums_have_priorities_and_recommendations_in_several_regions(demo):
    forums = Event.objects.filter(slug__in=FORUMS_2021)
    assert forums.count() == 5
    for forum in forums:
        assert forum.kind == "regional-forum" and forum.starts_at.year == 2021
        assert forum.ends_at < timezone.now() and forum.status == "published"
        assert 6 <= forum.recommendations.count() <= 15, forum.slug
        assert forum.priorities.exists(), forum.slug
        assert len({r.audience for r in forum.recommendations.all()}) >= 3, forum.slug
    regions = set(Recommendation.objects.filter(event__in=forums).values_list("region", flat=True))
    assert {"africa", "asia-pacific", "latin-america", "mena", "europe", "caribbean"} <= regions
    # Recommendations to a named government name it, and carry curated themes.
    nepal = Recommendation.objects.get(audience="government-of-country", audience_country="NP")
    assert nepal.countries == ["NP"]
    assert all(t.is_curated for t in Theme.objects.filter(recommendation__isnull=False))
    assert not Recommendation.objects.filter(themes__isnull=True).exists()


def test_the_matrix_shows_themes_recurring_across_regions(demo):
    matrix = theme_matrix(AnonymousUser(), RecommendationFilters())
    recurring = [theme.code for theme, _counts, _total, regions in matrix.rows if regions >= 3]
    assert {"collaboration", "legal-frameworks", "capacity-building"} <= set(recurring)
    assert len(matrix.regions) >= 6


def test_the_later_regional_events_are_there(demo):
    forum = Event.objects.get(slug="asia-regional-forum-2023")
    assert "338 participants" in forum.summary and forum.recommendations.exists()
    conference = Event.objects.get(slug="arat-conference-bali-2024")
    assert (conference.kind, conference.city, conference.time_zone) == (
        "conference",
        "Bali",
        "Asia/Makassar",
    )
    workshop = Event.objects.get(slug="ecpat-collective-action-workshop-2024")
    assert workshop.kind == "workshop"
    assert workshop.starts_at.astimezone(workshop.tz).date().isoformat() == "2024-08-27"


def test_upcoming_webinars_have_registrations_and_one_has_a_waiting_list(demo):
    upcoming = Event.objects.filter(
        kind="webinar", status="published", starts_at__gt=timezone.now()
    )
    assert upcoming.count() >= 4
    assert len({e.time_zone for e in upcoming}) >= 4
    assert len({lang for e in upcoming for lang in e.languages}) >= 4
    registered = Registration.objects.filter(event__in=upcoming).exclude(status="cancelled")
    assert registered.filter(user__email="dave@example.org").exists()
    assert registered.filter(email__endswith="@example.org", user__isnull=True).exists()
    full = Event.objects.get(slug="recruitment-agency-checks-demo")
    statuses = list(full.registrations.values_list("status", flat=True))
    assert statuses.count("confirmed") == full.capacity
    assert "waitlisted" in statuses
    assert Event.objects.filter(status="draft", title__endswith="(demo)").exists()


def test_past_demo_webinars_have_attendance_feedback_and_figures(demo):
    past = Event.objects.filter(title__endswith="(demo)", ends_at__lt=timezone.now())
    assert past.count() == 2
    assert Registration.objects.filter(event__in=past, attended=True).count() >= 4
    assert Feedback.objects.filter(registration__event__in=past).count() >= 3
    figures = event_figures()
    assert figures["events_held"] == Event.objects.filter(ends_at__lt=timezone.now()).count()
    assert figures["webinars_held"] == 4 and figures["forums_held"] == 6
    assert figures["participants"] == Registration.objects.filter(attended=True).count()


def test_demo_organisations_follow_up_2021_recommendations(demo):
    commitments = Commitment.objects.select_related("organisation", "recommendation__event")
    assert commitments.count() >= 5
    assert all(c.organisation.name.endswith("(demo)") for c in commitments)
    assert all(c.recommendation.event.starts_at.year == 2021 for c in commitments)
    assert {c.status for c in commitments} >= {"planned", "in-progress", "done", "stopped"}
    assert CommitmentUpdate.objects.count() > commitments.count()
