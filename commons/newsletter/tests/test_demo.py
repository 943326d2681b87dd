"""The demo newsletter: an issue in the archive and a draft, both holding the demo
posts, and demo subscribers for the preview; loaded once, e-mailing nobody."""

import pytest
from django.core import mail

from commons.core.demo import load_demo
from commons.newsletter.demo import SUBSCRIBERS, load_demo_newsletter
from commons.newsletter.models import Delivery, Issue, Subscriber


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


def test_it_puts_a_sent_issue_in_the_archive_and_leaves_a_draft(demo, client):
    assert demo["newsletter_issues"] == 2
    sent = Issue.objects.get(status=Issue.Status.SENT)
    draft = Issue.objects.get(status=Issue.Status.DRAFT)
    assert sent.subject.endswith("(demo)") and draft.subject.endswith("(demo)")
    assert sent.items.exists() and draft.items.exists()
    page = client.get(f"/newsletter/archive/{sent.pk}/").content.decode()
    assert sent.items.first().title in page


def test_it_loads_once_and_e_mails_nobody(demo):
    assert load_demo_newsletter() == 0
    assert Issue.objects.count() == 2
    assert Subscriber.objects.filter(status="confirmed").count() == len(SUBSCRIBERS)
    assert not Delivery.objects.exists()
    assert mail.outbox == []
