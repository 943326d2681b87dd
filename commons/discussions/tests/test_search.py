"""Search across threads: titles, tags and published messages, only what one may read."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.discussions import search, services
from commons.discussions.models import Message, Thread
from commons.discussions.tests.conftest import start

pytestmark = pytest.mark.django_db


def _found(user, q, **kwargs):
    return [thread.title for thread in search.search(user, q=q, **kwargs).items]


def test_it_finds_words_in_titles_tags_and_replies(alice, bob, public, public_thread):
    services.post_reply(author=bob, thread=public_thread, body="The crews were paid in October.")
    start(alice, public, "Unrelated", "Nothing here", tags=["fishing-boats"])
    assert _found(bob, "inspections") == ["Port inspections this week"]
    assert _found(bob, "october crews") == ["Port inspections this week"]
    assert _found(bob, "fishing") == ["Unrelated"]
    assert _found(bob, "october unrelated") == []


def test_it_finds_words_inside_thai_text(alice, public):
    start(alice, public, "ข่าว", "การคุ้มครองเด็กในชุมชน")
    assert _found(alice, "เด็ก") == ["ข่าว"]


def test_held_and_hidden_messages_are_not_searched(alice, bob, public_thread):
    reply = services.post_reply(author=bob, thread=public_thread, body="secretword here")
    assert _found(bob, "secretword") == ["Port inspections this week"]
    reply.status = Message.Status.HIDDEN
    reply.save()
    assert _found(bob, "secretword") == []


def test_a_hidden_thread_is_never_found_even_by_an_old_index(bob, public_thread):
    assert _found(bob, "inspections")
    # an update that skips signals: the page's rows are still checked in the database
    Thread.objects.filter(pk=public_thread.pk).update(is_visible=False)
    assert _found(bob, "inspections") == []


def test_a_members_only_thread_is_never_found_by_the_signed_out_or_dave(
    bob, dave, moderator, members_thread
):
    assert _found(bob, "songkhla") == ["Referral for a survivor in Songkhla"]
    assert _found(moderator, "songkhla") == ["Referral for a survivor in Songkhla"]
    from django.contrib.auth.models import AnonymousUser

    assert _found(AnonymousUser(), "songkhla") == []
    assert _found(dave, "songkhla") == []


def test_it_filters_by_category_and_sorts_by_latest_activity(alice, bob, public, members):
    one = start(alice, public, "Hotline one", "hotline")
    start(alice, members, "Hotline two", "hotline")
    services.post_reply(author=bob, thread=one, body="more about the hotline")
    assert _found(bob, "hotline") == ["Hotline one", "Hotline two"]
    assert _found(bob, "hotline", category=members) == ["Hotline two"]


def test_the_search_page(bob, dave, members_thread, public_thread):
    url = reverse("discussions:search")
    page = client_for(bob).get(url, {"q": "songkhla"}).content.decode()
    assert "1 thread" in page and "Referral for a survivor in Songkhla" in page
    page = client_for(dave).get(url, {"q": "songkhla"}).content.decode()
    assert "0 threads" in page and "Songkhla</a>" not in page
    page = client_for(None).get(url, {"q": "port", "category": "field-updates"}).content.decode()
    assert "Port inspections this week" in page
    assert client_for(None).post(url).status_code == 405
