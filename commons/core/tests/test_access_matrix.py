"""Every URL pattern, every persona, the status each should get on GET.

A new URL fails this test until it has a row here: decide who may see it first.
Admin URLs are covered by one rule (Django's admin checks staff status itself) and a
sample of its pages.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commons.accounts.models import ApiToken, Membership
from commons.conftest import client_for
from commons.journeys.models import Batch
from commons.journeys.releases import build_release
from commons.surveys.services import create_survey
from commons.surveys.tests.forms import cso_form

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "moderator", "steward", "staff"]
SIGNED_IN = PERSONAS[1:]


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def signed_in_only(status=200, anonymous=302):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


def signed_out_only(status=200, signed_in=302):
    return {"anonymous": status, **dict.fromkeys(SIGNED_IN, signed_in)}


def only(allowed: set[str], *, denied=403, anonymous=302, status=200):
    return {
        p: status if p in allowed else (anonymous if p == "anonymous" else denied) for p in PERSONAS
    }


MANAGED = {**everyone(404), "alice": 200, "staff": 200, "bob": 403}
DISCUSSION_MEMBERS = only({"alice", "bob", "carol", "moderator", "staff"})

# url name -> (kwargs, expected status per persona)
MATRIX = {
    "home": ({}, everyone(200)),
    "healthz": ({}, everyone(200)),
    # 404 while METRICS_ENABLED is off (the tests' default); commons/operations/tests
    # check the bearer token when it is on.
    "metrics": ({}, everyone(404)),
    "progress": ({"progress_id": "progress"}, {**signed_in_only(404), "dave": 200, "staff": 200}),
    "languages": ({}, everyone(200)),
    # allauth
    "account_login": ({}, signed_out_only()),
    "account_logout": ({}, signed_in_only(200, anonymous=302)),
    "account_inactive": ({}, everyone(200)),
    "account_signup": ({}, signed_out_only()),
    "account_reauthenticate": ({}, signed_in_only()),
    "account_email": ({}, signed_in_only()),
    "account_email_verification_sent": ({}, everyone(200)),
    "account_change_password": ({}, signed_in_only()),
    "account_set_password": ({}, signed_in_only(302)),
    "account_reset_password": ({}, everyone(200)),
    "account_confirm_login_code": ({}, everyone(302)),
    "account_confirm_email": ({"key": "no-such-key"}, everyone(200)),
    "account_reset_password_from_key_done": ({}, everyone(200)),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "bad-key"}, everyone(200)),
    "account_reset_password_done": ({}, everyone(200)),
    "mfa_index": ({}, signed_in_only()),
    "mfa_authenticate": ({}, everyone(302)),
    "mfa_reauthenticate": ({}, {**signed_in_only(302), "steward": 200, "staff": 200}),
    "mfa_activate_totp": ({}, {**signed_in_only(302), "steward": 302, "staff": 302}),
    "mfa_deactivate_totp": ({}, {**signed_in_only(404), "steward": 302, "staff": 302}),
    # nobody here has generated recovery codes yet
    "mfa_view_recovery_codes": ({}, signed_in_only(404)),
    "mfa_generate_recovery_codes": ({}, {**signed_in_only(302), "steward": 302, "staff": 302}),
    "mfa_download_recovery_codes": ({}, signed_in_only(404)),
    "usersessions_list": ({}, signed_in_only()),
    # accounts
    "accounts:dashboard": ({}, signed_in_only()),
    "accounts:profile": ({}, signed_in_only()),
    "accounts:api_tokens": ({}, signed_in_only()),
    "accounts:revoke_api_token": ({"token_id": "token"}, everyone(405)),
    "accounts:switch_language": ({}, everyone(405)),
    "accounts:organisations": ({}, everyone(302)),
    "accounts:organisation_create": ({}, signed_in_only()),
    # lantern is not verified yet: hidden from anonymous visitors
    "accounts:organisation": ({"slug": "lantern"}, {**signed_in_only(), "anonymous": 404}),
    "accounts:organisation_join": ({"slug": "lantern"}, everyone(405)),
    "accounts:organisation_leave": ({"slug": "lantern"}, everyone(405)),
    "accounts:organisation_verify": ({"slug": "lantern"}, everyone(405)),
    "accounts:members": ({"slug": "lantern"}, only({"alice", "staff"})),
    "accounts:member_decide": (
        {"slug": "lantern", "membership_id": "bob_membership"},
        everyone(405),
    ),
    "accounts:member_role": ({"slug": "lantern", "membership_id": "bob_membership"}, everyone(405)),
    "accounts:member_remove": (
        {"slug": "lantern", "membership_id": "bob_membership"},
        everyone(405),
    ),
    "accounts:invitation": ({"token": "not-a-token"}, everyone(404)),
    # directory
    "directory:search": ({}, everyone(200)),
    "directory:numbers": ({}, everyone(200)),
    "directory:export": ({"fmt": "csv"}, everyone(200)),
    "directory:partners": ({}, everyone(200)),
    "directory:people": ({}, signed_in_only()),
    # alice shares her name with members only (see the objects fixture)
    "directory:person": ({"user_id": "alice_id"}, {**signed_in_only(), "anonymous": 404}),
    "directory:edit_person": ({}, signed_in_only()),
    "api-v1:people": ({}, {**everyone(200), "anonymous": 401}),
    "api-v1:person": ({"user_id": "alice_id"}, {**everyone(200), "anonymous": 401}),
    "api-v1:partners": ({}, everyone(200)),
    "directory:edit": ({"slug": "lantern"}, only({"alice", "staff"})),
    "directory:merge": ({"slug": "lantern"}, only({"staff"})),
    # journeys: contributing pages explain to people without a verified organisation what
    # they need; a batch is its organisation's only (lantern is not verified: none here)
    "journeys:map": ({}, everyone(200)),
    "journeys:country": ({"code": "TH"}, everyone(200)),
    # no release is published in this fixture
    "journeys:map_download": ({"fmt": "csv"}, everyone(404)),
    "journeys:releases": ({}, everyone(200)),
    "journeys:steward": ({}, only({"steward", "staff"})),
    "journeys:draft": ({"release_id": "draft"}, only({"steward", "staff"})),
    "journeys:release_download": ({"release_id": 1, "fmt": "csv"}, everyone(404)),
    "journeys:contribute": ({}, signed_in_only()),
    "journeys:record_new": ({}, signed_in_only()),
    # surveys: an unpublished report is for the owner's members and staff only
    "surveys:list": ({}, everyone(200)),
    "surveys:report": (
        {"slug": "survey"},
        {**everyone(404), "alice": 200, "bob": 200, "staff": 200},
    ),
    "surveys:report_download": (
        {"slug": "survey", "fmt": "xlsx"},
        {**everyone(404), "alice": 200, "bob": 200, "staff": 200},
    ),
    # raw responses: never public, even once the report is published
    "surveys:responses_download": (
        {"slug": "survey", "fmt": "csv"},
        {**everyone(404), "alice": 200, "bob": 200, "staff": 200},
    ),
    # a survey's own pages are its owner's admins' (and staff's); its readers get 403,
    # anyone else 404 (its existence is not theirs to know)
    "surveys:new": ({}, only({"alice", "carol", "staff"})),
    "surveys:manage": ({"slug": "survey"}, {**MANAGED, "anonymous": 302}),
    "surveys:import": ({"slug": "survey"}, {**MANAGED, "anonymous": 302}),
    "surveys:preview": ({"slug": "survey"}, {**MANAGED, "anonymous": 302}),
    # a background import's report: only for the person who started the job
    "surveys:import_report": (
        {"slug": "survey", "progress_id": "progress"},
        {**everyone(404), "anonymous": 302, "bob": 403},
    ),
    # an export written in the background: only for the person who asked (dave's job here
    # is not about this survey, which he may not read)
    "surveys:export_file": (
        {"slug": "survey", "progress_id": "progress"},
        {**everyone(404), "anonymous": 302},
    ),
    "surveys:status": ({"slug": "survey"}, everyone(405)),
    "surveys:new_link": ({"slug": "survey"}, everyone(405)),
    # the survey is a draft: nobody answers it yet (test_answer covers an open one)
    "surveys:answer": ({"slug": "survey"}, everyone(404)),
    "surveys:answer_link": ({"slug": "survey", "key": "not-the-key"}, everyone(404)),
    "surveys:thanks": ({"slug": "survey"}, everyone(404)),
    # events (views/calendar.py): public pages; a registration's link is its secret
    "events:calendar": ({}, everyone(200)),
    "events:feed": ({}, everyone(200)),
    "events:feed_region": ({"region": "asia-pacific"}, everyone(200)),
    "events:confirm": ({"token": "no-such-token"}, everyone(404)),
    "events:registration": ({"token": "no-such-token"}, everyone(404)),
    "events:detail": ({"slug": "event"}, everyone(200)),
    "events:event_ics": ({"slug": "event"}, everyone(200)),
    "events:register": ({"slug": "event"}, everyone(200)),
    "events:cancel": ({"slug": "event"}, everyone(405)),
    # feedback opens when the event has started (this one has not)
    "events:feedback": ({"slug": "event"}, everyone(404)),
    # events (views/organise.py): an event's organisers are its organisations' admins
    "events:new": ({}, only({"alice", "carol", "staff"})),
    "events:mine": ({}, signed_in_only()),
    "events:edit": ({"slug": "event"}, only({"alice", "staff"})),
    "events:programme": ({"slug": "event"}, only({"alice", "staff"})),
    "events:status": ({"slug": "event"}, everyone(405)),
    "events:participants": ({"slug": "event"}, only({"alice", "staff"})),
    "events:participants_download": ({"slug": "event", "fmt": "csv"}, only({"alice", "staff"})),
    "events:feedback_results": ({"slug": "event"}, only({"alice", "staff"})),
    # events (views/outcomes.py): outcomes and commitments are public follow-up
    "events:outcomes": ({"slug": "event"}, everyone(200)),
    "events:outcomes_edit": ({"slug": "event"}, only({"alice", "staff"})),
    "events:outcomes_import": ({"slug": "event"}, only({"alice", "staff"})),
    "events:outcomes_template": ({"fmt": "csv"}, everyone(200)),
    "events:recommendations": ({}, everyone(200)),
    "events:matrix": ({}, everyone(200)),
    "events:recommendation": ({"pk": "recommendation"}, everyone(200)),
    "events:commit": ({"pk": "recommendation"}, everyone(405)),
    "events:commitment": ({"pk": "commitment"}, everyone(200)),
    "events:theme_new": ({}, everyone(405)),
    # library: published things are public; submitting is for members, review for moderators
    "library:search": ({}, everyone(200)),
    "library:collections": ({}, everyone(200)),
    "library:collection": ({"slug": "collection"}, everyone(200)),
    "library:feed": ({}, everyone(200)),
    "library:feed_language": ({"language": "km"}, everyone(200)),
    "library:feed_topic": ({"topic": "migration"}, everyone(200)),
    "library:submit": ({}, only({"alice", "bob", "carol", "moderator", "staff"})),
    "library:mine": ({}, signed_in_only()),
    "library:moderation": ({}, only({"moderator", "staff"})),
    "library:review": ({"pk": "pending"}, only({"moderator", "staff"})),
    "library:collection_new": ({}, only({"alice", "bob", "carol", "moderator", "staff"})),
    "library:collection_edit": ({"slug": "collection"}, only({"alice", "moderator", "staff"})),
    "library:work": ({"slug": "work"}, everyone(200)),
    "library:request_translation": ({"slug": "work"}, everyone(405)),
    "library:add_version": (
        {"slug": "work"},
        only({"alice", "bob", "carol", "moderator", "staff"}),
    ),
    "library:resource": ({"slug": "work", "language": "en"}, everyone(200)),
    "library:file": ({"slug": "work", "language": "en"}, everyone(200)),
    # this version has no cover image
    "library:cover": ({"slug": "work", "language": "en"}, everyone(404)),
    # a published version is edited by moderators only (its submitter, alice, no longer)
    "library:edit": ({"slug": "work", "language": "en"}, only({"moderator", "staff"})),
    # news: published posts are public; an unpublished one is its author's and editors'
    "news:list": ({}, everyone(200)),
    "news:feed": ({}, everyone(200)),
    "news:feed_kind": ({"kind": "opportunity"}, everyone(200)),
    "news:feed_language": ({"language": "en"}, everyone(200)),
    "news:feed_topic": ({"topic": "migration"}, everyone(200)),
    "news:submit": ({}, only({"alice", "bob", "carol", "moderator", "staff"})),
    "news:mine": ({}, signed_in_only()),
    "news:queue": ({}, only({"moderator", "staff"})),
    "news:post": ({"slug": "post"}, everyone(200)),
    "news:edit": (
        {"slug": "submitted_post"},
        {**signed_in_only(404), "bob": 200, "moderator": 200, "staff": 200},
    ),
    "news:review": (
        {"slug": "submitted_post"},
        {**signed_in_only(404), "bob": 403, "moderator": 200, "staff": 200},
    ),
    # newsletter: public pages opened by a token; a member's preferences page
    "newsletter:subscribe": ({}, everyone(200)),
    "newsletter:preferences": ({}, signed_in_only()),
    "newsletter:confirm": ({"token": "no-such-token"}, everyone(404)),
    "newsletter:manage": ({"token": "no-such-token"}, everyone(404)),
    "newsletter:unsubscribe": ({"token": "no-such-token"}, everyone(404)),
    # discussions: a members-only category and its thread are for members of any
    # organisation and moderators; moderation for moderators and staff
    "discussions:index": ({}, everyone(200)),
    "discussions:search": ({}, everyone(200)),
    "discussions:tag": ({"tag": "recruitment"}, everyone(200)),
    "discussions:category": ({"slug": "members_category"}, DISCUSSION_MEMBERS),
    "discussions:thread": ({"pk": "thread"}, DISCUSSION_MEMBERS),
    "discussions:attachment": ({"pk": "attachment"}, DISCUSSION_MEMBERS),
    "discussions:new_thread": ({"slug": "members_category"}, DISCUSSION_MEMBERS),
    "discussions:reply": ({"pk": "thread"}, DISCUSSION_MEMBERS),
    "discussions:flag": ({"pk": "message"}, DISCUSSION_MEMBERS),
    "discussions:people": ({}, DISCUSSION_MEMBERS),
    "discussions:edit_message": (
        {"pk": "message"},
        {**DISCUSSION_MEMBERS, "bob": 403, "carol": 403},
    ),
    "discussions:watch": ({"pk": "thread"}, everyone(405)),
    "discussions:moderation": ({}, only({"moderator", "staff"})),
    "discussions:moderate_message": ({"pk": "message"}, only({"moderator", "staff"})),
    "discussions:moderate_thread": ({"pk": "thread"}, only({"moderator", "staff"})),
    "discussions:dismiss_flag": ({"pk": "flag"}, everyone(405)),
    "discussions:notifications": ({}, signed_in_only()),
    "discussions:settings": ({}, signed_in_only()),
    "discussions:unsubscribe": ({"token": "no-such-token"}, everyone(404)),
    # newsletter issues: the archive of sent ones is public; the rest is the editors'
    "newsletter:archive": ({}, everyone(200)),
    "newsletter:archived_issue": ({"pk": "sent_issue"}, everyone(200)),
    "newsletter:issues": ({}, only({"moderator", "staff"})),
    "newsletter:issue_new": ({}, only({"moderator", "staff"})),
    "newsletter:issue": ({"pk": "issue"}, only({"moderator", "staff"})),
    "newsletter:issue_preview": ({"pk": "issue"}, only({"moderator", "staff"})),
    "newsletter:issue_progress": ({"pk": "issue"}, only({"moderator", "staff"})),
    "newsletter:entry_new": ({"pk": "issue"}, only({"moderator", "staff"})),
    "newsletter:entry_edit": ({"pk": "issue", "item": "entry"}, only({"moderator", "staff"})),
    "newsletter:issue_propose": ({"pk": "issue"}, everyone(405)),
    "newsletter:issue_test": ({"pk": "issue"}, everyone(405)),
    "newsletter:issue_schedule": ({"pk": "issue"}, everyone(405)),
    "newsletter:issue_unschedule": ({"pk": "issue"}, everyone(405)),
    "newsletter:issue_delete": ({"pk": "issue"}, everyone(405)),
    "newsletter:entry_move": ({"pk": "issue", "item": "entry"}, everyone(405)),
    "newsletter:entry_remove": ({"pk": "issue", "item": "entry"}, everyone(405)),
    "journeys:file_layout": ({}, everyone(200)),
    "journeys:file_template": ({"fmt": "xlsx"}, everyone(200)),
    # a background import's report: only for the person who started the job (not staff)
    "journeys:import_report": ({"progress_id": "progress"}, {**signed_in_only(404), "dave": 200}),
    "journeys:batches": ({}, signed_in_only()),
    "journeys:withdraw": ({"batch_id": "lantern_batch"}, signed_in_only(404)),
    "journeys:batch": ({"batch_id": "lantern_batch"}, signed_in_only(404)),
    "journeys:record_edit": ({"record_id": 1}, signed_in_only(404)),
    "journeys:export_mine": ({"fmt": "csv"}, signed_in_only(404)),
    # API
    "api-v1:openapi-json": ({}, everyone(200)),
    "api-v1:openapi-view": ({}, everyone(200)),
    "api-v1:numbers": ({}, everyone(200)),
    "api-v1:search": ({}, everyone(200)),
    "api-v1:detail": ({"slug": "lantern"}, {**everyone(200), "anonymous": 404}),
    "api-v1:me": ({}, {**everyone(200), "anonymous": 401}),
    # journeys: no release is published in this fixture
    "api-v1:releases": ({}, everyone(200)),
    "api-v1:release_current": ({}, everyone(404)),
    "api-v1:journey_flows": ({}, everyone(404)),
    "api-v1:journey_country": ({"iso2": "TH"}, everyone(404)),
    "api-v1:mine": ({}, {**everyone(200), "anonymous": 401}),
    "api-v1:api-root": ({}, everyone(404)),
    # library API
    "api-v1:posts": ({}, everyone(200)),
    "api-v1:resources": ({}, everyone(200)),
    "api-v1:resource_detail": ({"slug": "work"}, everyone(200)),
    # events API
    "api-v1:events": ({}, everyone(200)),
    "api-v1:event_detail": ({"slug": "event"}, everyone(200)),
    "api-v1:recommendations": ({}, everyone(200)),
    "api-v1:commitments": ({}, everyone(200)),
    # newsletter API: the archive of sent issues
    "api-v1:newsletter_issues": ({}, everyone(200)),
    "api-v1:newsletter_issue": ({"id": "sent_issue"}, everyone(200)),
    # alerts: readers are members of verified organisations (none among these personas:
    # lantern and harbour are not verified), moderators and staff; the list explains to
    # other signed-in people who reads; an alert is 404 to anyone who may not read it
    "alerts:list": ({}, signed_in_only()),
    "alerts:detail": ({"pk": "alert"}, {**signed_in_only(404), "moderator": 200, "staff": 200}),
    "alerts:export": ({}, only({"steward"})),
    "alerts:new": ({}, only(set())),
    "alerts:mine": ({}, signed_in_only()),
    "alerts:edit": (
        {"pk": "submitted_alert"},
        {**signed_in_only(404), "moderator": 403, "staff": 403},
    ),
    "alerts:correct": ({"pk": "alert"}, everyone(405)),
    "alerts:retract": ({"pk": "alert"}, everyone(405)),
    "alerts:renew": ({"pk": "alert"}, everyone(405)),
    "alerts:queue": ({}, only({"moderator", "staff"})),
    "alerts:review": ({"pk": "submitted_alert"}, only({"moderator", "staff"})),
    "alerts:replies": ({}, only({"moderator", "staff"})),
    "alerts:reply": ({"pk": "alert_reply"}, only({"moderator", "staff"})),
    "alerts:reply_form": ({}, everyone(200)),
    "alerts:reply_sent": ({}, everyone(200)),
    "alerts:subscriptions": ({}, signed_in_only()),
    # alerts API: a reader's personal token only (none here: the session does not count)
    "api-v1:alerts": ({}, everyone(401)),
    "api-v1:alert": ({"id": "alert"}, everyone(401)),
    # discussions API: the fixture's thread is in a members-only category
    "api-v1:discussion_threads": ({}, everyone(200)),
    "api-v1:discussion_thread": (
        {"id": "thread"},
        {**everyone(404), **dict.fromkeys(["alice", "bob", "carol", "moderator", "staff"], 200)},
    ),
}

ADMIN_SAMPLES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_organisation_changelist",
]
ADMIN_EXPECTED = {**only({"staff"}, denied=302), "anonymous": 302}
DEBUG_ONLY = {""}  # the media-file route only exists with DEBUG on


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")


def test_every_url_pattern_has_an_entry_for_every_persona():
    names = set(_patterns(get_resolver().url_patterns))
    missing = sorted(n for n in names - set(MATRIX) - DEBUG_ONLY if not n.startswith("admin:"))
    assert missing == [], f"add these URLs to the access matrix: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert stale == [], f"these URLs no longer exist: {stale}"
    for name, (_kwargs, expected) in MATRIX.items():
        assert set(expected) == set(PERSONAS), f"{name} lacks an expected status for some persona"


def _event_objects(lantern, alice) -> dict:
    from commons.events.outcomes import add_recommendations, commit_to
    from commons.events.tests.conftest import make_event

    event = make_event(organisers=[lantern], slug="matrix-event")
    [recommendation] = add_recommendations(
        event=event, region="asia-pacific", audience="legal-field", texts=["Train judges."]
    )
    commitment = commit_to(recommendation=recommendation, organisation=lantern, action="Do it")
    return {"event": event.slug, "recommendation": recommendation.pk, "commitment": commitment.pk}


def _library_objects(lantern, personas) -> dict:
    from commons.library.files import CheckedFile
    from commons.library.services import (
        approve_resource,
        create_work,
        save_collection,
        submit_resource,
    )

    work = create_work(fields={"slug": "matrix-work", "type": "toolkit"})
    pdf = CheckedFile(name="toolkit.pdf", kind="pdf", content=b"%PDF-1.4\n%%EOF\n")
    published = submit_resource(
        work=work,
        fields={"language": "en", "title": "A toolkit"},
        submitter=personas["alice"],
        organisation=lantern,
        file=pdf,
    )
    approve_resource(resource=published, moderator=personas["moderator"])
    pending = submit_resource(
        work=work,
        fields={"language": "km", "title": "A toolkit in Khmer"},
        submitter=personas["bob"],
        organisation=lantern,
    )
    collection = save_collection(
        fields={"slug": "matrix-collection", "title": "Crisis kit", "is_published": True},
        works=[work],
        curator=personas["alice"],
    )
    return {"work": work.slug, "pending": pending.pk, "collection": collection.slug}


def _news_objects(personas) -> dict:
    from commons.news.tests.conftest import post

    published = post(personas["alice"], personas["moderator"], title="Matrix news")
    submitted = post(personas["bob"], title="Matrix report", kind="field-report")
    return {"post": published.slug, "submitted_post": submitted.slug}


def _discussion_objects(personas) -> dict:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from commons.discussions.models import Attachment, Category, Flag, Message, Thread

    members = Category.objects.create(slug="matrix-help", name="Help", audience="members")
    thread = Thread.objects.create(
        category=members,
        title="Matrix thread",
        author=personas["alice"],
        tags=["recruitment"],
        is_visible=True,
        last_activity_at=timezone.now(),
    )
    message = Message.objects.create(
        thread=thread, author=personas["alice"], body="Hello", published_at=timezone.now()
    )
    attachment = Attachment(message=message, name="note.pdf", kind="pdf", size=10)
    attachment.file.save("note.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    flag = Flag.objects.create(message=message, reporter=personas["bob"], reason="spam")
    return {
        "members_category": members.slug,
        "thread": thread.pk,
        "message": message.pk,
        "attachment": attachment.pk,
        "flag": flag.pk,
    }


def _newsletter_objects(personas) -> dict:
    import datetime

    from django.utils import timezone

    from commons.newsletter import issues
    from commons.newsletter.models import Issue, IssueItem

    today = timezone.localdate()
    week = {"period_start": today - datetime.timedelta(days=7), "period_end": today}
    draft = issues.create_issue(subject="Matrix draft", **week)
    entry = issues.add_item(draft, section=IssueItem.Section.NEWS, title="Matrix entry")
    sent = issues.create_issue(subject="Matrix sent", **week)
    Issue.objects.filter(pk=sent.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    return {"issue": draft.pk, "entry": entry.pk, "sent_issue": sent.pk}


def _alert_objects(personas) -> dict:
    from commons.alerts.models import RightOfReply
    from commons.alerts.tests.conftest import make_alert, verified_member

    vera = verified_member("vera@example.org", "matrix-verified")
    published = make_alert(vera, personas["moderator"], actor_name="Matrix Agency")
    submitted = make_alert(vera, actor_name="Matrix Broker")
    reply = RightOfReply.objects.create(
        name="N",
        represents="Matrix Agency",
        email="n@example.org",
        actor_name="Matrix",
        statement="S",
    )
    return {"alert": published.pk, "submitted_alert": submitted.pk, "alert_reply": reply.pk}


@pytest.fixture
def objects(personas, lantern):
    from commons.core.services import start_progress
    from commons.directory.services import save_person_profile

    return {
        "progress": start_progress(label="Import", owner=personas["dave"]).pk,
        "token": ApiToken.objects.create(
            user=personas["bob"], name="t", key_prefix="fc_x", key_hash="x" * 64
        ).pk,
        "bob_membership": Membership.objects.get(user=personas["bob"], organisation=lantern).pk,
        "draft": build_release().pk,
        "lantern_batch": Batch.objects.create(
            organisation=lantern, created_by=personas["alice"], source="form", attestation="x"
        ).pk,
        "survey": create_survey(workbook=cso_form(), owner=lantern, slug="matrix").slug,
        **_event_objects(lantern, personas["alice"]),
        **_library_objects(lantern, personas),
        **_news_objects(personas),
        **_newsletter_objects(personas),
        **_discussion_objects(personas),
        **_alert_objects(personas),
        "alice_id": save_person_profile(
            user=personas["alice"], fields={"title": "Director"}, visibility={"name": "members"}
        ).pk,
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_status(name, personas, objects):
    kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    actual = {persona: client_for(personas[persona]).get(url).status_code for persona in PERSONAS}
    assert actual == expected


@pytest.mark.parametrize("name", ADMIN_SAMPLES)
def test_the_admin_is_for_staff_only(name, personas):
    url = reverse(name)
    actual = {persona: client_for(personas[persona]).get(url).status_code for persona in PERSONAS}
    assert actual == ADMIN_EXPECTED
