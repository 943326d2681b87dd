"""The news API: published posts with the listing's filters; members-only posts for
signed-in callers; nothing unpublished, no opportunity past its deadline."""

import datetime

import pytest
from django.utils import timezone

from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.news.models import Post

from .conftest import post

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts"


def _get(user=None, **params):
    """GET as ``user`` through a personal API token (no session), or anonymously."""
    headers = {}
    if user is not None:
        _token, raw = create_api_token(user=user, name="script")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    answer = client_for(None).get(URL, params, **headers)
    assert answer.status_code == 200, answer.content
    return answer.json()


def _titles(body) -> list[str]:
    return [item["title"] for item in body["items"]]


@pytest.fixture
def report(carol, harbour, moderator) -> Post:
    made = post(
        carol,
        moderator,
        kind=Post.Kind.FIELD_REPORT,
        title="Informe desde Phnom Penh",
        summary="Trabajo forzoso en la construcción.",
        language="es",
        countries=["KH"],
        topics=["forced_labour"],
    )
    made.organisation = harbour
    made.save()
    return made


def test_it_lists_published_posts_with_every_field(news_item, job, report, submitted):
    body = _get()
    assert body["count"] == 3 and (body["page"], body["pages"]) == (1, 1)
    assert submitted.title not in _titles(body)
    [item] = [i for i in body["items"] if i["slug"] == news_item.slug]
    assert item == {
        "slug": news_item.slug,
        "url": f"http://testserver/news/{news_item.slug}/",
        "kind": "news",
        "opportunity_type": "",
        "title": "Regional hotline opens",
        "summary": "",
        "body_html": "<p>A <strong>new</strong> hotline.</p>",
        "source_url": "https://example.org/news/hotline",
        "deadline": None,
        "how_to_apply": "",
        "language": "en",
        "countries": ["TH"],
        "topics": ["migration"],
        "audience": "public",
        "organisation": None,
        "published_at": news_item.published_at.astimezone(datetime.UTC).isoformat(),
    }
    [opportunity] = [i for i in body["items"] if i["slug"] == job.slug]
    assert (opportunity["opportunity_type"], opportunity["deadline"]) == (
        "job",
        job.deadline.isoformat(),
    )


def test_it_filters_by_kind_language_topic_country_organisation_and_words(news_item, job, report):
    assert _titles(_get(kind="opportunity")) == ["Case worker wanted"]
    assert _titles(_get(language="es")) == ["Informe desde Phnom Penh"]
    assert _titles(_get(topic="migration")) == ["Regional hotline opens"]
    assert _titles(_get(country="KH")) == ["Informe desde Phnom Penh"]
    assert _titles(_get(organisation="harbour")) == ["Informe desde Phnom Penh"]
    assert _titles(_get(organisation="lantern")) == []
    assert _titles(_get(q="construcción")) == ["Informe desde Phnom Penh"]
    assert _titles(_get(q="hotline", kind="news")) == ["Regional hotline opens"]


def test_it_pages_the_list(news_item, job, report):
    first = _get(page_size=2)
    second = _get(page_size=2, page=2)
    assert (first["count"], first["pages"], len(first["items"]), len(second["items"])) == (
        3,
        2,
        2,
        1,
    )
    assert set(_titles(first)) | set(_titles(second)) == {
        "Regional hotline opens",
        "Case worker wanted",
        "Informe desde Phnom Penh",
    }
    assert client_for(None).get(URL, {"page_size": 1000}).status_code == 422


def test_it_shows_members_only_posts_to_signed_in_callers_only(dave, news_item, members_only):
    assert _titles(_get()) == ["Regional hotline opens"]
    signed_in = _get(dave)
    assert set(_titles(signed_in)) == {"Regional hotline opens", "Members' briefing"}
    [briefing] = [i for i in signed_in["items"] if i["title"] == "Members' briefing"]
    assert briefing["audience"] == "members"


def test_it_drops_opportunities_past_their_deadline(job):
    assert _titles(_get()) == ["Case worker wanted"]
    Post.objects.filter(pk=job.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert _titles(_get()) == []
