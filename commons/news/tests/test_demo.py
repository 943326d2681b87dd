"""The demo posts: every kind in several languages, by demo people for the fictional demo
organisations, open opportunities and one past its deadline, a members-only post and one
waiting for an editor, loaded once however often the demo runs and e-mailing nobody."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from commons.accounts.models import User
from commons.core.demo import FIXTURES, PEOPLE, load_demo
from commons.core.models import AuditEvent
from commons.news import queries
from commons.news.demo import POSTS, load_demo_news
from commons.news.models import Post


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    # Journeys, survey responses and the library take most of the demo's time; the posts
    # need only the people and organisations.
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    monkeypatch.setattr("commons.library.demo.load_demo_library", lambda: 0)
    with django_capture_on_commit_callbacks(execute=True):
        _people, _password, counts = load_demo()
    return counts


def test_it_loads_once_however_often_it_runs(demo, django_capture_on_commit_callbacks):
    assert demo["posts"] == Post.objects.count() == len(POSTS)
    before = (Post.objects.count(), AuditEvent.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert load_demo_news() == 0
        load_demo()
    assert (Post.objects.count(), AuditEvent.objects.count()) == before
    assert callbacks == []


def test_it_e_mails_nobody(demo):
    assert mail.outbox == []


def test_every_post_is_demo_material_by_demo_people_for_fictional_organisations(demo):
    fictional = {
        row["slug"]
        for row in json.loads((FIXTURES / "demo_fictional_organisations.json").read_text())
    }
    demo_people = {p.email for p in PEOPLE}
    moderator = User.objects.get(email="moderator@example.org")
    for post in Post.objects.select_related("author", "organisation"):
        assert post.is_demo and post.title.endswith("(demo)"), post.slug
        assert post.author.email in demo_people, post.slug
        assert post.organisation is None or post.organisation.slug in fictional, post.slug
        assert not post.source_url or post.source_url.startswith("https://example.org/")
        if post.status == Post.Status.PUBLISHED:
            assert post.reviewed_by == moderator, post.slug
    for report in Post.objects.filter(kind=Post.Kind.FIELD_REPORT):
        assert report.organisation is not None, report.slug
    for item in Post.objects.filter(kind=Post.Kind.NEWS):
        assert item.source_url, item.slug


def test_it_publishes_every_kind_in_several_languages(demo):
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(Post.Kind.values)
    assert set(published.values_list("language", flat=True)) >= {"en", "th", "km", "es", "fr", "ar"}
    types = set(published.filter(kind="opportunity").values_list("opportunity_type", flat=True))
    assert types == set(Post.Opportunity.values)


def test_some_opportunities_are_open_and_one_has_passed(demo):
    today = timezone.localdate()
    opportunities = Post.objects.filter(kind=Post.Kind.OPPORTUNITY)
    assert opportunities.filter(deadline__gte=today).count() >= 3
    [closed] = opportunities.filter(deadline__lt=today)
    listed = queries.published_posts(AnonymousUser())
    assert closed not in listed
    assert listed.filter(kind=Post.Kind.OPPORTUNITY).count() >= 3


def test_one_post_is_for_members_and_one_waits_for_an_editor(demo):
    [members] = Post.objects.filter(audience=Post.Audience.MEMBERS)
    assert members not in queries.published_posts(AnonymousUser())
    [waiting] = queries.editors_queue()
    assert (waiting.author.email, waiting.published_at) == ("bob@example.org", None)


def test_the_demo_command_says_how_many_posts_it_has(db, settings, tmp_path, monkeypatch, capsys):
    from django.core.management import call_command

    settings.DEMO_MODE, settings.VAR_DIR = True, tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    monkeypatch.setattr("commons.library.demo.load_demo_library", lambda: 0)
    call_command("demo")
    assert f", {len(POSTS)} news posts, field reports and opportunities," in (
        capsys.readouterr().out
    )
