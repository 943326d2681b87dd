"""The public archive of sent issues: every entry still public, grouped by section;
drafts and issues going out are 404."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.news.models import Post
from commons.news.tests.conftest import post
from commons.newsletter import issues, queries
from commons.newsletter.models import Issue, IssueItem

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> Hotline'


def make_issue(subject: str, *, sent: bool = True) -> Issue:
    today = timezone.localdate()
    issue = issues.create_issue(
        subject=subject,
        introduction="Hello **all**",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
    )
    issues.propose_items(issue)
    if sent:
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
        issue.refresh_from_db()
    return issue


def make_posts(alice, moderator) -> dict[str, Post]:
    """A news item and a job, published today."""
    return {
        "news": post(alice, moderator, title="Shelter opens", summary="Forty beds."),
        "job": post(
            alice,
            moderator,
            kind=Post.Kind.OPPORTUNITY,
            opportunity_type=Post.Opportunity.JOB,
            title="Case worker wanted",
        ),
    }


def make_sent_issue() -> Issue:
    """This week's issue, sent, with the period's posts and an entry of the editor's
    with a hostile title."""
    issue = make_issue("This week")
    issues.add_item(
        issue, section=IssueItem.Section.NEWS, title=HOSTILE, url="https://example.org/h"
    )
    return issue


@pytest.fixture
def posts(alice, moderator) -> dict[str, Post]:
    return make_posts(alice, moderator)


@pytest.fixture
def sent(posts) -> Issue:
    return make_sent_issue()


def page(issue: Issue, user=None):
    return client_for(user).get(reverse("newsletter:archived_issue", args=[issue.pk]))


def test_it_lists_sent_issues_only(sent, bob):
    make_issue("Next week", sent=False)
    answer = client_for(None).get(reverse("newsletter:archive"))
    assert answer.status_code == 200
    assert "This week" in answer.text and "Next week" not in answer.text
    assert reverse("newsletter:archived_issue", args=[sent.pk]) in answer.text
    assert reverse("newsletter:subscribe") in answer.text
    assert client_for(bob).get(reverse("newsletter:archive")).status_code == 200


def test_it_pages_the_list(sent, monkeypatch):
    from commons.newsletter.views import archive

    monkeypatch.setattr(archive, "PAGE_SIZE", 1)
    make_issue("Last week")
    first = client_for(None).get(reverse("newsletter:archive"))
    assert "Page 1 of 2" in first.text
    second = client_for(None).get(reverse("newsletter:archive"), {"page": 2})
    assert second.status_code == 200 and "Page 2 of 2" in second.text


def test_it_shows_an_issue_with_its_entries_by_section(sent, posts):
    answer = page(sent)
    assert answer.status_code == 200
    text = answer.text
    assert "<strong>all</strong>" in text
    assert "Shelter opens" in text and "Forty beds." in text
    assert f'href="{settings.SITE_URL}{posts["news"].get_absolute_url()}"' in text
    assert "<h2>News</h2>" in text and "<h2>Opportunities</h2>" in text
    assert text.index("<h2>News</h2>") < text.index("<h2>Opportunities</h2>")
    assert reverse("newsletter:subscribe") in text


def test_it_escapes_hostile_text_in_an_entry(sent):
    text = page(sent).text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Hotline" in text


def test_it_leaves_out_an_entry_whose_post_is_no_longer_public(sent, posts):
    Post.objects.filter(pk=posts["news"].pk).update(status=Post.Status.SUBMITTED)
    Post.objects.filter(pk=posts["job"].pk).update(audience=Post.Audience.MEMBERS)
    text = page(sent).text
    assert "Shelter opens" not in text and "Case worker wanted" not in text
    assert "Hotline" in text  # the editor's own entry has no source to lose
    assert [item.title for item in queries.archived_items(sent)] == [HOSTILE]


@pytest.mark.parametrize("status", ["draft", "scheduled", "sending"])
def test_it_is_404_for_an_issue_not_sent(posts, status, moderator):
    issue = make_issue("Not yet", sent=False)
    Issue.objects.filter(pk=issue.pk).update(status=status)
    assert page(issue).status_code == 404
    assert page(issue, moderator).status_code == 404


def test_it_refuses_other_methods(sent):
    assert client_for(None).post(reverse("newsletter:archive")).status_code == 405
    url = reverse("newsletter:archived_issue", args=[sent.pk])
    assert client_for(None).post(url).status_code == 405
