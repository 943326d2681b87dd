"""Starting threads, replying with quotes and mentions, attachments, the hold on new
accounts, spam limits, editing, watching and flagging."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.discussions import rules, services
from commons.discussions.models import Flag, Message, Thread, Watch
from commons.discussions.tests.conftest import start
from commons.library.tests import corpus

pytestmark = pytest.mark.django_db

PDF = corpus.pdf("Shelter list")


def _new(client, slug="help-requests", **data):
    fields = {"title": "Shelter for two", "body": "Who has beds tonight?", "tags": "", **data}
    return client.post(reverse("discussions:new_thread", args=[slug]), fields)


def test_a_member_starts_a_thread_with_tags_for_their_organisation(bob, lantern, members):
    client = client_for(bob)
    response = _new(client, tags="Shelter, Bangkok , shelter", organisation=lantern.pk)
    thread = Thread.objects.get(title="Shelter for two")
    assert response.status_code == 302 and response["Location"].startswith(
        thread.get_absolute_url()
    )
    assert thread.tags == ["shelter", "bangkok"]
    assert thread.is_visible and thread.category == members
    message = thread.messages.get()
    assert message.status == Message.Status.PUBLISHED and message.organisation == lantern
    page = client.get(response["Location"]).content.decode()
    assert "Your message is posted." in page and "Who has beds tonight?" in page


def test_the_new_thread_form_keeps_the_text_when_the_title_is_missing(bob, members):
    response = _new(client_for(bob), title="", body="Text I typed carefully")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Text I typed carefully" in page and "This field is required." in page
    assert not Thread.objects.exists()


def test_dave_cannot_start_a_thread_even_in_a_public_category(dave, public):
    assert _new(client_for(dave), slug="field-updates").status_code == 403
    assert (
        client_for(None)
        .get(reverse("discussions:new_thread", args=["field-updates"]))["Location"]
        .startswith("/accounts/login/")
    )
    assert not Thread.objects.exists()


def test_the_new_thread_form_refuses_other_methods(bob, members):
    url = reverse("discussions:new_thread", args=["help-requests"])
    assert client_for(bob).put(url).status_code == 405


def test_attachments_are_checked_and_refused_ones_named(bob, members):
    good = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64)
    response = _new(client_for(bob), body="See the files", files=[good, bad])
    page = response.content.decode()
    assert response.status_code == 200
    assert "run.exe was not attached" in page and "See the files" in page
    assert not Thread.objects.exists()
    good.seek(0)
    response = _new(client_for(bob), body="See the file", files=[good])
    assert response.status_code == 302
    attachment = Thread.objects.get().messages.get().attachments.get()
    assert (attachment.name, attachment.kind) == ("report.pdf", "pdf")


def test_at_most_three_files(bob, members):
    files = [SimpleUploadedFile(f"r{n}.pdf", PDF) for n in range(4)]
    response = _new(client_for(bob), files=files)
    assert "Attach at most 3 files; you chose 4." in response.content.decode()


def test_a_reply_quotes_a_message_with_attribution(alice, bob, members_thread):
    first = members_thread.messages.get()
    url = reverse("discussions:reply", args=[members_thread.pk])
    form = client_for(bob).get(url, {"quote": first.pk}).content.decode()
    assert "&gt; **Alice wrote:**" in form
    assert "&gt; Who can take a referral near the border?" in form
    response = client_for(bob).post(
        url, {"body": "> **Alice wrote:**\n> Who can?\n\nWe can.", "quote": first.pk}
    )
    reply = Message.objects.get(author=bob)
    assert response.status_code == 302
    assert reply.quotes == first
    assert "<blockquote>" in reply.body_html
    members_thread.refresh_from_db()
    assert members_thread.reply_count == 1


def test_mentions_are_kept_only_for_people_who_can_read_the_thread(
    alice, bob, dave, members_thread
):
    bob_handle = services.participant_for(bob).handle
    dave_handle = services.participant_for(dave).handle
    reply = services.post_reply(
        author=alice,
        thread=members_thread,
        body=f"@{bob_handle} and @{dave_handle}, see mail@example.org",
    )
    assert list(reply.mentions.all()) == [bob]
    assert f"<strong>@{bob_handle}</strong>" in reply.body_html
    assert f"<strong>@{dave_handle}</strong>" not in reply.body_html


def test_the_people_autocomplete_offers_members_only_for_a_members_thread(
    alice, bob, dave, members_thread
):
    services.participant_for(bob)
    services.participant_for(dave)
    url = reverse("discussions:people")
    found = client_for(alice).get(url, {"q": "b", "thread": members_thread.pk}).content.decode()
    assert "@bob" in found
    found = client_for(alice).get(url, {"q": "da", "thread": members_thread.pk}).content.decode()
    assert "@dave" not in found and "Nobody found." in found
    assert client_for(dave).get(url, {"q": "b"}).status_code == 403


def test_a_new_accounts_first_messages_wait_for_a_moderator(lantern, members):
    from commons.accounts.models import Membership
    from commons.conftest import make_user

    nina = make_user("nina@example.org", name="Nina")
    Membership.objects.create(user=nina, organisation=lantern, status="active")
    client = client_for(nina)
    response = _new(client, title="Hello from Nina", body="First post")
    thread = Thread.objects.get(title="Hello from Nina")
    assert thread.messages.get().status == Message.Status.HELD
    assert not thread.is_visible
    page = client.get(response["Location"]).content.decode()
    assert "waiting for a moderator" in page and "First post" in page
    assert client_for(None).get(thread.get_absolute_url()).status_code == 302
    # others who may read the category do not find it at all
    other = make_user("olga@example.org", name="Olga")
    Membership.objects.create(user=other, organisation=lantern, status="active")
    assert client_for(other).get(thread.get_absolute_url()).status_code == 404


def test_an_old_account_with_published_messages_is_trusted(bob, members):
    assert not services.is_held_for_review(bob)
    bob.date_joined = timezone.now()
    bob.save()
    assert services.is_held_for_review(bob)
    for n in range(rules.APPROVED_TO_BE_TRUSTED):
        thread = start(bob, members, f"T{n}")
        services.publish_message(thread.messages.get())
    assert not services.is_held_for_review(bob)


def test_too_many_messages_are_refused_with_429_and_the_text_kept(alice, bob, members_thread):
    for n in range(rules.MESSAGES_PER_WINDOW):
        Message.objects.create(thread=members_thread, author=bob, body=f"m{n}")
    url = reverse("discussions:reply", args=[members_thread.pk])
    response = client_for(bob).post(url, {"body": "One more thing I wrote"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "You can post again at" in page and "One more thing I wrote" in page
    # after the window, they may post again
    Message.objects.filter(author=bob).update(
        created_at=timezone.now() - rules.WINDOW - datetime.timedelta(seconds=1)
    )
    assert client_for(bob).post(url, {"body": "Now it works"}).status_code == 302


def test_too_many_threads_are_refused(bob, members):
    for n in range(rules.THREADS_PER_WINDOW):
        start(bob, members, f"Thread {n}")
    response = _new(client_for(bob), title="Yet another")
    assert response.status_code == 429
    assert "You can start another at" in response.content.decode()


def test_a_locked_thread_refuses_replies_but_not_moderators(bob, moderator, members_thread):
    Thread.objects.filter(pk=members_thread.pk).update(is_locked=True)
    url = reverse("discussions:reply", args=[members_thread.pk])
    response = client_for(bob).post(url, {"body": "Late"})
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert client_for(moderator).post(url, {"body": "Closing note"}).status_code == 302


def test_the_author_edits_within_the_window_only(alice, bob, members_thread):
    message = members_thread.messages.get()
    url = reverse("discussions:edit_message", args=[message.pk])
    assert client_for(alice).post(url, {"body": "Corrected text"}).status_code == 302
    message.refresh_from_db()
    assert message.body == "Corrected text" and message.edit_note == ""
    assert client_for(bob).post(url, {"body": "Not mine"}).status_code == 403
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - rules.AUTHOR_EDIT_WINDOW - datetime.timedelta(minutes=1)
    )
    assert client_for(alice).get(url).status_code == 403


def test_a_moderator_edits_with_a_note_shown_under_the_message(moderator, bob, members_thread):
    message = members_thread.messages.get()
    url = reverse("discussions:edit_message", args=[message.pk])
    response = client_for(moderator).post(url, {"body": "Without the address"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    client_for(moderator).post(url, {"body": "Without the address", "note": "Removed an address"})
    page = client_for(bob).get(members_thread.get_absolute_url()).content.decode()
    assert "Edited by a moderator: Removed an address" in page


def test_watch_mute_and_back_to_default(bob, members_thread):
    url = reverse("discussions:watch", args=[members_thread.pk])
    assert client_for(bob).get(url).status_code == 405
    client_for(bob).post(url, {"level": "muted"})
    assert Watch.objects.get(user=bob).level == "muted"
    page = client_for(bob).get(members_thread.get_absolute_url()).content.decode()
    assert "You muted this thread." in page
    client_for(bob).post(url, {"level": ""})
    assert not Watch.objects.filter(user=bob).exists()
    assert client_for(None).post(url, {"level": "muted"}).status_code == 302


def test_flagging_makes_one_open_flag_per_person(alice, bob, members_thread):
    message = members_thread.messages.get()
    url = reverse("discussions:flag", args=[message.pk])
    assert "Puts someone at risk" in client_for(bob).get(url).content.decode()
    response = client_for(bob).post(url, {"reason": "safety", "note": "A name"}, follow=True)
    assert "The moderators will look at the message you flagged." in response.content.decode()
    client_for(bob).post(url, {"reason": "spam"})
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reason, flag.status) == (bob, "spam", "open")
    response = client_for(bob).post(url, {"reason": "nonsense"})
    assert response.status_code == 200 and Flag.objects.count() == 1


def test_a_held_reply_is_shown_to_its_author_only(bob, alice, members_thread):
    bob.date_joined = timezone.now()
    bob.save()
    reply = services.post_reply(author=bob, thread=members_thread, body="My first reply")
    assert reply.status == Message.Status.HELD
    members_thread.refresh_from_db()
    assert members_thread.reply_count == 0
    mine = client_for(bob).get(members_thread.get_absolute_url()).content.decode()
    assert "My first reply" in mine and "Waiting for a moderator" in mine
    theirs = client_for(alice).get(members_thread.get_absolute_url()).content.decode()
    assert "My first reply" not in theirs and "hidden by a moderator" not in theirs


def test_the_signed_out_are_asked_to_sign_in_to_reply(public_thread):
    page = client_for(None).get(public_thread.get_absolute_url()).content.decode()
    assert "Sign in to reply" in page and "Post the reply" not in page
    url = reverse("discussions:reply", args=[public_thread.pk])
    assert client_for(None).post(url, {"body": "x"})["Location"].startswith("/accounts/login/")


def test_a_tag_without_latin_letters_is_refused_with_the_text_kept(bob, members):
    response = _new(client_for(bob), tags="shelter, ที่พัก", body="Beds wanted")
    page = response.content.decode()
    assert response.status_code == 200
    assert "these have none: ที่พัก" in page and "Beds wanted" in page
    assert not Thread.objects.exists()
