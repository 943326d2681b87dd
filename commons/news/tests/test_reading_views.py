"""Reading posts: the listing and its filters, a post's page, who sees what."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from commons.conftest import client_for
from commons.news.models import Post
from commons.news.services import reject_post
from commons.news.tests.conftest import post

pytestmark = pytest.mark.django_db

LIST = reverse("news:list")


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(response) -> str:
    """The page's text as a reader sees it (tags removed, spaces collapsed)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(response))))


def _titles(response) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/news/[^"]+/">([^<]+)</a></h3>', _page(response))


# --- The listing ----------------------------------------------------------------------


def test_it_lists_published_posts_with_their_facts(news_item, job, submitted, lantern):
    Post.objects.filter(pk=news_item.pk).update(organisation=lantern)
    response = client_for(None).get(LIST)
    text = _text(response)
    assert f'<a href="{lantern.get_absolute_url()}">Lantern Outreach</a>' in _page(response)
    assert "Regional hotline opens" in text and "Case worker wanted" in text
    assert "Field report from the border" not in text  # waiting for an editor
    assert "Opportunity" in text and "Job" in text
    assert f"apply by {date_format(job.deadline, 'DATE_FORMAT')}" in text
    assert "A new hotline." in text  # an excerpt of the body when there is no summary


def test_it_filters_by_kind_language_topic_country_and_words(news_item, job, alice, moderator):
    post(alice, moderator, title="Annonce", language="fr", kind=Post.Kind.ANNOUNCEMENT)
    client = client_for(None)
    assert _titles(client.get(LIST, {"kind": "opportunity"})) == ["Case worker wanted"]
    assert _titles(client.get(LIST, {"kind": "announcement"})) == ["Annonce"]
    assert _titles(client.get(LIST, {"language": "fr"})) == ["Annonce"]
    assert _titles(client.get(LIST, {"topic": "migration"})) == ["Regional hotline opens"]
    assert _titles(client.get(LIST, {"country": "TH"})) == ["Regional hotline opens"]
    assert _titles(client.get(LIST, {"q": "case WORKER"})) == ["Case worker wanted"]
    assert "No post matches" in _text(client.get(LIST, {"q": "nothing like it"}))


def test_it_offers_the_feeds_of_the_filters_chosen(news_item):
    page = _page(
        client_for(None).get(LIST, {"kind": "news", "language": "en", "topic": "migration"})
    )
    for url in (
        reverse("news:feed"),
        reverse("news:feed_kind", args=["news"]),
        reverse("news:feed_language", args=["en"]),
        reverse("news:feed_topic", args=["migration"]),
    ):
        assert f'href="{url}"' in page
    # An unknown filter offers no feed that would answer 404.
    page = _page(client_for(None).get(LIST, {"kind": "gossip", "language": "xx/y"}))
    assert "/news/feed/kind/" not in page and "/news/feed/language/" not in page


def test_it_paginates_by_twenty(alice, moderator):
    for n in range(21):
        post(alice, moderator, title=f"Item {n:02}")
    client = client_for(None)
    assert len(_titles(client.get(LIST))) == 20
    second = client.get(LIST, {"page": 2})
    assert len(_titles(second)) == 1 and "Page 2 of 2" in _text(second)


def test_it_hides_an_opportunity_after_its_deadline(job):
    client = client_for(None)
    assert "Case worker wanted" in _titles(client.get(LIST))
    Post.objects.filter(pk=job.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "Case worker wanted" not in _titles(client.get(LIST))
    assert "Case worker wanted" not in _titles(client.get(LIST, {"kind": "opportunity"}))
    # Its page still answers, and says so.
    assert "The deadline has passed." in _text(client.get(job.get_absolute_url()))


def test_it_shows_members_only_posts_to_signed_in_readers_only(members_only, dave):
    assert "Members' briefing" not in _text(client_for(None).get(LIST))
    text = _text(client_for(dave).get(LIST))
    assert "Members' briefing" in text and "Members only" in text


def test_it_links_what_each_person_may_do(news_item, bob, dave, moderator):
    anonymous = _page(client_for(None).get(LIST))
    assert reverse("news:submit") not in anonymous and reverse("news:mine") not in anonymous
    stranger = _page(client_for(dave).get(LIST))
    assert reverse("news:submit") not in stranger and reverse("news:mine") in stranger
    member = _page(client_for(bob).get(LIST))
    assert reverse("news:submit") in member and reverse("news:queue") not in member
    assert reverse("news:queue") in _page(client_for(moderator).get(LIST))


def test_it_answers_405_to_other_methods_on_the_listing(news_item, bob):
    assert client_for(bob).post(LIST).status_code == 405


# --- A post's page --------------------------------------------------------------------


def test_it_shows_a_post(news_item, lantern):
    Post.objects.filter(pk=news_item.pk).update(organisation=lantern)
    response = client_for(None).get(news_item.get_absolute_url())
    page, text = _page(response), _text(response)
    assert "Regional hotline opens" in text and "News" in text
    assert "<strong>new</strong> hotline" in page
    assert "Alice" in text and "alice@example.org" not in page
    assert "Thailand" in text and "Safe migration" in text and "English" in text
    assert 'href="https://example.org/news/hotline" rel="nofollow noopener"' in page
    assert f'href="{lantern.get_absolute_url()}"' in page
    assert reverse("news:edit", args=[news_item.slug]) not in page


def test_it_shows_an_opportunity_and_how_to_apply(job):
    text = _text(client_for(None).get(job.get_absolute_url()))
    assert "Job" in text and "Send a letter to jobs@example.org." in text
    assert "Deadline" in text and "The deadline has passed." not in text


def test_it_hides_members_only_posts_from_anonymous_visitors(members_only, dave):
    assert client_for(None).get(members_only.get_absolute_url()).status_code == 404
    assert "Members' briefing" in _text(client_for(dave).get(members_only.get_absolute_url()))


def test_it_shows_an_unpublished_post_to_its_author_and_editors_only(
    submitted, bob, carol, moderator
):
    url = submitted.get_absolute_url()
    assert client_for(None).get(url).status_code == 404
    assert client_for(carol).get(url).status_code == 404
    author = _text(client_for(bob).get(url))
    assert "Not published." in author and "Waiting for an editor" in author
    assert reverse("news:edit", args=[submitted.slug]) in _page(client_for(bob).get(url))
    assert reverse("news:review", args=[submitted.slug]) not in _page(client_for(bob).get(url))
    editor = _page(client_for(moderator).get(url))
    assert reverse("news:review", args=[submitted.slug]) in editor


def test_it_tells_the_author_why_a_post_was_rejected(submitted, bob, moderator):
    reject_post(post=submitted, editor=moderator, reason="Please cite a source.")
    text = _text(client_for(bob).get(submitted.get_absolute_url()))
    assert "Not published" in text and "Please cite a source." in text


def test_it_renders_hostile_strings_inert(alice, moderator):
    hostile = post(
        alice,
        moderator,
        title="<script>alert(1)</script> title",
        summary="<img src=x onerror=alert(2)>",
        body="Hello <script>alert(3)</script> [x](javascript:alert(4))",
    )
    for url in (hostile.get_absolute_url(), LIST):
        page = _page(client_for(None).get(url))
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "javascript:alert" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in page


def test_it_answers_405_to_other_methods_on_a_post(news_item, bob):
    assert client_for(bob).post(news_item.get_absolute_url()).status_code == 405


def test_the_news_page_offers_the_newsletter(news_item):
    page = client_for(None).get(reverse("news:list")).text
    assert f'href="{reverse("newsletter:subscribe")}"' in page
