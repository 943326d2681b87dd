"""The editors' pages for issues: open a draft, edit, reorder and remove its entries,
preview a subscriber's copy, send a test, schedule, unschedule, and follow the sending."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.news.models import Post
from commons.news.tests.conftest import post
from commons.newsletter import issues, services
from commons.newsletter.models import Delivery, Issue, IssueItem
from commons.newsletter.tests.conftest import subscriber

Section = IssueItem.Section


@pytest.fixture
def editor(moderator):
    return client_for(moderator)


@pytest.fixture
def published(alice, moderator):
    return {
        "news": post(alice, moderator, title="Hotline opens", topics=["migration"]),
        "report": post(
            alice,
            moderator,
            kind=Post.Kind.FIELD_REPORT,
            title="Rapport du terrain",
            language="fr",
            topics=["forced_labour"],
        ),
    }


@pytest.fixture
def draft(published, moderator) -> Issue:
    today = timezone.localdate()
    made = issues.create_issue(
        subject="This week",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
        created_by=moderator,
    )
    issues.propose_items(made)
    return made


def page(issue: Issue) -> str:
    return reverse("newsletter:issue", kwargs={"pk": issue.pk})


def entry_url(name: str, item: IssueItem) -> str:
    return reverse(f"newsletter:{name}", kwargs={"pk": item.issue_id, "item": item.pk})


def issue_url(name: str, issue: Issue) -> str:
    return reverse(f"newsletter:{name}", kwargs={"pk": issue.pk})


def test_an_editor_opens_a_draft_with_the_period_s_posts_proposed(editor, published):
    today = timezone.localdate()
    response = editor.post(
        reverse("newsletter:issue_new"),
        {
            "subject": "Week 49",
            "period_start": (today - datetime.timedelta(days=3)).isoformat(),
            "period_end": today.isoformat(),
            "introduction": "Dear *members*",
        },
        follow=True,
    )
    issue = Issue.objects.get(subject="Week 49")
    assert issue.status == Issue.Status.DRAFT
    text = response.content.decode()
    assert "Hotline opens" in text and "Rapport du terrain" in text
    assert "<em>members</em>" in text
    assert "2 entries are proposed" in text


def test_a_period_that_ends_before_it_starts_is_refused(editor):
    response = editor.post(
        reverse("newsletter:issue_new"),
        {"subject": "Backwards", "period_start": "2026-12-05", "period_end": "2026-12-01"},
    )
    assert "The period must end on or after its first day." in response.content.decode()
    assert not Issue.objects.exists()


def test_the_editor_shortens_reorders_and_removes_entries(editor, draft):
    news, report = (
        IssueItem.objects.get(issue=draft, title="Hotline opens"),
        IssueItem.objects.get(issue=draft, title="Rapport du terrain"),
    )
    editor.post(
        entry_url("entry_edit", news),
        {"section": Section.NEWS, "title": "A hotline for migrant workers", "summary": "Short."},
    )
    news.refresh_from_db()
    assert (news.title, news.summary) == ("A hotline for migrant workers", "Short.")
    assert news.post is not None  # still links to its post

    editor.post(entry_url("entry_move", report), {"direction": "down"})  # alone: no change
    editor.post(entry_url("entry_remove", report))
    assert list(draft.items.values_list("title", flat=True)) == ["A hotline for migrant workers"]
    assert "A hotline for migrant workers" in editor.get(page(draft)).content.decode()


def test_the_editor_adds_an_entry_of_their_own_and_hostile_text_stays_text(editor, draft):
    editor.post(
        issue_url("entry_new", draft),
        {
            "section": Section.ANNOUNCEMENTS,
            "title": "<script>alert(1)</script> Members' meeting",
            "summary": "Join us.",
            "url": "https://example.org/meeting",
            "regions": ["africa"],
        },
    )
    item = draft.items.get(section=Section.ANNOUNCEMENTS)
    assert (item.url, item.regions, item.order) == ("https://example.org/meeting", ["africa"], 0)
    text = editor.get(page(draft)).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Members" in text


def test_proposing_again_replaces_the_entries(editor, draft):
    issues.add_item(draft, section=Section.NEWS, title="Hand-written")
    editor.post(issue_url("issue_propose", draft))
    assert sorted(draft.items.values_list("title", flat=True)) == [
        "Hotline opens",
        "Rapport du terrain",
    ]


def test_a_preview_shows_a_real_subscriber_s_copy_without_their_links(editor, draft):
    french = subscriber("fr@example.net", language="fr", topics=["forced_labour"])
    response = editor.get(issue_url("issue_preview", draft), {"subscriber": "FR@example.net"})
    text = response.content.decode()
    assert "fr@example.net receives 1 entry of 2." in text
    assert "Rapport du terrain" in text and "Hotline opens" not in text
    assert services.token_for(french) not in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SENSITIVE_READ, target_id=str(french.pk)
    ).exists()
    # the iframe holds the HTML e-mail, escaped into its srcdoc attribute
    assert re.search(r'<iframe [^>]*sandbox srcdoc="&lt;!DOCTYPE html&gt;', text)


def test_a_preview_for_an_unknown_address_says_so(editor, draft):
    text = editor.get(issue_url("issue_preview", draft), {"subscriber": "who@example.net"}).content
    assert "No confirmed subscriber has that address" in text.decode()


def test_a_test_goes_to_the_chosen_address_only_and_is_not_a_delivery(editor, draft):
    subscriber("fr@example.net", language="fr", topics=["forced_labour"])
    mail.outbox.clear()
    editor.post(
        issue_url("issue_test", draft), {"to": "me@example.org", "subscriber": "fr@example.net"}
    )
    [message] = mail.outbox
    assert message.to == ["me@example.org"]
    assert message.subject == "[Test] This week"
    assert "Rapport du terrain" in message.body and "Hotline opens" not in message.body
    assert message.extra_headers["Message-ID"] != f"<newsletter.{draft.pk}."
    assert not Delivery.objects.exists()


def test_an_issue_scheduled_for_later_goes_out_when_it_is_due(
    editor, draft, django_capture_on_commit_callbacks
):
    subscriber("one@example.net")
    subscriber("two@example.net", language="fr")
    mail.outbox.clear()
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(issue_url("issue_schedule", draft), {"send_at": later})
    draft.refresh_from_db()
    assert draft.status == Issue.Status.SCHEDULED
    assert mail.outbox == []  # the task ran at once here, and found it not yet due
    text = editor.get(page(draft)).content.decode()
    assert "Unschedule" in text and 'hx-trigger="every 2s"' in text

    call_command("newsletter", "send")  # not due yet: nothing
    assert mail.outbox == []
    Issue.objects.filter(pk=draft.pk).update(scheduled_for=timezone.now())
    call_command("newsletter", "send")
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.net", "two@example.net"]
    draft.refresh_from_db()
    assert draft.status == Issue.Status.SENT
    call_command("newsletter", "send")  # again: nobody gets a second copy
    assert len(mail.outbox) == 2


def test_send_now_delivers_and_the_page_shows_the_count(
    editor, draft, django_capture_on_commit_callbacks
):
    subscriber("one@example.net")
    subscriber("waiting@example.net", confirmed=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(issue_url("issue_schedule", draft), {"now": "on"})
    assert [m.to for m in mail.outbox] == [["one@example.net"]]
    fragment = editor.get(issue_url("issue_progress", draft)).content.decode()
    assert "1 of 1 subscribers handled" in fragment
    assert "hx-trigger" not in fragment  # sent: the page stops asking
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NEWSLETTER_SCHEDULED).exists()


def test_an_unscheduled_issue_is_a_draft_again_and_never_goes_out(editor, draft):
    subscriber("one@example.net")
    mail.outbox.clear()
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    editor.post(issue_url("issue_schedule", draft), {"send_at": later})
    editor.post(issue_url("issue_unschedule", draft))
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT
    Issue.objects.filter(pk=draft.pk).update(scheduled_for=timezone.now())
    call_command("newsletter", "send")
    assert mail.outbox == []


def test_a_scheduled_issue_cannot_be_changed(editor, draft):
    entry = draft.items.first()
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    editor.post(issue_url("issue_schedule", draft), {"send_at": later})
    response = editor.post(entry_url("entry_remove", entry), follow=True)
    assert draft.items.filter(pk=entry.pk).exists()
    assert "Only a draft can be changed" in response.content.decode()


def test_an_empty_draft_cannot_be_sent(editor, moderator):
    empty = issues.create_issue(
        subject="Empty", period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    response = editor.post(issue_url("issue_schedule", empty), {"now": "on"}, follow=True)
    assert "Only a draft with at least one entry can be sent." in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Issue.Status.DRAFT


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_members_who_are_not_editors_change_nothing(who, draft, request):
    member = client_for(request.getfixturevalue(who))
    entry = draft.items.first()
    for url in (
        issue_url("issue_schedule", draft),
        issue_url("issue_propose", draft),
        issue_url("issue_delete", draft),
        entry_url("entry_remove", entry),
    ):
        assert member.post(url, {"now": "on"}).status_code == 403
    assert Issue.objects.get(pk=draft.pk).status == Issue.Status.DRAFT
    assert draft.items.filter(pk=entry.pk).exists()
