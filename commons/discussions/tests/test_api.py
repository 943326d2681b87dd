"""The discussions API: threads and a thread with its published messages."""

import pytest

from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.discussions import services
from commons.discussions.models import Message

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/discussions/threads"


def _bearer(user) -> dict:
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_signed_out_get_public_threads_only(public_thread, members_thread):
    body = client_for(None).get(THREADS).json()
    assert [item["title"] for item in body["items"]] == ["Port inspections this week"]
    assert body["items"][0]["category"] == {
        "slug": "field-updates",
        "name": "Field updates",
        "audience": "public",
    }


def test_a_members_token_lists_members_only_threads_with_filters(
    bob, public_thread, members_thread
):
    headers = _bearer(bob)
    titles = [i["title"] for i in client_for(None).get(THREADS, **headers).json()["items"]]
    assert set(titles) == {"Port inspections this week", "Referral for a survivor in Songkhla"}
    filtered = client_for(None).get(THREADS, {"tag": "referral"}, **headers).json()
    assert [i["title"] for i in filtered["items"]] == ["Referral for a survivor in Songkhla"]
    filtered = client_for(None).get(THREADS, {"q": "inspections"}, **headers).json()
    assert [i["title"] for i in filtered["items"]] == ["Port inspections this week"]
    filtered = client_for(None).get(THREADS, {"category": "help-requests"}, **headers).json()
    assert filtered["count"] == 1


def test_daves_token_sees_no_members_only_thread(dave, members_thread):
    headers = _bearer(dave)
    assert client_for(None).get(THREADS, **headers).json()["count"] == 0
    url = f"{THREADS}/{members_thread.pk}"
    assert client_for(None).get(url, **headers).status_code == 404


def test_a_thread_has_its_published_messages_only(alice, bob, members_thread):
    first = members_thread.messages.get()
    reply = services.post_reply(author=bob, thread=members_thread, body="*We* can", quotes=first)
    hidden = services.post_reply(author=bob, thread=members_thread, body="spam spam")
    Message.objects.filter(pk=hidden.pk).update(status=Message.Status.HIDDEN)
    body = client_for(None).get(f"{THREADS}/{members_thread.pk}", **_bearer(alice)).json()
    assert [(m["author"], m["quotes"]) for m in body["messages"]] == [
        ("Alice", None),
        ("Bob", first.pk),
    ]
    assert body["messages"][1]["body_html"] == "<p><em>We</em> can</p>"
    assert body["messages"][1]["id"] == reply.pk
    assert client_for(None).get(f"{THREADS}/{members_thread.pk}").status_code == 404
