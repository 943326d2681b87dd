"""Submitting, moderating and what each person sees of a submission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from commons.core.models import AuditEvent
from commons.library import services
from commons.library.models import Resource
from commons.library.queries import resources_for, translation_requests, version_for

pytestmark = pytest.mark.django_db


def test_a_members_submission_waits_and_only_its_people_see_it(pending, bob, alice, carol, dave):
    assert pending.status == Resource.Status.SUBMITTED
    for user, sees in [(bob, True), (alice, True), (carol, False), (dave, False)]:
        assert resources_for(user).filter(pk=pending.pk).exists() is sees, user
    assert not resources_for(AnonymousUser()).filter(pk=pending.pk).exists()


def test_a_moderators_submission_is_published_at_once(moderator):
    work = services.create_work(fields={"type": "guide"}, title="Hotline guide")
    resource = services.submit_resource(
        work=work, fields={"language": "en", "title": "Hotline guide"}, submitter=moderator
    )
    assert resource.status == Resource.Status.APPROVED and resource.approved_at


def test_approving_and_rejecting_tell_the_submitter_and_are_audited(
    pending, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_resource(resource=pending, moderator=moderator, reason="No licence given.")
    assert "No licence given." in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["bob@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_resource(resource=pending, moderator=moderator)
    assert "Published in the library" in mail.outbox[-1].subject
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"library.submitted", "library.rejected", "library.approved"} <= actions
    with pytest.raises(ValueError):
        services.reject_resource(resource=pending, moderator=moderator, reason="  ")


def test_the_version_shown_is_the_readers_language_else_english(toolkit):
    versions = list(toolkit.versions.all())
    assert version_for(versions, "km").language == "km"
    assert version_for(versions, "th").language == "en"
    assert version_for(versions, "en-gb").language == "en"


def test_translation_requests_are_counted_once_a_person(toolkit, bob, carol):
    assert services.request_translation(work=toolkit, language="my", user=bob)
    assert not services.request_translation(work=toolkit, language="my", user=bob)
    services.request_translation(work=toolkit, language="my", user=carol)
    services.request_translation(work=toolkit, language="km", user=carol)  # exists already
    assert translation_requests(toolkit) == [("my", 2)]


def test_a_work_never_takes_a_slug_the_library_uses_for_its_pages():
    work = services.create_work(fields={"type": "guide"}, title="Submit")
    assert work.slug not in services.RESERVED_SLUGS


def test_a_rejected_version_corrected_by_its_submitter_goes_back_for_review(
    pending, bob, moderator, django_capture_on_commit_callbacks
):
    from commons.library.rules import can_edit_resource

    services.reject_resource(resource=pending, moderator=moderator, reason="Add the licence.")
    assert can_edit_resource(bob, pending)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_resource(resource=pending, fields={"title": "Shelter report"}, actor=bob)
    pending.refresh_from_db()
    assert pending.status == Resource.Status.SUBMITTED and pending.rejection_reason == ""
    assert mail.outbox[-1].to == ["mona@example.org"]
    services.approve_resource(resource=pending, moderator=moderator)
    assert not can_edit_resource(bob, pending)


def test_my_submissions_offer_to_correct_a_rejected_one(pending, bob, moderator):
    from django.urls import reverse

    from commons.conftest import client_for

    services.reject_resource(resource=pending, moderator=moderator, reason="Add the licence.")
    page = client_for(bob).get(reverse("library:mine")).text
    assert "Add the licence." in page and "Correct it and send it for review again" in page
    edit = reverse("library:edit", args=[pending.work.slug, "en"])
    assert client_for(bob).get(edit).status_code == 200
