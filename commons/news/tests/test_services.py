"""Submitting and publishing posts, and what each person sees of them."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from commons.news import services
from commons.news.models import Post
from commons.news.queries import PostFilters, posts_for, published_posts
from commons.news.tests.conftest import post

pytestmark = pytest.mark.django_db


def test_a_members_post_waits_for_an_editor_and_an_editors_is_published_at_once(
    bob, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = post(bob, title="From the border")
    assert waiting.status == Post.Status.SUBMITTED
    assert mail.outbox[-1].to == ["mona@example.org"]
    assert post(moderator, title="Notice").status == Post.Status.PUBLISHED


def test_refusing_needs_a_reason_and_a_corrected_post_goes_back_to_the_editors(
    submitted, bob, moderator, django_capture_on_commit_callbacks
):
    with pytest.raises(ValueError):
        services.reject_post(post=submitted, editor=moderator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_post(post=submitted, editor=moderator, reason="Name the source.")
    assert "Name the source." in mail.outbox[-1].body and mail.outbox[-1].to == [bob.email]
    services.update_post(post=submitted, fields={"summary": "Source added."}, actor=bob)
    submitted.refresh_from_db()
    assert submitted.status == Post.Status.SUBMITTED and submitted.rejection_reason == ""


def test_the_markdown_body_is_sanitised(bob, moderator):
    made = post(bob, moderator, body="Hello <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in made.body_html and "javascript:" not in made.body_html


def test_listings_show_published_posts_to_whom_they_are_for(
    news_item, members_only, submitted, dave
):
    anonymous = set(published_posts(AnonymousUser()))
    assert news_item in anonymous and members_only not in anonymous
    assert submitted not in anonymous
    assert members_only in set(published_posts(dave))


def test_an_opportunity_leaves_the_listings_after_its_deadline(job):
    assert job in set(published_posts(AnonymousUser()))
    job.deadline = timezone.localdate() - datetime.timedelta(days=1)
    job.save()
    assert job not in set(published_posts(AnonymousUser()))
    today = timezone.localdate() - datetime.timedelta(days=2)
    assert job in set(published_posts(AnonymousUser(), today=today))


def test_filters_combine(news_item, job):
    both = PostFilters(topic="migration", country="TH")
    assert list(posts_for(AnonymousUser(), both)) == [news_item]
    assert list(posts_for(AnonymousUser(), PostFilters(kind="opportunity"))) == [job]


def test_a_post_never_takes_a_slug_the_news_pages_use(bob):
    assert post(bob, title="Feed").slug not in services.RESERVED_SLUGS
