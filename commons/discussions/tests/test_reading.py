"""The reading pages: the index, a category, a thread, a tag, attachments."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.discussions import services
from commons.discussions.models import Attachment, Message, ReadMark, Thread
from commons.discussions.tests.conftest import start

pytestmark = pytest.mark.django_db


def test_it_has_the_five_curated_categories_named_in_the_readers_language(categories):
    assert {slug: c.audience for slug, c in categories.items()} == {
        "field-updates": "public",
        "help-requests": "members",
        "introductions": "members",
        "research-data": "public",
        "crisis-response": "members",
    }
    page = client_for(None).get(reverse("discussions:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Field updates" in page.content.decode()
    assert "Research and data" in page.content.decode()


def test_it_lists_only_public_categories_for_the_signed_out(categories, public_thread):
    page = client_for(None).get(reverse("discussions:index")).content.decode()
    assert "Field updates" in page
    assert "Port inspections this week" in page
    assert "Requests for help and referrals" not in page
    assert "sign in to read them" in page


def test_it_lists_members_categories_with_counts_for_members(bob, members_thread):
    page = client_for(bob).get(reverse("discussions:index")).content.decode()
    assert "Requests for help and referrals" in page
    assert "Referral for a survivor in Songkhla" in page
    assert "1 thread" in page


def test_it_refuses_the_index_to_other_methods(bob):
    assert client_for(bob).post(reverse("discussions:index")).status_code == 405


def test_it_sorts_a_category_by_latest_activity(alice, bob, public):
    older = start(alice, public, "Older thread")
    newer = start(alice, public, "Newer thread")
    Thread.objects.filter(pk=older.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=2)
    )
    page = client_for(bob).get(reverse("discussions:category", args=["field-updates"]))
    text = page.content.decode()
    assert text.index("Newer thread") < text.index("Older thread")
    services.post_reply(author=bob, thread=older, body="Bumping this one.")
    text = client_for(bob).get(reverse("discussions:category", args=["field-updates"])).content
    text = text.decode()
    assert text.index("Older thread") < text.index("Newer thread")
    assert newer.pk


def test_it_marks_threads_new_then_counts_unread_replies(alice, bob, carol, public_thread):
    url = reverse("discussions:category", args=["field-updates"])
    assert "new</span>" in client_for(bob).get(url).content.decode()
    client_for(bob).get(public_thread.get_absolute_url())
    assert ReadMark.objects.filter(user=bob, thread=public_thread).exists()
    page = client_for(bob).get(url).content.decode()
    assert "new</span>" not in page and "unread" not in page
    # Bob read the first message, then two replies came.
    first = public_thread.messages.get()
    ReadMark.objects.filter(user=bob).update(read_at=first.published_at)
    services.post_reply(author=carol, thread=public_thread, body="One.")
    services.post_reply(author=alice, thread=public_thread, body="Two.")
    assert "2 unread replies" in client_for(bob).get(url).content.decode()


def test_it_shows_a_thread_with_quotes_attachments_and_placeholders(alice, bob, public_thread):
    first = public_thread.messages.get()
    reply = services.post_reply(author=bob, thread=public_thread, body="Agreed.", quotes=first)
    hidden = services.post_reply(author=bob, thread=public_thread, body="Buy cheap watches")
    Message.objects.filter(pk=hidden.pk).update(status=Message.Status.HIDDEN)
    attachment = Attachment(message=reply, name="notes.pdf", kind="pdf", size=15)
    attachment.file.save("notes.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    page = client_for(alice).get(public_thread.get_absolute_url()).content.decode()
    assert "Inspectors boarded <strong>boats</strong>." in page
    assert f'href="#message-{first.pk}"' in page and "In reply to Alice" in page
    assert "notes.pdf" in page
    assert "This message was hidden by a moderator." in page
    assert "Buy cheap watches" not in page


def test_moderators_see_hidden_messages(moderator, bob, public_thread):
    hidden = services.post_reply(author=bob, thread=public_thread, body="Buy cheap watches")
    Message.objects.filter(pk=hidden.pk).update(status=Message.Status.HIDDEN)
    page = client_for(moderator).get(public_thread.get_absolute_url()).content.decode()
    assert "Buy cheap watches" in page
    assert "Hidden by a moderator" in page


def test_it_downloads_an_attachment_as_a_file(alice, bob, members_thread):
    message = members_thread.messages.get()
    attachment = Attachment(message=message, name="notes.pdf", kind="pdf", size=15)
    attachment.file.save("notes.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    url = reverse("discussions:attachment", args=[attachment.pk])
    response = client_for(bob).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(None).get(url).status_code == 302


def test_it_lists_a_tags_threads(bob, members_thread, public_thread):
    page = client_for(bob).get(reverse("discussions:tag", args=["referral"])).content.decode()
    assert "Referral for a survivor in Songkhla" in page
    assert "Port inspections this week" not in page


def test_a_locked_thread_has_no_reply_form(bob, public_thread):
    Thread.objects.filter(pk=public_thread.pk).update(is_locked=True)
    page = client_for(bob).get(public_thread.get_absolute_url()).content.decode()
    assert "This thread is locked by a moderator" in page
    assert "Post the reply" not in page
