"""The demo discussions: threads in several categories and languages by demo people,
replies quoting and mentioning, all marked "(demo)", loaded once and e-mailing nobody."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from commons.core.demo import load_demo
from commons.discussions import queries
from commons.discussions.demo import THREADS, load_demo_discussions
from commons.discussions.models import Message, Thread


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    monkeypatch.setattr("commons.library.demo.load_demo_library", lambda: 0)
    with django_capture_on_commit_callbacks(execute=True):
        _people, _password, counts = load_demo()
    return counts


def test_it_loads_once_and_emails_nobody(demo, django_capture_on_commit_callbacks):
    assert demo["discussion_threads"] == Thread.objects.count() == len(THREADS)
    before = (Thread.objects.count(), Message.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo_discussions() == 0
    assert (Thread.objects.count(), Message.objects.count()) == before
    assert mail.outbox == []


def test_every_thread_is_marked_visible_and_published(demo):
    for thread in Thread.objects.all():
        assert thread.title.endswith("(demo)") and thread.is_demo and thread.is_visible
        assert thread.last_activity_at is not None
    assert set(Message.objects.values_list("status", flat=True)) == {"published"}
    assert not Message.objects.filter(is_demo=False).exists()
    assert len({t.category_id for t in Thread.objects.all()}) >= 4


def test_replies_quote_and_mention(demo):
    assert Message.objects.exclude(quotes=None).count() >= 3
    mentioned = Message.objects.exclude(mentions=None)
    assert mentioned.exists()
    assert "<strong>@" in mentioned.first().body_html


def test_the_signed_out_see_only_the_public_demo_threads(demo):
    titles = set(queries.visible_threads(AnonymousUser()).values_list("title", flat=True))
    assert "Port inspections found unpaid crews (demo)" in titles
    assert "Shelter places for two young women near the border (demo)" not in titles
