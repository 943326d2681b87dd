"""Posts shared by the news tests."""

import datetime

import pytest
from django.utils import timezone

from commons.news.models import Post
from commons.news.services import publish_post, submit_post


def post(author, editor=None, **fields) -> Post:
    values = {"kind": Post.Kind.NEWS, "title": "A news item", "language": "en", **fields}
    made = submit_post(fields=values, author=author)
    return publish_post(post=made, editor=editor) if editor is not None else made


@pytest.fixture
def news_item(alice, moderator) -> Post:
    return post(
        alice,
        moderator,
        title="Regional hotline opens",
        body="A **new** hotline.",
        source_url="https://example.org/news/hotline",
        countries=["TH"],
        topics=["migration"],
    )


@pytest.fixture
def job(alice, moderator) -> Post:
    return post(
        alice,
        moderator,
        kind=Post.Kind.OPPORTUNITY,
        opportunity_type=Post.Opportunity.JOB,
        title="Case worker wanted",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        how_to_apply="Send a letter to jobs@example.org.",
    )


@pytest.fixture
def members_only(alice, moderator) -> Post:
    return post(alice, moderator, title="Members' briefing", audience=Post.Audience.MEMBERS)


@pytest.fixture
def submitted(bob) -> Post:
    return post(bob, title="Field report from the border", kind=Post.Kind.FIELD_REPORT)
