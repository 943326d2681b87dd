"""The news feeds: all posts, one kind's, one language's, one topic's; public published
posts only, without opportunities past their deadline."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.news.models import Post
from commons.news.tests.conftest import post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(url: str) -> ET.Element:
    response = client_for(None).get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    return root


def _titles(url: str) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in _feed(url).iter(f"{ATOM}entry")]


def test_it_lists_public_published_posts_newest_first(news_item, job, members_only, submitted):
    root = _feed(reverse("news:feed"))
    entries = {e.findtext(f"{ATOM}title"): e for e in root.iter(f"{ATOM}entry")}
    assert list(entries) == ["Case worker wanted", "Regional hotline opens"]
    entry = entries["Regional hotline opens"]
    assert entry.get(XML_LANG) == "en"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://testserver" + news_item.get_absolute_url()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Alice"
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert {c.get("term") for c in entry.iter(f"{ATOM}category")} == {"news", "migration"}
    terms = {c.get("term") for c in entries["Case worker wanted"].iter(f"{ATOM}category")}
    assert terms == {"opportunity", "job"}
    assert b"alice@example.org" not in client_for(None).get(reverse("news:feed")).content


def test_it_has_a_feed_per_kind(news_item, job, alice, moderator):
    post(alice, moderator, title="Platform news", kind=Post.Kind.ANNOUNCEMENT)
    assert _titles(reverse("news:feed_kind", args=["opportunity"])) == ["Case worker wanted"]
    assert _titles(reverse("news:feed_kind", args=["news"])) == ["Regional hotline opens"]
    assert _titles(reverse("news:feed_kind", args=["announcement"])) == ["Platform news"]
    assert _titles(reverse("news:feed_kind", args=["field-report"])) == []
    assert client_for(None).get(reverse("news:feed_kind", args=["gossip"])).status_code == 404


def test_it_has_a_feed_per_language(news_item, alice, moderator):
    post(alice, moderator, title="ข่าวใหม่", language="th")
    root = _feed(reverse("news:feed_language", args=["th"]))
    assert [e.get(XML_LANG) for e in root.iter(f"{ATOM}entry")] == ["th"]
    assert _titles(reverse("news:feed_language", args=["en"])) == ["Regional hotline opens"]
    assert _titles(reverse("news:feed_language", args=["km"])) == []  # known, empty
    for unknown in ("xx", "english"):
        url = reverse("news:feed_language", args=[unknown])
        assert client_for(None).get(url).status_code == 404


def test_it_has_a_feed_per_topic(news_item, job):
    assert _titles(reverse("news:feed_topic", args=["migration"])) == ["Regional hotline opens"]
    assert _titles(reverse("news:feed_topic", args=["forced_labour"])) == []
    assert client_for(None).get(reverse("news:feed_topic", args=["gossip"])).status_code == 404


def test_it_drops_an_opportunity_after_its_deadline(job):
    urls = [reverse("news:feed"), reverse("news:feed_kind", args=["opportunity"])]
    for url in urls:
        assert _titles(url) == ["Case worker wanted"]
    Post.objects.filter(pk=job.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    for url in urls:
        assert _titles(url) == []


def test_it_never_carries_members_only_posts_even_for_a_signed_in_reader(members_only, dave):
    response = client_for(dave).get(reverse("news:feed"))
    assert response.status_code == 200 and b"briefing" not in response.content
    assert _titles(reverse("news:feed")) == []


def test_it_escapes_the_summary(alice, moderator):
    post(alice, moderator, title="<script>x</script>", summary="Grants <b>and</b> donors")
    entry = next(_feed(reverse("news:feed")).iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}title") == "<script>x</script>"  # text, not markup
    assert "Grants &lt;b&gt;and&lt;/b&gt; donors" in entry.findtext(f"{ATOM}summary")


def test_it_answers_405_to_other_methods(news_item):
    client = client_for(None)
    for url in (
        reverse("news:feed"),
        reverse("news:feed_kind", args=["news"]),
        reverse("news:feed_language", args=["en"]),
        reverse("news:feed_topic", args=["migration"]),
    ):
        assert client.post(url).status_code == 405
