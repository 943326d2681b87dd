"""Another organisation's object is 404 everywhere (DESIGN.md §3).

Every page, htmx fragment, download, feed and API endpoint whose address names an owned
object answers a stranger — with every method, with a session or a personal API token —
with 404, exactly as it answers for an object that does not exist: nothing tells the
stranger that the object is there. Lists, searches, exports, feeds and API lists never
show it either.

The tables fail when the code grows past them:
- ``OWNER_MODELS``: every model with an owner (a person or an organisation) names the case
  (``CASES``) that exercises it, or says why no address reaches it;
- ``ROWS``: every URL pattern whose address names an object (a pk, slug, id…) has a row,
  or is in ``NOT_OWNED`` (with the reason) or ``SECRET_LINKS`` (a token in the address:
  tested apart, with the stored hash, the salt and a near miss);
- the sweep requests every other URL pattern (lists, searches, exports, feeds, API lists,
  a search for the objects' word) as each persona and looks for the objects' names.

Each row also has a control: the object's owner does get the address (so that a wrong
address cannot pass as a refusal). A few answers other than 404 are deliberate, in a
row's ``deliberate`` with the reason: a role or a tier checked before the object is
looked up. The test requires them to be the same for an object that does not exist,
except for the members-only gate of discussions (``MEMBERS_ONLY``).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from commons.accounts.models import Membership, Organisation, User
from commons.conftest import make_user

pytestmark = pytest.mark.django_db

# The personas (commons/conftest.py): alice admin and bob member of Lantern (verified by
# the cases that need it), carol admin of Harbour, vera admin and victor member of the
# verified Beacon, dave without an organisation.
STRANGERS = ("anonymous", "carol", "dave", "vera", "victor")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# URL keyword arguments that are not objects: formats, codes and vocabularies.
NOT_OBJECT_KWARGS = {"fmt", "code", "iso2", "region", "topic", "kind", "language", "tag"}
WORD = "quillfeather"  # in every owned object's distinctive name, and in every search
GHOST_INT = 987_654
GHOST_STR = "no-such-quillfeather"
SIGN_IN = resolve_url(settings.LOGIN_URL)


# --- The owned objects ------------------------------------------------------------------


def _verify(organisation: Organisation, staff: User) -> Organisation:
    organisation.verified_at = timezone.now()
    organisation.verified_by = staff
    organisation.save()
    return organisation


def _lantern() -> Organisation:
    return Organisation.objects.get(slug="lantern")


def build_progress(p) -> dict:
    from commons.core.services import start_progress

    return {"progress": start_progress(label="Quillfeather import", owner=p["alice"]).pk}


def build_api_token(p) -> dict:
    from commons.accounts.services import create_api_token

    token, _raw = create_api_token(user=p["alice"], name="Quillfeather token")
    return {"token": token.pk}


def build_membership(p) -> dict:
    from commons.accounts.models import Invitation

    lantern = _lantern()
    pat = make_user("pat@example.org", name="Pat")
    pending = Membership.objects.create(
        user=pat, organisation=lantern, message="Quillfeather join request", status="pending"
    )
    Invitation.objects.create(
        organisation=lantern,
        email="quillfeather-invitee@example.org",
        token_hash="0" * 64,
        invited_by=p["alice"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {
        "pending_membership": pending.pk,
        "bob_membership": Membership.objects.get(user=p["bob"], organisation=lantern).pk,
    }


def build_person(p) -> dict:
    from commons.directory.services import save_person_profile

    private = dict.fromkeys(("name", "title", "organisations", "bio"), "private")
    profile = save_person_profile(
        user=p["alice"], fields={"title": "Quillfeather Director"}, visibility=private
    )
    return {"alice_id": profile.pk}


def build_journeys(p) -> dict:
    from commons.core.services import start_progress
    from commons.journeys.models import Batch, Record

    lantern = _verify(_lantern(), p["staff"])
    batch = Batch.objects.create(
        organisation=lantern,
        created_by=p["alice"],
        source="form",
        attestation="Quillfeather attestation",
    )
    record = Record.objects.create(
        batch=batch,
        organisation=lantern,
        year=2023,
        recruitment_country="KH",
        exploitation_country="TH",
        count=3,
        case_hash="q" * 64,
    )
    progress = start_progress(label="Quillfeather journeys import", owner=p["alice"])
    return {"batch": batch.pk, "record": record.pk, "journeys_progress": progress.pk}


def build_release(p) -> dict:
    from commons.journeys.releases import build_release as build
    from commons.journeys.releases import publish_release

    published = publish_release(release=build(), by=p["steward"])
    return {"draft_release": build().pk, "published_release": published.pk}


def build_survey(p) -> dict:
    from commons.core.services import finish_progress, start_progress
    from commons.surveys.models import Response, Survey
    from commons.surveys.services import create_survey, write_responses_export
    from commons.surveys.tests.forms import cso_form

    lantern = _lantern()
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="quillfeather-survey")
    Survey.objects.filter(pk=survey.pk).update(
        title="Quillfeather Shelter Survey",
        status=Survey.Status.OPEN,
        audience=Survey.Audience.ORGANISATIONS,
    )
    survey.refresh_from_db()
    survey.organisations.set([lantern])
    Response.objects.create(
        survey=survey,
        respondent=p["bob"],
        answers={"trained": "yes"},
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    imported = start_progress(label="Quillfeather responses import", owner=p["alice"])
    exported = start_progress(label="Quillfeather responses export", owner=p["alice"])
    result = write_responses_export(survey=survey, by=p["alice"], format="csv", filters={})
    finish_progress(progress_id=exported.pk, result=result)
    return {
        "survey": survey.slug,
        "survey_key": survey.link_key,
        "survey_import": imported.pk,
        "survey_export": exported.pk,
    }


def build_draft_event(p) -> dict:
    from commons.events import outcomes, services
    from commons.events.models import Event
    from commons.events.tests.conftest import make_event

    lantern = _lantern()
    draft = make_event(
        organisers=[lantern],
        slug="quillfeather-forum",
        title="Quillfeather Draft Forum",
        status=Event.Status.DRAFT,
    )
    [recommendation] = outcomes.add_recommendations(
        event=draft,
        region="asia-pacific",
        audience="legal-field",
        texts=["Quillfeather recommendation to ban fees"],
    )
    commitment = outcomes.commit_to(
        recommendation=recommendation, organisation=lantern, action="Quillfeather commitment"
    )
    # A published event of Lantern's with a guest's registration: the guest's name is the
    # organisers' (participants pages) and the guest's own (the link's secret) only.
    webinar = make_event(organisers=[lantern], slug="quillfeather-webinar", title="Webinar")
    services.register(event=webinar, name="Quillfeather Participant", email="guest@example.org")
    return {
        "event": draft.slug,
        "recommendation": recommendation.pk,
        "commitment": commitment.pk,
    }


PDF = b"%PDF-1.4\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def build_pending_resource(p) -> dict:
    from commons.library.files import CheckedFile
    from commons.library.services import create_work, submit_resource

    work = create_work(fields={"slug": "quillfeather-toolkit", "type": "toolkit"})
    resource = submit_resource(
        work=work,
        fields={"language": "en", "title": "Quillfeather Pending Toolkit"},
        submitter=p["alice"],
        organisation=_lantern(),
        file=CheckedFile(name="toolkit.pdf", kind="pdf", content=PDF),
        cover=CheckedFile(name="cover.png", kind="png", content=PNG),
    )
    return {"work": work.slug, "resource": resource.pk}


def build_collection(p) -> dict:
    from commons.library.services import save_collection

    collection = save_collection(
        fields={
            "slug": "quillfeather-collection",
            "title": "Quillfeather Hidden Collection",
            "is_published": False,
            "organisation": _lantern(),
        },
        works=[],
        curator=p["alice"],
    )
    return {"collection": collection.slug}


def build_submitted_post(p) -> dict:
    from commons.news.tests.conftest import post

    submitted = post(p["alice"], title="Quillfeather Submitted Report", kind="field-report")
    return {"post": submitted.slug}


def build_draft_issue(p) -> dict:
    from commons.newsletter import issues
    from commons.newsletter.models import Issue, IssueItem

    today = timezone.localdate()
    draft = issues.create_issue(
        subject="Quillfeather Draft Issue",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
    )
    entry = issues.add_item(draft, section=IssueItem.Section.NEWS, title="Quillfeather entry")
    sent = issues.create_issue(subject="Sent", period_start=today, period_end=today)
    Issue.objects.filter(pk=sent.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    return {"issue": draft.pk, "entry": entry.pk, "sent_issue": sent.pk}


def build_held_thread(p) -> dict:
    from django.core.files.base import ContentFile

    from commons.discussions.models import Attachment, Category, Flag, Message, Thread

    members = Category.objects.create(slug="quillfeather-help", name="Help", audience="members")
    # alice's account is new: her first thread waits for a moderator, seen by her only
    thread = Thread.objects.create(
        category=members,
        title="Quillfeather Held Thread",
        author=p["alice"],
        tags=["quillfeather"],
        is_visible=False,
        last_activity_at=timezone.now(),
    )
    message = Message.objects.create(
        thread=thread,
        author=p["alice"],
        body="Quillfeather held message",
        status=Message.Status.HELD,
    )
    attachment = Attachment(message=message, name="note.pdf", kind="pdf", size=len(PDF))
    attachment.file.save("note.pdf", ContentFile(PDF), save=True)
    flag = Flag.objects.create(message=message, reporter=p["alice"], reason="spam")
    return {
        "thread": thread.pk,
        "message": message.pk,
        "attachment": attachment.pk,
        "flag": flag.pk,
    }


def build_submitted_alert(p) -> dict:
    from commons.alerts.models import RightOfReply
    from commons.alerts.tests.conftest import make_alert

    _verify(_lantern(), p["staff"])
    submitted = make_alert(p["alice"], actor_name="Quillfeather Recruitment Agency")
    reply = RightOfReply.objects.create(
        name="N",
        represents="Quillfeather Agency",
        email="n@example.org",
        actor_name="Quillfeather",
        statement="Quillfeather statement",
    )
    return {"alert": submitted.pk, "alert_reply": reply.pk}


@dataclass(frozen=True)
class Case:
    build: object
    # who must not learn of the objects, beyond STRANGERS (a person's own things: bob)
    also: tuple[str, ...] = ()
    # distinctive names: who may see each, and (persona, list) where one of them does
    markers: dict[str, tuple[set[str], tuple[str, str] | None]] = field(default_factory=dict)

    @property
    def strangers(self) -> tuple[str, ...]:
        return STRANGERS + self.also


ORG = {"alice", "bob"}
CASES = {
    "progress": Case(build_progress, ("bob",), {"Quillfeather import": ({"alice"}, None)}),
    "api_token": Case(
        build_api_token,
        ("bob",),
        {"Quillfeather token": ({"alice"}, ("alice", "accounts:api_tokens"))},
    ),
    "membership": Case(
        build_membership,
        (),
        {
            "Quillfeather join request": ({"alice"}, None),
            "quillfeather-invitee@example.org": ({"alice"}, None),
        },
    ),
    "person": Case(build_person, ("bob",), {"Quillfeather Director": ({"alice"}, None)}),
    "journeys": Case(
        build_journeys,
        (),
        {
            "Quillfeather attestation": (ORG, None),
            "Quillfeather journeys import": ({"alice"}, None),
        },
    ),
    "release": Case(build_release),
    "survey": Case(
        build_survey,
        (),
        {
            "Quillfeather Shelter Survey": (ORG, ("alice", "surveys:list")),
            "Quillfeather responses export": ({"alice"}, None),
        },
    ),
    "draft_event": Case(
        build_draft_event,
        (),
        {
            "Quillfeather Draft Forum": ({"alice"}, ("alice", "events:mine")),
            "Quillfeather recommendation to ban fees": ({"alice"}, None),
            "Quillfeather commitment": ({"alice"}, None),
            "Quillfeather Participant": ({"alice"}, None),
        },
    ),
    "pending_resource": Case(
        build_pending_resource,
        (),
        {"Quillfeather Pending Toolkit": (ORG, ("alice", "library:mine"))},
    ),
    "collection": Case(
        build_collection,
        ("bob",),
        {"Quillfeather Hidden Collection": ({"alice"}, ("alice", "library:collections"))},
    ),
    "submitted_post": Case(
        build_submitted_post,
        ("bob",),
        {"Quillfeather Submitted Report": ({"alice"}, ("alice", "news:mine"))},
    ),
    # the editors' (moderators and staff): alice and bob are strangers like carol
    "draft_issue": Case(
        build_draft_issue,
        (),
        {"Quillfeather Draft Issue": (set(), None), "Quillfeather entry": (set(), None)},
    ),
    "held_thread": Case(
        build_held_thread,
        ("bob",),
        {
            "Quillfeather Held Thread": ({"alice"}, None),
            "Quillfeather held message": ({"alice"}, None),
        },
    ),
    "submitted_alert": Case(
        build_submitted_alert,
        ("bob",),
        {
            "Quillfeather Recruitment Agency": ({"alice"}, ("alice", "alerts:mine")),
            "Quillfeather statement": (set(), None),
        },
    ),
}


# --- Every model with an owner ------------------------------------------------------------

# model -> the case that exercises it, or why no address shows it to anyone but its owner
OWNER_MODELS = {
    "core.AuditEvent": "no page or endpoint shows audit lines (the admin only, to staff)",
    "core.Progress": "progress",
    "accounts.Organisation": (
        "public: verified organisations to everyone, unverified ones to signed-in people so "
        "that they can be found and joined (accounts.queries.visible_organisations)"
    ),
    "accounts.Membership": "membership",
    "accounts.Invitation": "membership",
    "accounts.ApiToken": "api_token",
    "directory.Profile": "public: an organisation's directory profile",
    "directory.Term": "public: an organisation's directory profile",
    "directory.Presence": "public: an organisation's directory profile",
    "directory.NetworkLink": "public: an organisation's directory profile",
    "directory.Hotline": "public: an organisation's directory profile",
    "directory.PersonProfile": "person",
    "journeys.Batch": "journeys",
    "journeys.Record": "journeys",
    "journeys.Release": "release",
    "surveys.Survey": "survey",
    "surveys.Response": "survey",
    "events.Theme": "public: the curated vocabulary of themes",
    "events.Event": "draft_event",
    "events.Speaker": "draft_event",
    "events.Registration": "draft_event",
    "events.Recommendation": "draft_event",
    "events.Commitment": "draft_event",
    "events.CommitmentUpdate": "draft_event",
    "library.Work": "pending_resource",
    "library.Author": "pending_resource",
    "library.Resource": "pending_resource",
    "library.TranslationRequest": (
        "counted by language on the work's page; who asked is shown to nobody"
    ),
    "library.Collection": "collection",
    "news.Post": "submitted_post",
    "newsletter.Subscriber": "the subscriber's secret link, or the member's own page (no id)",
    "newsletter.Issue": "draft_issue",
    "discussions.Thread": "held_thread",
    "discussions.Message": "held_thread",
    "discussions.Flag": "held_thread",
    "discussions.Watch": "a person's own, never addressed by id (the sweep checks lists)",
    "discussions.ReadMark": "a person's own, never addressed by id",
    "discussions.Participant": "a person's own, never addressed by id (secret link)",
    "discussions.Notification": "a person's own, listed on their notifications page only",
    "alerts.Alert": "submitted_alert",
    "alerts.AlertEvent": "submitted_alert",
    "alerts.RightOfReply": "submitted_alert",
    "alerts.AlertSubscription": "an organisation admin's own page, never addressed by id",
}


def _owner_models() -> set[str]:
    owners = {apps.get_model("accounts.User"), apps.get_model("accounts.Organisation")}
    return {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("commons.")
        and any(
            f.is_relation and not f.auto_created and f.related_model in owners
            for f in model._meta.get_fields()
        )
    }


def test_every_model_with_an_owner_has_a_case():
    found = _owner_models()
    missing = sorted(found - set(OWNER_MODELS))
    assert missing == [], f"add these models with an owner to OWNER_MODELS: {missing}"
    stale = sorted(set(OWNER_MODELS) - found)
    assert stale == [], f"these models no longer have an owner: {stale}"
    for label, case in OWNER_MODELS.items():
        assert case in CASES or " " in case, f"{label}: no case named {case!r}"


# --- Every address that names an object -----------------------------------------------------

REFUSED_BY_ROLE = (
    "a role gate (moderators, editors, data stewards) refuses before the object is looked "
    "up: the same 403 for every address"
)
NOT_ADMIN = (
    "the organisation in the address is public; its admin pages refuse a non-admin before "
    "the membership is looked up (test_access_matrix: accounts:members)"
)
NOT_READER = (
    "alerts are for members of verified organisations: the API refuses anyone else before "
    "looking at the id (alerts.api._refusal)"
)
NOT_A_MEMBER = (
    "only members of an organisation submit to the library: refused before the work is "
    "looked up (library.views.contribute._may_submit)"
)
PUBLISHED = {"draft_release": "published_release"}
SENT = {"issue": "sent_issue"}
SIGNED_IN_STRANGERS = ("carol", "dave", "vera", "victor", "bob")


def _refused(reason: str, *personas: str, status: int = 403, same_as_missing=True) -> dict:
    return dict.fromkeys(personas or SIGNED_IN_STRANGERS, (status, reason, same_as_missing))


# The one deliberate answer that differs from a missing object's: a thread of a
# members-only category sends the signed-out to sign in and refuses people without an
# organisation (discussions.queries.get_thread_for_user; test_access_matrix, and
# discussions/tests/test_writing.py for a held thread), before asking whether they may
# see this thread: they learn that a members-only thread has this number, never more
# (held and visible ones answer alike).
MEMBERS_ONLY = (
    "a members-only thread: sign in, or join an organisation (a tier gate, not an owner's)"
)
MEMBERS_ONLY_GATE = {
    **_refused(MEMBERS_ONLY, "dave", same_as_missing=False),
    **_refused(MEMBERS_ONLY, "anonymous", status=302, same_as_missing=False),
}


@dataclass(frozen=True)
class Row:
    case: str
    kwargs: dict  # "@name" is the case's object; "@own" the persona's organisation
    use: str = "GET"  # the owner's method (the control: not 404 for them)
    owner: str | None = "alice"
    query: str = ""
    deliberate: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what the owner's control sends
    # the control asks for another object where nobody gets this one (a published
    # release, a sent issue): the address does take an object
    swap: dict = field(default_factory=dict)


def _row(
    case, use="GET", owner="alice", query="", deliberate=None, data=None, swap=None, **kwargs
) -> Row:
    return Row(case, kwargs, use, owner, query, deliberate or {}, data or {}, swap or {})


ROWS: dict[str, Row] = {
    "progress": _row("progress", progress_id="@progress"),
    "accounts:revoke_api_token": _row("api_token", "POST", token_id="@token"),
    # a membership of Lantern through the stranger's own organisation's admin pages
    "accounts:member_decide": _row(
        "membership",
        "POST",
        slug="@own",
        membership_id="@pending_membership",
        deliberate=_refused(NOT_ADMIN, "dave", "victor"),
    ),
    "accounts:member_role": _row(
        "membership",
        "POST",
        slug="@own",
        membership_id="@bob_membership",
        deliberate=_refused(NOT_ADMIN, "dave", "victor"),
    ),
    "accounts:member_remove": _row(
        "membership",
        "POST",
        slug="@own",
        membership_id="@bob_membership",
        deliberate=_refused(NOT_ADMIN, "dave", "victor"),
    ),
    "directory:person": _row("person", user_id="@alice_id"),
    "api-v1:person": _row("person", user_id="@alice_id"),
    # journeys
    "journeys:batch": _row("journeys", batch_id="@batch"),
    "journeys:withdraw": _row("journeys", batch_id="@batch"),
    "journeys:record_edit": _row("journeys", record_id="@record"),
    "journeys:import_report": _row("journeys", progress_id="@journeys_progress"),
    "journeys:draft": _row(
        "release",
        owner="steward",
        release_id="@draft_release",
        deliberate=_refused(REFUSED_BY_ROLE),
    ),
    # only published releases are downloaded, shown and served; a draft is the stewards'
    "journeys:release_download": _row(
        "release", owner="anonymous", swap=PUBLISHED, release_id="@draft_release", fmt="csv"
    ),
    "journeys:map?release": _row(
        "release", owner="anonymous", swap=PUBLISHED, query="release=@draft_release"
    ),
    "journeys:map_download?release": _row(
        "release", owner="anonymous", swap=PUBLISHED, query="release=@draft_release", fmt="csv"
    ),
    "journeys:country?release": _row(
        "release", owner="anonymous", swap=PUBLISHED, query="release=@draft_release", code="TH"
    ),
    "api-v1:journey_flows?release": _row(
        "release", owner="anonymous", swap=PUBLISHED, query="release=@draft_release"
    ),
    "api-v1:journey_country?release": _row(
        "release", owner="anonymous", swap=PUBLISHED, query="release=@draft_release", iso2="TH"
    ),
    # surveys: a survey of Lantern's, answered by Lantern only, its report not published
    "surveys:manage": _row("survey", slug="@survey"),
    "surveys:status": _row("survey", "POST", slug="@survey", data={"status": "closed"}),
    "surveys:new_link": _row("survey", "POST", slug="@survey"),
    "surveys:import": _row("survey", slug="@survey"),
    "surveys:import_report": _row("survey", slug="@survey", progress_id="@survey_import"),
    "surveys:preview": _row("survey", slug="@survey"),
    "surveys:answer": _row("survey", owner="bob", slug="@survey"),
    # the link's key opens a survey answered by anyone with the link only
    "surveys:answer_link": _row("survey", owner="bob", slug="@survey", key="@survey_key"),
    "surveys:thanks": _row("survey", owner=None, slug="@survey"),
    "surveys:report": _row("survey", slug="@survey"),
    "surveys:report_download": _row("survey", slug="@survey", fmt="csv"),
    "surveys:responses_download": _row("survey", slug="@survey", fmt="csv"),
    "surveys:export_file": _row("survey", slug="@survey", progress_id="@survey_export"),
    # events: a draft of Lantern's, with outcomes
    "events:detail": _row("draft_event", slug="@event"),
    "events:event_ics": _row("draft_event", slug="@event"),
    "events:register": _row("draft_event", slug="@event"),
    "events:cancel": _row("draft_event", "POST", slug="@event"),
    "events:feedback": _row("draft_event", owner=None, slug="@event"),
    "events:edit": _row("draft_event", slug="@event"),
    "events:programme": _row("draft_event", slug="@event"),
    "events:status": _row("draft_event", "POST", slug="@event", data={"status": "published"}),
    "events:participants": _row("draft_event", slug="@event"),
    "events:participants_download": _row("draft_event", slug="@event", fmt="csv"),
    "events:feedback_results": _row("draft_event", slug="@event"),
    "events:outcomes": _row("draft_event", slug="@event"),
    "events:outcomes_edit": _row("draft_event", slug="@event"),
    "events:outcomes_import": _row("draft_event", slug="@event"),
    "events:recommendation": _row("draft_event", pk="@recommendation"),
    "events:commit": _row("draft_event", "POST", pk="@recommendation"),
    "events:commitment": _row("draft_event", pk="@commitment"),
    "api-v1:event_detail": _row("draft_event", slug="@event"),
    # library: a work whose only version waits for review; an unpublished collection
    "library:work": _row("pending_resource", slug="@work"),
    "library:request_translation": _row("pending_resource", "POST", slug="@work"),
    "library:add_version": _row(
        "pending_resource", slug="@work", deliberate=_refused(NOT_A_MEMBER, "dave")
    ),
    "library:resource": _row("pending_resource", slug="@work", language="en"),
    "library:file": _row("pending_resource", slug="@work", language="en"),
    "library:cover": _row("pending_resource", slug="@work", language="en"),
    "library:edit": _row("pending_resource", slug="@work", language="en"),
    "library:review": _row(
        "pending_resource",
        owner="moderator",
        pk="@resource",
        deliberate=_refused(REFUSED_BY_ROLE, "carol", "dave", "vera", "victor"),
    ),
    "api-v1:resource_detail": _row("pending_resource", slug="@work"),
    "library:collection": _row("collection", slug="@collection"),
    "library:collection_edit": _row("collection", slug="@collection"),
    # news: a post waiting for the editors
    "news:post": _row("submitted_post", slug="@post"),
    "news:edit": _row("submitted_post", slug="@post"),
    "news:review": _row("submitted_post", owner="moderator", slug="@post"),
    # newsletter: a draft issue is the editors'; the archive and its API sent issues only
    "newsletter:archived_issue": _row("draft_issue", owner="anonymous", swap=SENT, pk="@issue"),
    "api-v1:newsletter_issue": _row("draft_issue", owner="anonymous", swap=SENT, id="@issue"),
    **{
        name: _row(
            "draft_issue",
            "POST" if verb else "GET",
            owner="moderator",
            deliberate=_refused(REFUSED_BY_ROLE),
            pk="@issue",
            **({"item": "@entry"} if "entry_" in name and name != "newsletter:entry_new" else {}),
        )
        for name, verb in {
            "newsletter:issue": False,
            "newsletter:issue_preview": False,
            "newsletter:issue_progress": False,
            "newsletter:entry_new": False,
            "newsletter:entry_edit": False,
            # in this order: the owner's controls change the draft
            "newsletter:entry_move": True,
            "newsletter:entry_remove": True,
            "newsletter:issue_test": True,
            "newsletter:issue_propose": True,
            "newsletter:issue_schedule": True,
            "newsletter:issue_unschedule": True,
            "newsletter:issue_delete": True,
        }.items()
    },
    # discussions: alice's first thread, held for a moderator, in a members-only category
    **{
        name: _row("held_thread", use, deliberate=MEMBERS_ONLY_GATE, pk=pk)
        for name, use, pk in [
            ("discussions:thread", "GET", "@thread"),
            ("discussions:reply", "GET", "@thread"),
            ("discussions:watch", "POST", "@thread"),
            ("discussions:attachment", "GET", "@attachment"),
            ("discussions:edit_message", "GET", "@message"),
            ("discussions:flag", "GET", "@message"),
        ]
    },
    "discussions:moderate_message": _row(
        "held_thread", owner="moderator", pk="@message", deliberate=_refused(REFUSED_BY_ROLE)
    ),
    "discussions:moderate_thread": _row(
        "held_thread", owner="moderator", pk="@thread", deliberate=_refused(REFUSED_BY_ROLE)
    ),
    "discussions:dismiss_flag": _row(
        "held_thread",
        "POST",
        owner="moderator",
        pk="@flag",
        deliberate=_refused(REFUSED_BY_ROLE),
    ),
    # the API shows visible threads only, even to a held thread's author
    "api-v1:discussion_thread": _row("held_thread", owner=None, id="@thread"),
    # alerts: alice's alert waiting for review (Lantern verified)
    "alerts:detail": _row("submitted_alert", pk="@alert"),
    "alerts:edit": _row("submitted_alert", pk="@alert"),
    "alerts:correct": _row("submitted_alert", "POST", owner=None, pk="@alert"),
    "alerts:retract": _row("submitted_alert", "POST", owner=None, pk="@alert"),
    "alerts:renew": _row("submitted_alert", "POST", owner=None, pk="@alert"),
    "alerts:review": _row(
        "submitted_alert",
        owner="moderator",
        pk="@alert",
        deliberate=_refused(REFUSED_BY_ROLE, "carol", "dave", "vera", "victor", "bob"),
    ),
    "alerts:reply": _row(
        "submitted_alert",
        owner="moderator",
        pk="@alert_reply",
        deliberate=_refused(REFUSED_BY_ROLE, "carol", "dave", "vera", "victor", "bob"),
    ),
    "api-v1:alert": _row(
        "submitted_alert",
        id="@alert",
        owner=None,
        deliberate=_refused(NOT_READER, "carol", "dave"),
    ),
}

# Addresses that name something that is not an owner's private object, or whose secret
# is in the address itself.
NOT_OWNED = {
    "accounts:organisation": OWNER_MODELS["accounts.Organisation"],
    "accounts:organisation_join": OWNER_MODELS["accounts.Organisation"],
    "accounts:organisation_leave": OWNER_MODELS["accounts.Organisation"],
    "accounts:organisation_verify": OWNER_MODELS["accounts.Organisation"],
    "accounts:members": NOT_ADMIN,
    "directory:edit": NOT_ADMIN,
    "directory:merge": NOT_ADMIN,
    "api-v1:detail": OWNER_MODELS["accounts.Organisation"],
    "discussions:category": "a category is the platform's; members-only ones are a tier gate",
    "discussions:new_thread": "a category is the platform's; members-only ones are a tier gate",
    "events:feed_region": "a region of the public calendar",
    "library:feed_language": "a language of the public library",
    "library:feed_topic": "a topic of the public library",
    "news:feed_kind": "a kind of public post",
    "news:feed_language": "a language of public posts",
    "news:feed_topic": "a topic of public posts",
    "discussions:tag": "a tag of readable threads",
    "journeys:country": "a country of the published release",
    "api-v1:journey_country": "a country of the published release",
}
SECRET_LINKS = {
    "accounts:invitation": "an invitation's secret",
    "events:confirm": "a registration's secret",
    "events:registration": "a registration's secret",
    "newsletter:confirm": "a subscriber's secret",
    "newsletter:manage": "a subscriber's secret",
    "newsletter:unsubscribe": "a subscriber's secret",
    "discussions:unsubscribe": "a participant's secret",
    # allauth's own: a wrong key gets a page saying the link is not valid (allauth's tests)
    "account_confirm_email": "allauth's e-mailed secret",
    "account_reset_password_from_key": "allauth's e-mailed secret",
}
DEBUG_ONLY = {""}  # the media-file route only exists with DEBUG on


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, set(pattern.pattern.regex.groupindex)


def _url_kwargs() -> dict[str, set[str]]:
    return {
        name: kwargs
        for name, kwargs in _patterns(get_resolver().url_patterns)
        if not name.startswith("admin:") and name not in DEBUG_ONLY
    }


def test_every_address_that_names_an_object_has_a_row():
    named = {name for name, kwargs in _url_kwargs().items() if kwargs - NOT_OBJECT_KWARGS}
    listed = {name.split("?")[0] for name in ROWS} | set(NOT_OWNED) | set(SECRET_LINKS)
    missing = sorted(named - listed)
    assert missing == [], f"add these addresses to ROWS (or NOT_OWNED, with why): {missing}"
    stale = sorted(listed - set(_url_kwargs()))
    assert stale == [], f"these addresses no longer exist: {stale}"
    for name, row in ROWS.items():
        assert row.case in CASES, f"{name}: no case {row.case!r}"


# --- Requests -------------------------------------------------------------------------------


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _fetch(client: Client, method: str, url: str, **extra):
    return getattr(client, method.lower())(url, **extra)


def _own_organisation(persona: str) -> str:
    own = {"alice": "lantern", "bob": "lantern", "carol": "harbour", "vera": "beacon"}
    return {**own, "victor": "beacon"}.get(persona, "harbour")


def _url(name: str, row: Row, refs: dict, persona: str, *, ghost: bool = False) -> str:
    kwargs = {}
    for key, value in row.kwargs.items():
        if value == "@own":
            value = _own_organisation(persona)
        elif isinstance(value, str) and value.startswith("@"):
            value = refs[value[1:]]
            if ghost:
                value = GHOST_INT if isinstance(value, int) else GHOST_STR
        kwargs[key] = value
    url = reverse(name.split("?")[0], kwargs=kwargs)
    if not row.query:
        return url
    key, _equals, value = row.query.partition("=")
    if value.startswith("@"):
        value = GHOST_INT if ghost else refs[value[1:]]
    return f"{url}?{key}={value}"


def _acceptable(persona: str, response, name: str) -> bool:
    """What a stranger may get without learning anything (when a missing object gets the
    same): 404, 405 for a method the address never takes, or, signed out, the sign-in
    page or the API's 401."""
    if response.status_code in (404, 405):
        return True
    if name.startswith("api-v1:"):  # a session where the API takes personal tokens only
        return response.status_code == 401
    return (
        persona == "anonymous"
        and response.status_code == 302
        and response["Location"].startswith(SIGN_IN)
    )


def _check_row(name: str, row: Row, refs: dict, clients: dict, tokens: dict) -> list[str]:
    """Every stranger, every method (and an htmx request, and the API with a personal
    token): 404 or a deliberate refusal, and the same as for an object that is not there."""
    problems = []
    refused_methods = set()
    api = name.startswith("api-v1:")
    for persona in CASES[row.case].strangers:
        url = _url(name, row, refs, persona)
        ghost_url = _url(name, row, refs, persona, ghost=True)
        ways = [(method, clients[persona], {}) for method in METHODS]
        if api and persona in tokens:
            bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens[persona]}"}
            ways += [(f"{m} (token)", clients["anonymous"], bearer) for m in METHODS]
        elif not api:
            ways.append(("GET (htmx)", clients[persona], {"HTTP_HX_REQUEST": "true"}))
        expected = row.deliberate.get(persona)
        answered = False
        for way, client, extra in ways:
            method = way.split()[0]
            response = _fetch(client, method, url, **extra)
            status = response.status_code
            answered = answered or status != 405
            if status == 404:
                continue
            acceptable = _acceptable(persona, response, name) and not (
                "token" in way and status == 401  # the token is good: it must count
            )
            deliberate = expected is not None and status == expected[0]
            if not deliberate and not acceptable:
                problems.append(f"{name} {way} as {persona}: {status}")
            if deliberate and not expected[2]:
                continue
            if status == 405:
                if way in refused_methods:
                    continue  # a method the address refuses: compared once
                refused_methods.add(way)
            ghost = _fetch(client, method, ghost_url, **extra)
            if ghost.status_code != status:
                problems.append(
                    f"{name} {way} as {persona}: {status}, but {ghost.status_code} for a "
                    "missing object"
                )
        if not answered:
            problems.append(f"{name} as {persona}: no method is answered (all 405)")
    return problems


def _control(name: str, row: Row, refs: dict, clients: dict) -> list[str]:
    """The address does name the object: its owner gets it (not 404, not an error)."""
    if row.owner is None:
        return []
    swapped = {**refs, **{mine: refs[other] for mine, other in row.swap.items()}}
    url = _url(name, row, swapped, row.owner)
    response = _fetch(clients[row.owner], row.use, url, **({"data": row.data} if row.data else {}))
    if response.status_code in (200, 201, 204, 302):
        return []
    return [f"{name} {row.use} as its owner {row.owner}: {response.status_code}"]


def _tokens(people: dict) -> dict[str, str]:
    from commons.accounts.services import create_api_token

    return {
        persona: create_api_token(user=user, name="isolation")[1]
        for persona, user in people.items()
        if user is not None
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_stranger_gets_404_for_every_address_of_an_owned_object(case, verified_personas):
    everyone = verified_personas
    refs = CASES[case].build(everyone)
    rows = {name: row for name, row in ROWS.items() if row.case == case}
    clients = {persona: _client(user) for persona, user in everyone.items()}
    strangers = {p: everyone[p] for p in CASES[case].strangers}
    has_api = any(name.startswith("api-v1:") for name in rows)
    tokens = _tokens(strangers) if has_api else {}
    problems = []
    for name, row in rows.items():
        problems += _check_row(name, row, refs, clients, tokens)
    # the owners last: some of their requests change things (revoke, remove, withdraw)
    for name, row in sorted(rows.items(), key=lambda item: item[1].use != "GET"):
        problems += _control(name, row, refs, clients)
    assert problems == [], "\n".join(problems)


# --- Lists, searches, exports, feeds and API lists --------------------------------------------

# Values for the keyword arguments that are not objects, and a query every list takes
# (a search for the owned objects' word, every date, Lantern's own filters).
SWEEP_VALUES = {
    "fmt": ("csv", "xlsx"),
    "code": ("TH",),
    "iso2": ("TH",),
    "region": ("asia-pacific",),
    "topic": ("migration",),
    "kind": ("field-report",),
    "language": ("en",),
    "tag": (WORD,),
}
SWEEP_QUERY = (
    f"q={WORD}&when=all&organisation=lantern&organiser=lantern&event=quillfeather-forum&expired=1"
)
SWEPT = ("anonymous", "alice", "bob", "carol", "dave", "vera", "victor")


def _listing_urls() -> list[tuple[str, str]]:
    """(name, address) of every URL pattern whose arguments name no object."""
    found = []
    for name, kwargs in sorted(_url_kwargs().items()):
        if kwargs - NOT_OBJECT_KWARGS or name in NOT_OWNED:
            continue
        choices = [{}]
        for key in sorted(kwargs):
            choices = [{**c, key: value} for c in choices for value in SWEEP_VALUES[key]]
        found += [(name, f"{reverse(name, kwargs=c)}?{SWEEP_QUERY}") for c in choices]
    return found


def _text(response) -> str:
    """What a person reads in a response: a page, JSON, CSV, a feed, an iCalendar file
    (its lines unfolded) or the XML inside an XLSX file."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace").replace("\r\n ", "").replace("\\,", ",")


@pytest.mark.parametrize("persona", SWEPT)
def test_lists_searches_exports_and_feeds_show_only_what_a_persona_may_see(
    persona, verified_personas
):
    everyone = verified_personas
    for case in CASES.values():
        case.build(everyone)
    client = _client(everyone[persona])
    ways = [(name, url, {}) for name, url in _listing_urls()]
    if everyone[persona] is not None:
        [token] = _tokens({persona: everyone[persona]}).values()
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        ways += [(f"{n} (token)", url, bearer) for n, url, _ in ways if n.startswith("api-v1:")]
    read = {}
    problems = []
    for name, url, extra in ways:
        response = client.get(url, **extra)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        read[(name, url)] = _text(response)
    for case in CASES.values():
        for marker, (seen_by, control) in case.markers.items():
            if persona not in seen_by:
                problems += [
                    f"{url} shows {marker!r}" for (_n, url), t in read.items() if marker in t
                ]
            elif control and control[0] == persona:
                shown = [t for (n, _url), t in read.items() if n == control[1]]
                if not any(marker in t for t in shown):
                    problems.append(
                        f"{control[1]} does not show {persona} {marker!r} (the control)"
                    )
    assert problems == [], "\n".join(problems)


# --- Secret links ------------------------------------------------------------------------------


def _near_miss(secret: str) -> str:
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def _secret_links(p) -> dict[str, tuple[str, list[str]]]:
    """Address name -> (its real secret, what a stranger could try instead: the value
    the database keeps, the salt it is derived from, a near miss)."""
    from commons.accounts.services import invite_member
    from commons.discussions.services import participant_for
    from commons.discussions.services import token_for as participant_token
    from commons.events import services as events
    from commons.events.tests.conftest import make_event
    from commons.newsletter import services as newsletter

    invitation, invited = invite_member(
        organisation=_lantern(), email="quillfeather-guest@example.org", by=p["alice"]
    )
    webinar = make_event(organisers=[_lantern()], slug="secret-links-webinar")
    registration, registered = events.register(
        event=webinar, name="Guest", email="guest@example.org"
    )
    subscriber = newsletter.subscribe(email="reader@example.org", preferences={})
    subscribed = newsletter.token_for(subscriber)
    participant = participant_for(p["alice"])
    unsubscribing = participant_token(participant)
    links = {
        "accounts:invitation": (invited, [invitation.token_hash]),
        "events:confirm": (registered, [registration.token_hash]),
        "events:registration": (registered, [registration.token_hash]),
        "discussions:unsubscribe": (
            unsubscribing,
            [participant.token_hash, participant.token_salt],
        ),
        **{
            f"newsletter:{name}": (subscribed, [subscriber.token_hash, subscriber.token_salt])
            for name in ("confirm", "manage", "unsubscribe")
        },
    }
    return {name: (real, [*tries, _near_miss(real)]) for name, (real, tries) in links.items()}


def test_a_secret_link_opens_with_its_own_secret_only(verified_personas):
    everyone = verified_personas
    links = _secret_links(everyone)
    assert set(links) | {"account_confirm_email", "account_reset_password_from_key"} == set(
        SECRET_LINKS
    )
    problems = []
    for persona in ("anonymous", "carol"):
        client = _client(everyone[persona])
        for name, (_real, tries) in links.items():
            for token in tries:
                url = reverse(name, kwargs={"token": token})
                for method in ("GET", "POST"):
                    status = _fetch(client, method, url).status_code
                    if status != 404:
                        problems.append(f"{name} {method} as {persona} with {token}: {status}")
    for name, (real, _tries) in links.items():  # the control: the real secret opens it
        status = _client(None).get(reverse(name, kwargs={"token": real})).status_code
        if status != 200:
            problems.append(f"{name} with its own secret: {status}")
    assert problems == [], "\n".join(problems)
