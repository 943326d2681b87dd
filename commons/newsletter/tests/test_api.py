"""The newsletter API: sent issues only, each with its still-public entries by
section, as on the archive's pages."""

import pytest
from django.conf import settings

from commons.conftest import client_for
from commons.news.models import Post
from commons.newsletter.models import Issue

from .test_archive import HOSTILE, make_issue, make_posts, make_sent_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/newsletter/issues"


@pytest.fixture
def posts(alice, moderator) -> dict[str, Post]:
    return make_posts(alice, moderator)


@pytest.fixture
def sent(posts) -> Issue:
    return make_sent_issue()


def _get(path: str, **params):
    return client_for(None).get(path, params)


def test_it_lists_sent_issues_newest_first(sent):
    make_issue("Next week", sent=False)
    older = make_issue("Last week")
    Issue.objects.filter(pk=older.pk).update(sent_at=sent.sent_at.replace(year=2020))
    answer = _get(URL)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert [item["subject"] for item in body["items"]] == ["This week", "Last week"]
    first = body["items"][0]
    assert first["id"] == sent.pk
    assert first["url"] == f"http://testserver/newsletter/archive/{sent.pk}/"
    assert first["period_start"] == sent.period_start.isoformat()
    assert first["sent_at"].endswith("+00:00")
    paged = _get(URL, page_size=1, page=2).json()
    assert (paged["pages"], [i["subject"] for i in paged["items"]]) == (2, ["Last week"])


def test_it_gives_an_issue_with_its_entries_by_section(sent, posts):
    body = _get(f"{URL}/{sent.pk}").json()
    assert body["subject"] == "This week"
    assert "<strong>all</strong>" in body["introduction_html"]
    assert [section["section"] for section in body["sections"]] == ["news", "opportunities"]
    assert body["sections"][0]["label"] == "News"
    news = body["sections"][0]["entries"]
    assert news[0] == {
        "title": "Shelter opens",
        "summary": "Forty beds.",
        "url": settings.SITE_URL + posts["news"].get_absolute_url(),
        "section": "news",
        "languages": ["en"],
        "topics": [],
        "regions": [],
    }
    # JSON carries the editor's text as it is: escaping is for whoever renders it
    assert news[1]["title"] == HOSTILE and news[1]["url"] == "https://example.org/h"


def test_it_leaves_out_an_entry_whose_post_is_no_longer_public(sent, posts):
    Post.objects.filter(pk=posts["news"].pk).update(status=Post.Status.SUBMITTED)
    body = _get(f"{URL}/{sent.pk}").json()
    titles = [e["title"] for section in body["sections"] for e in section["entries"]]
    assert titles == [HOSTILE, "Case worker wanted"]


@pytest.mark.parametrize("status", ["draft", "scheduled", "sending"])
def test_it_is_404_for_an_issue_not_sent(posts, status):
    issue = make_issue("Not yet", sent=False)
    Issue.objects.filter(pk=issue.pk).update(status=status)
    assert _get(f"{URL}/{issue.pk}").status_code == 404
    assert "Not yet" not in _get(URL).text


def test_it_is_404_for_no_such_issue(db):
    assert _get(f"{URL}/999999").status_code == 404


def test_it_refuses_a_write(sent):
    assert client_for(None).post(URL).status_code == 405
