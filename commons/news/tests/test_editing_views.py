"""Writing posts: the submit form's checks per kind, a person's posts, and the editors'
queue and review (publish, or refuse with a reason that the author corrects)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commons.conftest import client_for
from commons.news.models import Post

pytestmark = pytest.mark.django_db

SUBMIT = reverse("news:submit")
MINE = reverse("news:mine")
QUEUE = reverse("news:queue")


def _form(**changes) -> dict:
    form = {
        "kind": "news",
        "title": "Hotline opens in Chiang Mai",
        "summary": "A new hotline for migrant workers.",
        "body": "Call **1300** any time.",
        "language": "en",
        "countries": "Thailand",
        "topics": ["forced_labour"],
        "audience": "public",
        "source_url": "https://example.org/hotline",
        "organisation": "",
        "opportunity_type": "",
        "deadline": "",
        "how_to_apply": "",
    }
    form.update(changes)
    return form


def _errors(answer) -> dict[str, list[str]]:
    assert answer.status_code == 200
    return {name: list(errors) for name, errors in answer.context["form"].errors.items()}


def test_it_checks_what_each_kind_needs(bob, lantern):
    client = client_for(bob)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        (_form(source_url=""), "source_url", "Give the link to where the news was published."),
        (
            _form(kind="field-report", source_url=""),
            "organisation",
            "A field report is written by a member organisation: choose yours.",
        ),
        (
            _form(kind="opportunity", opportunity_type="job", how_to_apply="Write to us."),
            "deadline",
            "Give the last day to apply.",
        ),
        (
            _form(
                kind="opportunity",
                opportunity_type="job",
                deadline=yesterday,
                how_to_apply="Write to us.",
            ),
            "deadline",
            "This day has passed: give a day to come.",
        ),
        (
            _form(kind="opportunity", opportunity_type="fellowship", deadline="2099-01-01"),
            "how_to_apply",
            "Say how to apply.",
        ),
        (
            _form(kind="opportunity", deadline="2099-01-01", how_to_apply="Write to us."),
            "opportunity_type",
            "Choose the type of opportunity.",
        ),
    ]
    for data, field, message in cases:
        answer = client.post(SUBMIT, data)
        assert _errors(answer) == {field: [message]}, (field, message)
        assert message in answer.text
    assert not Post.objects.exists()


def test_it_publishes_nothing_written_by_someone_without_an_organisation(dave):
    client = client_for(dave)
    assert client.get(SUBMIT).status_code == 403
    assert client.post(SUBMIT, _form()).status_code == 403
    assert not Post.objects.exists()
    assert "Join your organisation" in client.get(MINE).text
    answer = client_for(None).get(SUBMIT)
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_it_answers_wrong_methods_with_405(bob, moderator, submitted):
    for url in (SUBMIT, reverse("news:edit", args=[submitted.slug])):
        assert client_for(bob).put(url).status_code == 405
    for url in (MINE, QUEUE):
        assert client_for(moderator).post(url).status_code == 405
    assert (
        client_for(moderator).delete(reverse("news:review", args=[submitted.slug])).status_code
        == 405
    )


def test_it_offers_the_authors_organisation_and_the_interface_language(bob, lantern):
    page = client_for(bob).get(SUBMIT, headers={"accept-language": "th"}).text
    assert f'<option value="{lantern.pk}" selected>Lantern Outreach</option>' in page
    assert '<option value="th" selected>' in page
    with translation.override("th"):
        explained = gettext(
            "An editor reads every post before it is published, and you get an e-mail when "
            "they have. Until then, only you and the editors see it."
        )
    assert explained in page and "An editor reads every post" not in explained


def test_it_sends_a_field_report_through_an_editor_who_refuses_then_publishes_it(
    bob, carol, moderator, lantern, django_capture_on_commit_callbacks
):
    author = client_for(bob)
    with django_capture_on_commit_callbacks(execute=True):
        answer = author.post(
            SUBMIT,
            _form(
                kind="field-report",
                title="Field report from the border",
                source_url="",
                organisation=lantern.pk,
                countries="TH, Myanmar",
                audience="members",
            ),
        )
    assert answer.status_code == 302 and answer["Location"] == MINE
    post = Post.objects.get()
    assert (post.status, post.author, post.organisation, post.countries, post.audience) == (
        "submitted",
        bob,
        lantern,
        ["TH", "MM"],
        "members",
    )
    assert "<strong>1300</strong>" in post.body_html
    [told] = mail.outbox
    assert told.to == [moderator.email] and "Field report from the border" in told.subject
    mail.outbox.clear()
    mine = author.get(MINE).text
    assert "an editor will read it" in mine and "Waiting for an editor" in mine
    assert reverse("news:edit", args=[post.slug]) in mine

    review_url = reverse("news:review", args=[post.slug])
    assert client_for(carol).get(review_url).status_code == 404
    assert author.get(review_url).status_code == 403
    assert author.post(review_url, {"action": "publish"}).status_code == 403
    editor = client_for(moderator)
    queue = editor.get(QUEUE).text
    assert review_url in queue and "Bob" in queue and "Lantern Outreach" in queue
    page = editor.get(review_url).text
    assert "<strong>1300</strong>" in page and "Thailand and Myanmar" in page

    answer = editor.post(review_url, {"action": "reject", "reason": " "})
    assert "Write the reason" in answer.text
    with django_capture_on_commit_callbacks(execute=True):
        answer = editor.post(
            review_url, {"action": "reject", "reason": "Remove the village's name."}
        )
    assert answer.status_code == 302 and answer["Location"] == QUEUE
    assert "is not published" in editor.get(QUEUE).text
    post.refresh_from_db()
    assert (post.status, post.rejection_reason) == ("rejected", "Remove the village's name.")
    [told] = mail.outbox
    assert told.to == [bob.email] and "Remove the village's name." in told.body
    mail.outbox.clear()
    assert review_url not in editor.get(QUEUE).text

    mine = author.get(MINE).text
    assert "Not published" in mine and "Remove the village&#x27;s name." in mine
    edit_url = reverse("news:edit", args=[post.slug])
    form = author.get(edit_url)
    assert form.context["form"].initial["title"] == "Field report from the border"
    with django_capture_on_commit_callbacks(execute=True):
        answer = author.post(
            edit_url,
            _form(
                kind="field-report",
                title="Field report from the border",
                body="Without the village.",
                source_url="",
                organisation=lantern.pk,
            ),
        )
    assert answer.status_code == 302 and answer["Location"] == MINE
    post.refresh_from_db()
    assert (post.status, post.rejection_reason, post.body) == (
        "submitted",
        "",
        "Without the village.",
    )
    [told] = mail.outbox
    assert told.to == [moderator.email]
    mail.outbox.clear()
    assert review_url in editor.get(QUEUE).text

    with django_capture_on_commit_callbacks(execute=True):
        answer = editor.post(review_url, {"action": "publish"})
    assert answer.status_code == 302 and answer["Location"] == QUEUE
    post.refresh_from_db()
    assert (post.status, post.reviewed_by) == ("published", moderator)
    [told] = mail.outbox
    assert told.to == [bob.email] and "Published" in told.subject
    # once published, its author no longer edits it
    assert author.get(edit_url).status_code == 403


def test_it_publishes_an_editors_post_at_once(moderator, django_capture_on_commit_callbacks):
    client = client_for(moderator)
    assert "published at once" in client.get(SUBMIT).text
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            SUBMIT,
            _form(
                kind="opportunity",
                title="Call for proposals: shelters",
                source_url="https://example.org/ignored",
                opportunity_type="call-for-proposals",
                deadline=deadline,
                how_to_apply="Apply at https://example.org/apply",
            ),
        )
    assert answer.status_code == 302
    assert "It is published" in client.get(MINE).text
    post = Post.objects.get()
    assert (post.status, post.kind, post.opportunity_type, post.deadline.isoformat()) == (
        "published",
        "opportunity",
        "call-for-proposals",
        deadline,
    )
    assert mail.outbox == []


def test_it_keeps_the_queue_and_review_for_editors(alice, bob, dave, staff, submitted):
    review_url = reverse("news:review", args=[submitted.slug])
    for person in (alice, dave):
        assert client_for(person).get(QUEUE).status_code == 403
        # an unpublished post is not even known to them
        assert client_for(person).get(review_url).status_code == 404
        assert client_for(person).post(review_url, {"action": "publish"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert client_for(staff).get(review_url).status_code == 200
    assert client_for(None).get(QUEUE).status_code == 302


def test_it_answers_an_unknown_action_with_bad_request(moderator, submitted):
    answer = client_for(moderator).post(
        reverse("news:review", args=[submitted.slug]), {"action": "delete"}
    )
    assert answer.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_it_lets_an_editor_correct_someone_elses_post(moderator, bob, submitted):
    edit_url = reverse("news:edit", args=[submitted.slug])
    answer = client_for(moderator).post(
        edit_url,
        _form(
            kind="field-report",
            title="Field report from the northern border",
            source_url="",
            organisation=submitted.organisation_id or "",
        ),
    )
    # bob's fixture post has no organisation: an editor cannot invent one for him
    assert "organisation" in _errors(answer)
    submitted.organisation = bob.memberships.get().organisation
    submitted.save()
    answer = client_for(moderator).post(
        edit_url,
        _form(
            kind="field-report",
            title="Field report from the northern border",
            source_url="",
            organisation=submitted.organisation_id,
        ),
    )
    assert answer["Location"] == reverse("news:review", args=[submitted.slug])
    submitted.refresh_from_db()
    assert (submitted.title, submitted.status) == (
        "Field report from the northern border",
        "submitted",
    )
