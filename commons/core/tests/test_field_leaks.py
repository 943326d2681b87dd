"""Field-level privacy: contact details, alert contents, journey records and survey
responses never reach a person who may not see them, whatever carries them.

Every field of ``FIELDS`` holds a sentinel (``leaks.py`` writes them through the
services, once for the module). Each persona then fetches every page of ``CRAWL``
(HTML, htmx fragments, /api/v1/ JSON with their own token, CSV and XLSX exports, RSS,
Atom and iCalendar feeds, and the 403 and 404 pages of what they may not open) and
posts the forms of ``POSTS`` empty (their error pages), and no response may carry a
sentinel the persona may not see. ``PRESENT`` proves the crawl reads the real thing:
each field is found where its readers look for it. A page not crawled is in
``NOT_CRAWLED`` with the reason. Searches, e-mails (each to one address, carrying only
what its recipient may see), secret links, a crashing page, the public journeys release
and a published survey report narrowed to a few respondents have tests of their own.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commons.accounts.services import create_api_token
from commons.core.tests import leaks as s

PERSONAS = [
    "anonymous",
    "alice",  # admin of Lantern (not verified): organises the event, owns the survey
    "bob",  # member of Lantern
    "carol",  # admin of Harbour (not verified)
    "dave",  # signed in, no organisation
    "vera",  # admin of Beacon (verified): contributes the journey records
    "victor",  # member of Beacon; registered for the event
    "moderator",
    "steward",
    "staff",
]
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
# Active members of an organisation (verified or not): members-only discussions.
MEMBERS = frozenset({"alice", "bob", "carol", "vera", "victor"})
# Readers of alerts: members of verified organisations, moderators and staff.
ALERT_READERS = frozenset({"vera", "victor", "moderator", "staff"})

# field -> (sentinel, the personas who may see it). Staff administer the platform: the
# admin shows them everything, so no field is kept from them.
FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    # Petra shares her contact details and bio with signed-in members (contact details
    # can go no higher): everyone signed in, never an anonymous visitor.
    "directory: e-mail shared with members": (s.PETRA_EMAIL, SIGNED_IN),
    "directory: phone shared with members": (s.PETRA_PHONE, SIGNED_IN),
    "directory: bio shared with members": (s.PETRA_BIO, SIGNED_IN),
    # Quentin keeps his contact details and bio private: only himself (and staff, who
    # see his address among Quarry's members).
    "directory: private e-mail": (s.QUENTIN_EMAIL, frozenset({"staff"})),
    "directory: private phone": (s.QUENTIN_PHONE, frozenset({"staff"})),
    "directory: private bio": (s.QUENTIN_BIO, frozenset({"staff"})),
    # Someone asking to join Lantern, and someone Lantern invites: its admins decide.
    "accounts: address of a person asking to join": (s.NADIA_EMAIL, frozenset({"alice", "staff"})),
    "accounts: message of a person asking to join": (
        s.JOIN_MESSAGE,
        frozenset({"alice", "staff"}),
    ),
    "accounts: address invited to join": (s.INVITEE_EMAIL, frozenset({"alice", "staff"})),
    # A published alert: its readers; a data steward (with a second factor) exports it.
    "alerts: actor's name": (s.ALERT_ACTOR, ALERT_READERS | {"steward"}),
    "alerts: licence number": (s.ALERT_LICENCE, ALERT_READERS | {"steward"}),
    "alerts: evidence summary": (s.ALERT_EVIDENCE, ALERT_READERS | {"steward"}),
    # Who reported it: the readers see the reporter's name; her address is her
    # organisation's admins' (Beacon: vera) and staff's.
    "alerts: reporter's name": (s.ALERT_REPORTER, ALERT_READERS),
    "alerts: reporter's address": (s.REPORTER_EMAIL, frozenset({"vera", "staff"})),
    # The moderator who published it gave no name: her address is nobody's to read.
    "alerts: address of a moderator without a name": (
        s.NAMELESS_MODERATOR,
        frozenset({"staff"}),
    ),
    # An alert waiting for review: its author (Rhea) and the moderators.
    "alerts: actor of an alert under review": (
        s.SUBMITTED_ACTOR,
        frozenset({"moderator", "staff"}),
    ),
    # Right of reply: the sender's name and address are the moderators'; a statement is
    # shown to the alert's readers once attached to it, to the moderators before.
    "alerts: right-of-reply sender's name": (s.REPLY_NAME, frozenset({"moderator", "staff"})),
    "alerts: right-of-reply sender's address": (
        s.REPLY_EMAIL,
        frozenset({"moderator", "staff"}),
    ),
    "alerts: attached right-of-reply statement": (s.REPLY_STATEMENT, ALERT_READERS),
    "alerts: statement waiting for a moderator": (
        s.NEW_REPLY_STATEMENT,
        frozenset({"moderator", "staff"}),
    ),
    # The legal basis a contributor attests to: kept for the record, shown by no page.
    "journeys: batch attestation": (s.JOURNEY_ATTESTATION, frozenset({"staff"})),
    # Journey records: the contributing organisation's members and the data stewards
    # (and staff, who build releases too); the public sees released aggregates only.
    "journeys: place of recruitment": (
        s.JOURNEY_RECRUITMENT_PLACE,
        frozenset({"vera", "victor", "steward", "staff"}),
    ),
    "journeys: place of exploitation": (
        s.JOURNEY_EXPLOITATION_PLACE,
        frozenset({"vera", "victor", "steward", "staff"}),
    ),
    # A rejected row's cell, quoted by the import report: only the person who uploaded
    # the file (not even staff).
    "journeys: rejected cell of an upload": (s.JOURNEY_REJECTED_CELL, frozenset({"vera"})),
    # Raw survey answers: the owner's members (Lantern) and staff, even once the owner
    # published the report.
    "surveys: open answer": (s.SURVEY_ANSWER, frozenset({"alice", "bob", "staff"})),
    # An event's participants: its organisers (Lantern's admin) and staff; the meeting
    # link also for confirmed participants (victor).
    "events: participant's name": (s.GUEST_NAME, frozenset({"alice", "staff"})),
    "events: participant's address": (s.GUEST_EMAIL, frozenset({"alice", "staff"})),
    "events: participant's organisation": (s.GUEST_ORGANISATION, frozenset({"alice", "staff"})),
    "events: participant's feedback": (s.FEEDBACK, frozenset({"alice", "staff"})),
    "events: meeting link": (s.EVENT_LINK, frozenset({"alice", "victor", "staff"})),
    # A members-only discussion category: members of any organisation, moderators, staff.
    "discussions: members-only thread title": (s.MEMBERS_THREAD, MEMBERS | {"moderator", "staff"}),
    "discussions: members-only message": (s.MEMBERS_MESSAGE, MEMBERS | {"moderator", "staff"}),
    # A members-only news post: everyone signed in.
    "news: members-only post": (s.MEMBERS_POST, SIGNED_IN),
    # The address of a post's author who gave no name: her post is public, her address
    # the editors' and her organisation's (Lantern lists its members to its members).
    "news: address of an author without a name": (
        s.NAMELESS_AUTHOR,
        frozenset({"alice", "bob", "moderator", "staff"}),
    ),
    # A newsletter subscriber's address: the subscriber and staff.
    "newsletter: subscriber's address": (s.SUBSCRIBER_EMAIL, frozenset({"staff"})),
}

# (url name, its arguments: names of ``leaks.seed`` values or plain values, query,
# fetched as an htmx fragment). Secrets of links (tokens) are crawled wrong: whoever holds
# the right one is the person it was sent to (``test_a_secret_link_shows_its_own_person``).
CRAWL: list[tuple[str, dict, dict, bool]] = [
    ("home", {}, {}, False),
    ("progress", {"progress_id": "journey_import"}, {}, False),
    ("progress", {"progress_id": "journey_import"}, {}, True),
    ("progress", {"progress_id": "survey_export"}, {}, False),
    # accounts
    ("accounts:dashboard", {}, {}, False),
    ("accounts:api_tokens", {}, {}, False),
    ("accounts:organisations", {}, {}, False),
    ("accounts:organisation", {"slug": "lantern"}, {}, False),
    ("accounts:organisation", {"slug": "beacon"}, {}, False),
    ("accounts:organisation", {"slug": "quarry"}, {}, False),
    ("accounts:members", {"slug": "lantern"}, {}, False),
    ("accounts:members", {"slug": "beacon"}, {}, False),
    ("accounts:members", {"slug": "quarry"}, {}, False),
    ("accounts:invitation", {"token": "not-the-token"}, {}, False),
    ("accounts:organisation_join", {"slug": "lantern"}, {}, False),
    ("accounts:organisation_leave", {"slug": "lantern"}, {}, False),
    ("accounts:organisation_verify", {"slug": "lantern"}, {}, False),
    ("accounts:member_decide", {"slug": "lantern", "membership_id": "nadia_membership"}, {}, False),
    ("accounts:member_role", {"slug": "lantern", "membership_id": "nadia_membership"}, {}, False),
    ("accounts:member_remove", {"slug": "lantern", "membership_id": "nadia_membership"}, {}, False),
    ("accounts:revoke_api_token", {"token_id": "token"}, {}, False),
    ("accounts:switch_language", {}, {}, False),
    # directory
    ("directory:search", {}, {}, False),
    ("directory:search", {}, {}, True),
    ("directory:export", {"fmt": "csv"}, {}, False),
    ("directory:export", {"fmt": "xlsx"}, {}, False),
    ("directory:export", {"fmt": "json"}, {}, False),
    ("directory:numbers", {}, {}, False),
    ("directory:partners", {}, {"country": "TH"}, False),
    ("directory:people", {}, {}, False),
    ("directory:people", {}, {}, True),
    ("directory:person", {"user_id": "petra"}, {}, False),
    ("directory:person", {"user_id": "quentin"}, {}, False),
    ("directory:person", {"user_id": "nadia"}, {}, False),
    ("directory:person", {"user_id": "rhea"}, {}, False),
    # journeys
    ("journeys:map", {}, {}, False),
    ("journeys:map", {}, {}, True),
    ("journeys:map_download", {"fmt": "csv"}, {}, False),
    ("journeys:map_download", {"fmt": "geojson"}, {}, False),
    ("journeys:map_download", {"fmt": "svg"}, {}, False),
    ("journeys:country", {"code": "BT"}, {}, False),
    ("journeys:country", {"code": "IS"}, {}, False),
    ("journeys:releases", {}, {}, False),
    ("journeys:steward", {}, {}, False),
    ("journeys:draft", {"release_id": "draft"}, {}, False),
    ("journeys:release_download", {"release_id": "release", "fmt": "csv"}, {}, False),
    ("journeys:release_download", {"release_id": "release", "fmt": "xlsx"}, {}, False),
    ("journeys:contribute", {}, {}, False),
    ("journeys:record_new", {}, {}, False),
    ("journeys:file_layout", {}, {}, False),
    ("journeys:file_template", {"fmt": "csv"}, {}, False),
    ("journeys:import_report", {"progress_id": "journey_import"}, {}, False),
    ("journeys:batches", {}, {}, False),
    ("journeys:batch", {"batch_id": "batch"}, {}, False),
    ("journeys:withdraw", {"batch_id": "batch"}, {}, False),
    ("journeys:record_edit", {"record_id": "record"}, {}, False),
    ("journeys:export_mine", {"fmt": "csv"}, {"organisation": "beacon"}, False),
    ("journeys:export_mine", {"fmt": "xlsx"}, {"organisation": "beacon", "layout": "ctdc"}, False),
    # surveys (Lantern's, report published)
    ("surveys:list", {}, {}, False),
    ("surveys:manage", {"slug": "survey"}, {}, False),
    ("surveys:status", {"slug": "survey"}, {}, False),
    ("surveys:new_link", {"slug": "survey"}, {}, False),
    ("surveys:import", {"slug": "survey"}, {}, False),
    ("surveys:import_report", {"slug": "survey", "progress_id": "journey_import"}, {}, False),
    ("surveys:preview", {"slug": "survey"}, {}, False),
    ("surveys:answer", {"slug": "survey"}, {}, False),
    ("surveys:answer_link", {"slug": "survey", "key": "not-the-key"}, {}, False),
    ("surveys:thanks", {"slug": "survey"}, {}, False),
    ("surveys:report", {"slug": "survey"}, {}, False),
    # a filter narrowed to one respondent, and a breakdown
    ("surveys:report", {"slug": "survey"}, {"filter": "trained=no"}, False),
    ("surveys:report", {"slug": "survey"}, {"by": "trained"}, False),
    ("surveys:report_download", {"slug": "survey", "fmt": "csv"}, {}, False),
    ("surveys:report_download", {"slug": "survey", "fmt": "xlsx"}, {"filter": "trained=no"}, False),
    ("surveys:responses_download", {"slug": "survey", "fmt": "csv"}, {}, False),
    ("surveys:responses_download", {"slug": "survey", "fmt": "xlsx"}, {}, False),
    ("surveys:export_file", {"slug": "survey", "progress_id": "survey_export"}, {}, False),
    # events (Lantern's webinar: a confirmed guest, victor registered)
    ("events:calendar", {}, {}, False),
    ("events:calendar", {}, {}, True),
    ("events:feed", {}, {}, False),
    ("events:feed_region", {"region": "asia-pacific"}, {}, False),
    ("events:confirm", {"token": "not-the-token"}, {}, False),
    ("events:registration", {"token": "not-the-token"}, {}, False),
    ("events:mine", {}, {}, False),
    ("events:edit", {"slug": "event"}, {}, False),
    ("events:status", {"slug": "event"}, {}, False),
    ("events:participants", {"slug": "event"}, {}, False),
    ("events:participants_download", {"slug": "event", "fmt": "csv"}, {}, False),
    ("events:participants_download", {"slug": "event", "fmt": "xlsx"}, {}, False),
    ("events:feedback_results", {"slug": "event"}, {}, False),
    ("events:detail", {"slug": "event"}, {}, False),
    ("events:event_ics", {"slug": "event"}, {}, False),
    ("events:register", {"slug": "event"}, {}, False),
    ("events:cancel", {"slug": "event"}, {}, False),
    ("events:feedback", {"slug": "event"}, {}, False),
    # library and news
    ("library:search", {}, {}, False),
    ("library:feed", {}, {}, False),
    ("news:list", {}, {}, False),
    ("news:feed", {}, {}, False),
    ("news:feed", {}, {"format": "atom"}, False),
    ("news:feed_kind", {"kind": "news"}, {}, False),
    ("news:feed_language", {"language": "en"}, {}, False),
    ("news:feed_topic", {"topic": "migration"}, {}, False),
    ("news:post", {"slug": "members_post"}, {}, False),
    ("news:post", {"slug": "public_post"}, {}, False),
    ("news:review", {"slug": "public_post"}, {}, False),
    ("news:mine", {}, {}, False),
    ("news:queue", {}, {}, False),
    ("news:edit", {"slug": "members_post"}, {}, False),
    ("news:review", {"slug": "members_post"}, {}, False),
    # newsletter
    ("newsletter:confirm", {"token": "not-the-token"}, {}, False),
    ("newsletter:manage", {"token": "not-the-token"}, {}, False),
    ("newsletter:unsubscribe", {"token": "not-the-token"}, {}, False),
    ("newsletter:archive", {}, {}, False),
    ("newsletter:issues", {}, {}, False),
    # discussions (a members-only category)
    ("discussions:index", {}, {}, False),
    ("discussions:search", {}, {}, False),
    ("discussions:category", {"slug": "members_category"}, {}, False),
    ("discussions:thread", {"pk": "thread"}, {}, False),
    ("discussions:reply", {"pk": "thread"}, {}, False),
    ("discussions:watch", {"pk": "thread"}, {}, False),
    ("discussions:edit_message", {"pk": "message"}, {}, False),
    ("discussions:flag", {"pk": "message"}, {}, False),
    ("discussions:people", {}, {"q": "a", "thread": "thread"}, False),
    ("discussions:moderation", {}, {}, False),
    ("discussions:moderate_message", {"pk": "message"}, {}, False),
    ("discussions:moderate_thread", {"pk": "thread"}, {}, False),
    ("discussions:notifications", {}, {}, False),
    ("discussions:unsubscribe", {"token": "not-the-token"}, {}, False),
    # alerts
    ("alerts:list", {}, {}, False),
    ("alerts:list", {}, {"expired": "1"}, False),
    ("alerts:export", {}, {}, False),
    ("alerts:detail", {"pk": "alert"}, {}, False),
    ("alerts:detail", {"pk": "submitted_alert"}, {}, False),
    ("alerts:mine", {}, {}, False),
    ("alerts:edit", {"pk": "submitted_alert"}, {}, False),
    ("alerts:correct", {"pk": "alert"}, {}, False),
    ("alerts:retract", {"pk": "alert"}, {}, False),
    ("alerts:renew", {"pk": "alert"}, {}, False),
    ("alerts:queue", {}, {}, False),
    ("alerts:review", {"pk": "submitted_alert"}, {}, False),
    ("alerts:replies", {}, {}, False),
    ("alerts:reply", {"pk": "reply"}, {}, False),
    # the JSON API, with the persona's own token
    ("api-v1:me", {}, {}, False),
    ("api-v1:search", {}, {}, False),
    ("api-v1:detail", {"slug": "lantern"}, {}, False),
    ("api-v1:detail", {"slug": "quarry"}, {}, False),
    ("api-v1:numbers", {}, {}, False),
    ("api-v1:partners", {}, {"country": "TH"}, False),
    ("api-v1:people", {}, {}, False),
    ("api-v1:person", {"user_id": "petra"}, {}, False),
    ("api-v1:person", {"user_id": "quentin"}, {}, False),
    ("api-v1:releases", {}, {}, False),
    ("api-v1:release_current", {}, {}, False),
    ("api-v1:journey_flows", {}, {}, False),
    ("api-v1:journey_country", {"iso2": "BT"}, {}, False),
    ("api-v1:mine", {}, {}, False),
    ("api-v1:events", {}, {}, False),
    ("api-v1:event_detail", {"slug": "event"}, {}, False),
    ("api-v1:recommendations", {}, {}, False),
    ("api-v1:commitments", {}, {}, False),
    ("api-v1:resources", {}, {}, False),
    ("api-v1:posts", {}, {}, False),
    ("api-v1:newsletter_issues", {}, {}, False),
    ("api-v1:discussion_threads", {}, {}, False),
    ("api-v1:discussion_thread", {"id": "thread"}, {}, False),
    ("api-v1:alerts", {}, {}, False),
    ("api-v1:alerts", {}, {"expired": "true"}, False),
    ("api-v1:alert", {"id": "alert"}, {}, False),
    ("api-v1:alert", {"id": "submitted_alert"}, {}, False),
]

# Forms about these fields, posted empty: the page that says what is wrong (or refuses)
# shows no more than the form's page would. Posted last: some of them act (a batch is
# withdrawn, an alert renewed), which the test's rollback undoes.
POSTS: list[tuple[str, dict]] = [
    ("accounts:members", {"slug": "lantern"}),
    ("accounts:member_decide", {"slug": "lantern", "membership_id": "nadia_membership"}),
    ("alerts:edit", {"pk": "submitted_alert"}),
    ("alerts:review", {"pk": "submitted_alert"}),
    ("alerts:correct", {"pk": "alert"}),
    ("alerts:retract", {"pk": "alert"}),
    ("alerts:reply", {"pk": "reply"}),
    ("journeys:record_edit", {"record_id": "record"}),
    ("events:edit", {"slug": "event"}),
    ("events:participants", {"slug": "event"}),
    ("events:register", {"slug": "event"}),
    ("surveys:manage", {"slug": "survey"}),
    ("discussions:reply", {"pk": "thread"}),
    ("discussions:edit_message", {"pk": "message"}),
    ("discussions:flag", {"pk": "message"}),
    ("discussions:moderate_message", {"pk": "message"}),
    ("news:edit", {"slug": "members_post"}),
    ("journeys:withdraw", {"batch_id": "batch"}),
]

# URL names not crawled, and why none of ``FIELDS`` can be in their answers.
_EMPTY_FORM = "a form to write something new, or the person's own settings"
_NO_FIELD = "shows nothing of the objects that hold these fields"
NOT_CRAWLED = {
    "metrics": "counts only, behind a bearer token (commons/operations/tests)",
    "healthz": "the services' status only",
    "languages": "the interface's languages",
    "usersessions_list": "the signed-in person's own sessions",
    "api-v1:openapi-json": "the schema: no data",
    "api-v1:openapi-view": "the schema's page: no data",
    "api-v1:api-root": "404",
    "accounts:profile": _EMPTY_FORM,
    "accounts:organisation_create": _EMPTY_FORM,
    "directory:edit_person": _EMPTY_FORM,
    "directory:edit": "an organisation's public profile, for its admins",
    "directory:merge": "organisations' public profiles, for staff",
    "surveys:new": _EMPTY_FORM,
    "events:new": _EMPTY_FORM,
    "events:theme_new": _EMPTY_FORM,
    "events:commit": _EMPTY_FORM,
    "alerts:new": _EMPTY_FORM,
    "alerts:reply_form": _EMPTY_FORM,
    "alerts:reply_sent": _EMPTY_FORM,
    "alerts:subscriptions": "an organisation's countries of interest",
    "news:submit": _EMPTY_FORM,
    "newsletter:subscribe": _EMPTY_FORM,
    "newsletter:preferences": "the signed-in person's own subscription",
    "newsletter:issue_new": _EMPTY_FORM,
    "discussions:settings": _EMPTY_FORM,
    "discussions:new_thread": _EMPTY_FORM,
    # a sent issue is made of public posts (the newsletter tests check which); issues
    # are the editors' (moderators, staff) and hold no subscriber
    "newsletter:archived_issue": _NO_FIELD,
    "api-v1:newsletter_issue": _NO_FIELD,
    "discussions:tag": "public threads by tag (members-only ones: the search test)",
    "discussions:attachment": "a message's file, behind the same check as its thread",
    "discussions:dismiss_flag": "answers GET with 405",
}
for _name in [
    "events:programme",
    "events:outcomes",
    "events:outcomes_edit",
    "events:outcomes_import",
    "events:outcomes_template",
    "events:recommendations",
    "events:matrix",
    "events:recommendation",
    "events:commitment",
]:
    NOT_CRAWLED[_name] = "speakers and forum outcomes: public, " + _NO_FIELD
for _name in [
    "library:collections",
    "library:collection_new",
    "library:collection",
    "library:feed_language",
    "library:feed_topic",
    "library:submit",
    "library:mine",
    "library:moderation",
    "library:review",
    "library:collection_edit",
    "library:work",
    "library:request_translation",
    "library:add_version",
    "library:resource",
    "library:file",
    "library:cover",
    "library:edit",
    "api-v1:resource_detail",
]:
    NOT_CRAWLED[_name] = "library resources hold none of these fields"
for _name in [
    "newsletter:issue",
    "newsletter:issue_propose",
    "newsletter:issue_preview",
    "newsletter:issue_test",
    "newsletter:issue_schedule",
    "newsletter:issue_unschedule",
    "newsletter:issue_progress",
    "newsletter:issue_delete",
    "newsletter:entry_new",
    "newsletter:entry_edit",
    "newsletter:entry_move",
    "newsletter:entry_remove",
]:
    NOT_CRAWLED[_name] = "an issue's editing pages: public posts, no subscriber"

# (field, persona, url name, arguments, query): where a reader finds each field.
PRESENT = [
    ("directory: e-mail shared with members", "dave", "directory:person", {"user_id": "petra"}, {}),
    ("directory: phone shared with members", "steward", "api-v1:person", {"user_id": "petra"}, {}),
    ("directory: bio shared with members", "carol", "directory:person", {"user_id": "petra"}, {}),
    ("directory: private e-mail", "staff", "accounts:members", {"slug": "quarry"}, {}),
    (
        "accounts: address of a person asking to join",
        "alice",
        "accounts:members",
        {"slug": "lantern"},
        {},
    ),
    (
        "accounts: message of a person asking to join",
        "alice",
        "accounts:members",
        {"slug": "lantern"},
        {},
    ),
    ("accounts: address invited to join", "alice", "accounts:members", {"slug": "lantern"}, {}),
    ("alerts: actor's name", "victor", "alerts:list", {}, {}),
    ("alerts: licence number", "vera", "api-v1:alert", {"id": "alert"}, {}),
    ("alerts: evidence summary", "moderator", "alerts:detail", {"pk": "alert"}, {}),
    ("alerts: evidence summary", "steward", "alerts:export", {}, {}),
    ("alerts: reporter's name", "victor", "alerts:detail", {"pk": "alert"}, {}),
    ("alerts: reporter's address", "vera", "accounts:members", {"slug": "beacon"}, {}),
    ("alerts: actor of an alert under review", "moderator", "alerts:queue", {}, {}),
    ("alerts: right-of-reply sender's name", "moderator", "alerts:reply", {"pk": "reply"}, {}),
    ("alerts: right-of-reply sender's address", "moderator", "alerts:reply", {"pk": "reply"}, {}),
    ("alerts: attached right-of-reply statement", "victor", "alerts:detail", {"pk": "alert"}, {}),
    ("alerts: statement waiting for a moderator", "moderator", "alerts:reply", {"pk": "reply"}, {}),
    (
        "journeys: place of recruitment",
        "vera",
        "journeys:export_mine",
        {"fmt": "csv"},
        {"organisation": "beacon"},
    ),
    (
        "journeys: place of exploitation",
        "victor",
        "journeys:export_mine",
        {"fmt": "xlsx"},
        {"organisation": "beacon"},
    ),
    (
        "journeys: rejected cell of an upload",
        "vera",
        "journeys:import_report",
        {"progress_id": "journey_import"},
        {},
    ),
    ("surveys: open answer", "bob", "surveys:report", {"slug": "survey"}, {}),
    (
        "surveys: open answer",
        "alice",
        "surveys:responses_download",
        {"slug": "survey", "fmt": "xlsx"},
        {},
    ),
    (
        "surveys: open answer",
        "alice",
        "surveys:export_file",
        {"slug": "survey", "progress_id": "survey_export"},
        {},
    ),
    ("events: participant's name", "alice", "events:participants", {"slug": "event"}, {}),
    (
        "events: participant's address",
        "alice",
        "events:participants_download",
        {"slug": "event", "fmt": "xlsx"},
        {},
    ),
    (
        "events: participant's organisation",
        "staff",
        "events:participants_download",
        {"slug": "event", "fmt": "csv"},
        {},
    ),
    ("events: participant's feedback", "alice", "events:feedback_results", {"slug": "event"}, {}),
    ("events: meeting link", "victor", "api-v1:event_detail", {"slug": "event"}, {}),
    ("events: meeting link", "alice", "events:edit", {"slug": "event"}, {}),
    ("discussions: members-only thread title", "carol", "api-v1:discussion_threads", {}, {}),
    ("discussions: members-only message", "bob", "discussions:thread", {"pk": "thread"}, {}),
    ("news: members-only post", "dave", "news:list", {}, {}),
    (
        "news: address of an author without a name",
        "moderator",
        "news:review",
        {"slug": "public_post"},
        {},
    ),
    ("news: members-only post", "steward", "api-v1:posts", {}, {}),
]


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")


def _account_page(name: str) -> bool:
    # allauth's pages show the signed-in person's own account; the admin is staff's
    return name.startswith(("account_", "mfa_", "admin:")) or name == ""


def test_every_page_is_crawled_or_says_why_not():
    names = {name for name in _patterns(get_resolver().url_patterns) if not _account_page(name)}
    crawled = {name for name, *_rest in CRAWL}
    missing = sorted(names - crawled - set(NOT_CRAWLED))
    assert missing == [], f"crawl these pages for leaks, or say why not: {missing}"
    assert sorted((crawled | set(NOT_CRAWLED)) - names) == [], "these URLs no longer exist"
    assert {field for field, *_rest in PRESENT} >= {
        field for field, (_value, allowed) in FIELDS.items() if allowed - {"staff"}
    }, "say where a reader finds each field"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The personas and the sentinels, written once for the module's tests (each test
    runs in a savepoint of this transaction, rolled back at the end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = s.personas()
        found = s.seed(people)
        found["token"] = 0  # no token has this id
        yield people, found
        transaction.set_rollback(True)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
        _token, raw = create_api_token(user=user, name="leaks")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _url(world: dict, name: str, kwargs: dict, query: dict) -> str:
    from urllib.parse import urlencode

    url = reverse(name, kwargs={key: world.get(value, value) for key, value in kwargs.items()})
    query = {key: world.get(value, value) for key, value in query.items()}
    return url + ("?" + urlencode(query) if query else "")


def _hidden_from(persona: str) -> dict[str, str]:
    return {field: value for field, (value, allowed) in FIELDS.items() if persona not in allowed}


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_response_carries_a_field_the_persona_may_not_see(persona, world, db):
    people, world = world
    client = _client(people[persona])
    hidden = _hidden_from(persona)
    leaks = []
    for name, kwargs, query, htmx in CRAWL:
        url = _url(world, name, kwargs, query)
        response = client.get(url, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        text = s.carried(response)
        leaks += [
            f"{url}{' (htmx)' if htmx else ''} [{response.status_code}]: {field}"
            for field, value in hidden.items()
            if value in text
        ]
    assert leaks == [], "\n".join(leaks)
    for field, reader, name, kwargs, query in PRESENT:
        if reader == persona:
            response = client.get(_url(world, name, kwargs, query))
            value = FIELDS[field][0]
            assert value in s.carried(response), f"{field} not in {name} for {persona}"
    for name, kwargs in POSTS:
        url = _url(world, name, kwargs, {})
        response = client.post(url, {})
        text = s.carried(response)
        leaks += [
            f"POST {url} [{response.status_code}]: {field}"
            for field, value in hidden.items()
            if value in text
        ]
    assert leaks == [], "\n".join(leaks)


# --- Searches ---------------------------------------------------------------------------

# (url name, the query's parameters, the field searched for, what a match would show,
# the personas whose search may match). A search must not find anything by a field its
# reader may not see: the results would tell them it is there.
SEARCHES = [
    # anonymous visitors list Petra (her name is public) but not by her members-only bio
    ("directory:people", {"q": s.PETRA_BIO}, "Petra Sentinel", SIGNED_IN),
    ("api-v1:people", {"q": s.PETRA_BIO}, "Petra Sentinel", SIGNED_IN),
    # contact details and private fields are searchable by nobody
    ("directory:people", {"q": s.PETRA_PHONE}, "Petra Sentinel", frozenset()),
    ("directory:people", {"q": s.PETRA_EMAIL}, "Petra Sentinel", frozenset()),
    ("directory:people", {"q": s.QUENTIN_BIO}, "Quentin Sentinel", frozenset()),
    ("api-v1:people", {"q": s.QUENTIN_EMAIL}, "Quentin Sentinel", frozenset()),
    ("directory:search", {"q": s.QUENTIN_EMAIL}, "/organisations/quarry/", frozenset()),
    ("alerts:list", {"q": s.ALERT_ACTOR}, "/alerts/{alert}/", ALERT_READERS),
    ("alerts:list", {"licence": s.ALERT_LICENCE}, "/alerts/{alert}/", ALERT_READERS),
    ("alerts:list", {"q": s.SUBMITTED_ACTOR}, "/alerts/{submitted_alert}/", frozenset()),
    ("api-v1:alerts", {"q": s.ALERT_ACTOR}, "/alerts/{alert}/", ALERT_READERS),
    ("api-v1:alerts", {"licence": s.ALERT_LICENCE}, "/alerts/{alert}/", ALERT_READERS),
    (
        "discussions:search",
        {"q": s.MEMBERS_MESSAGE},
        "/discussions/t/{thread}/",
        MEMBERS | {"moderator", "staff"},
    ),
    (
        "api-v1:discussion_threads",
        {"q": s.MEMBERS_THREAD},
        '"id": {thread}',
        MEMBERS | {"moderator", "staff"},
    ),
    ("news:list", {"q": s.MEMBERS_POST}, "/news/{members_post}/", SIGNED_IN),
    ("api-v1:posts", {"q": s.MEMBERS_POST}, "/news/{members_post}/", SIGNED_IN),
    ("library:search", {"q": s.MEMBERS_POST}, "/news/{members_post}/", frozenset()),
]


def test_no_search_finds_anything_by_a_field_the_persona_may_not_see(world, db):
    people, found = world
    wrong = []
    for persona in PERSONAS:
        client = _client(people[persona])
        for name, query, shows, allowed in SEARCHES:
            response = client.get(_url(found, name, {}, query))
            text = s.carried(response)
            if response["Content-Type"].startswith("application/json"):
                text = json.dumps(json.loads(response.content))  # '"id": 1', spaced
            matched = shows.format(**found) in text
            if matched != (persona in allowed):
                wrong.append(f"{persona} {name} {query}: {'found' if matched else 'not found'}")
    assert wrong == [], "\n".join(wrong)


# --- Links that open one person's own records ------------------------------------------


def test_a_secret_link_or_an_own_profile_shows_its_own_person_only(world, db):
    """The crawl opens these with wrong secrets; whoever holds the right one is the
    person it was sent to, and sees their own fields (and nobody else's)."""
    from commons.accounts.models import User
    from commons.newsletter.models import Subscriber
    from commons.newsletter.services import token_for

    _people, found = world
    guest = Client().get(reverse("events:registration", args=[found["guest_token"]]))
    assert s.GUEST_NAME in s.carried(guest) and s.EVENT_LINK in s.carried(guest)
    nora = token_for(Subscriber.objects.get(email=s.SUBSCRIBER_EMAIL))
    manage = Client().get(reverse("newsletter:manage", args=[nora]))
    assert s.SUBSCRIBER_EMAIL in s.carried(manage)
    quentin = _client(User.objects.get(pk=found["quentin"]))
    own = s.carried(quentin.get(reverse("directory:person", args=[found["quentin"]])))
    assert s.QUENTIN_PHONE in own and s.QUENTIN_BIO in own
    for text in (s.carried(guest), s.carried(manage), own):
        others = [
            field
            for field, (value, _allowed) in FIELDS.items()
            if value in text and field not in OWN.get(value_owner(value), ())
        ]
        assert others == []


# --- E-mails ------------------------------------------------------------------------------

# Whose own fields are whose: a person's e-mail may carry their own details.
OWN = {
    s.PETRA_EMAIL: {
        "directory: e-mail shared with members",
        "directory: phone shared with members",
    },
    s.QUENTIN_EMAIL: {
        "directory: private e-mail",
        "directory: private phone",
        "directory: private bio",
    },
    s.NADIA_EMAIL: {
        "accounts: address of a person asking to join",
        "accounts: message of a person asking to join",
    },
    s.INVITEE_EMAIL: {"accounts: address invited to join"},
    s.REPORTER_EMAIL: {"alerts: reporter's name", "alerts: reporter's address"},
    s.REPLY_EMAIL: {
        "alerts: right-of-reply sender's name",
        "alerts: right-of-reply sender's address",
    },
    # a confirmed participant gets the meeting link
    s.GUEST_EMAIL: {
        "events: participant's name",
        "events: participant's address",
        "events: participant's organisation",
        "events: participant's feedback",
        "events: meeting link",
    },
    s.SUBSCRIBER_EMAIL: {"newsletter: subscriber's address"},
    f"{s.NAMELESS_AUTHOR}@example.net": {"news: address of an author without a name"},
    f"{s.NAMELESS_MODERATOR}@example.net": {"alerts: address of a moderator without a name"},
}
# No e-mail carries the content of an alert, whoever receives it (alerts/services.py):
# a mailbox is neither audited nor closed when its owner leaves the organisation.
NEVER_MAILED = {
    "alerts: actor's name",
    "alerts: licence number",
    "alerts: evidence summary",
    "alerts: actor of an alert under review",
    "alerts: attached right-of-reply statement",
    "alerts: statement waiting for a moderator",
}


def value_owner(value: str) -> str:
    for address, fields in OWN.items():
        if any(FIELDS[field][0] == value for field in fields):
            return address
    return ""


def _mail_everyone(people: dict, found: dict, committed) -> None:
    """What makes the platform write to people: discussions (a watcher who left her
    organisation, mentions of people outside it, the daily digest), event reminders, a
    newsletter issue, a new alert for a subscribed organisation, a right-of-reply, a
    post for the editors, a request to join and an invitation."""
    import datetime

    from django.utils import timezone

    from commons.accounts.models import Membership, Organisation
    from commons.discussions import services as discussions
    from commons.discussions.models import Participant, Thread

    thread = Thread.objects.get(pk=found["thread"])
    harbour = Organisation.objects.get(slug="harbour")
    lena = s.make_user("lena.w7792@example.net", name="Lena")
    lena.date_joined = timezone.now() - datetime.timedelta(days=60)
    lena.save()
    membership = Membership.objects.create(
        user=lena, organisation=harbour, role="member", status="active"
    )
    people["bob"].date_joined = lena.date_joined  # not held for review either
    people["bob"].save()
    with committed(execute=True):  # the watchers are told after commit
        discussions.post_reply(author=lena, thread=thread, body="Thank you.")
        discussions.post_reply(author=people["bob"], thread=thread, body=f"{s.MEMBERS_MESSAGE} too")
    membership.delete()  # she left: her digest must not tell her what was said
    for user in (people["victor"], people["dave"], people["steward"]):
        Participant.objects.filter(pk=discussions.participant_for(user).pk).update(
            email=Participant.Email.IMMEDIATELY
        )
    handles = " ".join(
        "@" + discussions.participant_for(people[name]).handle
        for name in ("victor", "dave", "steward")
    )
    with committed(execute=True):
        discussions.post_reply(
            author=people["alice"], thread=thread, body=f"{s.MEMBERS_MESSAGE} {handles}"
        )
    with committed(execute=True):
        _mail_the_rest(people, found)


def _mail_the_rest(people: dict, found: dict) -> None:
    import datetime

    from django.utils import timezone

    from commons.accounts.models import Organisation
    from commons.accounts.services import invite_member, request_membership
    from commons.alerts import services as alerts
    from commons.alerts.models import Alert
    from commons.discussions import notifications
    from commons.events.models import Event
    from commons.events.services import send_reminders
    from commons.news.tests.conftest import post
    from commons.newsletter import issues, sending
    from commons.newsletter.tests.conftest import subscriber

    notifications.send_digests(now=timezone.now() + datetime.timedelta(minutes=1))
    event = Event.objects.get(slug=found["event"])
    send_reminders(now=event.starts_at - datetime.timedelta(hours=12), event_id=event.pk)

    post(people["alice"], people["moderator"], title="Public hotline news")
    subscriber("other.reader@example.net")
    today = timezone.localdate()
    issue = issues.create_issue(
        subject="This week",
        period_start=today - datetime.timedelta(days=7),
        period_end=today + datetime.timedelta(days=1),
    )
    issues.propose_items(issue)
    sending.queue_issue(issue)
    sending.send_issue(issue)

    beacon = Organisation.objects.get(slug="beacon")
    alerts.save_subscription(
        organisation=beacon, countries=["TH"], members_too=True, by=people["vera"]
    )
    alerts.publish_alert(
        alert=Alert.objects.get(pk=found["submitted_alert"]), moderator=people["moderator"]
    )
    alerts.submit_reply(
        fields={
            "name": s.REPLY_NAME,
            "represents": "Zarnik Manpower",
            "email": s.REPLY_EMAIL,
            "actor_name": s.ALERT_ACTOR,
            "statement": s.NEW_REPLY_STATEMENT,
        },
        ip_address="192.0.2.12",
    )
    post(people["bob"], title="A field report for the editors")  # two editors told
    request_membership(user=s.make_user("kemal@example.org"), organisation=beacon, message="Hello")
    invite_member(organisation=beacon, email="new.colleague@example.org", by=people["vera"])


def test_no_email_carries_a_field_its_recipient_may_not_see(
    world, db, django_capture_on_commit_callbacks
):
    from commons.discussions.models import Notification

    people, found = world
    persona_of = {user.email: name for name, user in people.items() if user is not None}
    mail.outbox.clear()
    _mail_everyone(people, found, django_capture_on_commit_callbacks)
    wrong = []
    for message in mail.outbox:
        recipients = message.recipients()
        # every e-mail is one person's: nobody reads another recipient's address
        if len(recipients) != 1:
            wrong.append(f"{message.subject!r} to {len(recipients)} addresses at once")
            continue
        [address] = recipients
        text = s.mail_text(message)
        for field, (value, allowed) in FIELDS.items():
            if value not in text:
                continue
            if field in NEVER_MAILED:
                wrong.append(f"{message.subject!r} to {address}: {field} (alert content)")
            elif persona_of.get(address) not in allowed and field not in OWN.get(address, ()):
                wrong.append(f"{message.subject!r} to {address}: {field}")
    assert wrong == [], "\n".join(wrong)
    # the e-mails checked are the real ones
    told = {
        (address, field)
        for message in mail.outbox
        for address in message.to
        for field, (value, _a) in FIELDS.items()
        if value in s.mail_text(message)
    }
    assert ("victor@example.org", "discussions: members-only message") in told  # at once
    assert ("alice@example.org", "discussions: members-only thread title") in told  # digest
    assert (s.GUEST_EMAIL, "events: meeting link") in told
    assert (s.SUBSCRIBER_EMAIL, "newsletter: subscriber's address") in told
    # Lena was told of bob's reply while a member; her digest, after she left, is not sent
    assert Notification.objects.filter(user__email="lena.w7792@example.net").exists()
    assert not any(m.to == ["lena.w7792@example.net"] for m in mail.outbox)
    assert sum("recruitment-fraud alert" in m.subject for m in mail.outbox) >= 3


# --- A page that fails ---------------------------------------------------------------------


def test_a_page_that_fails_shows_nothing_of_what_it_was_showing(world, db, monkeypatch):
    """The error page of a crash shows no trace of the data the page was rendering, nor
    of the error's message."""
    from commons.alerts import api as alerts_api
    from commons.alerts.views import reading

    people, found = world

    def broken(*args, **kwargs):
        raise RuntimeError(f"{s.ALERT_ACTOR} {s.ALERT_EVIDENCE}")

    monkeypatch.setattr(reading, "alert_context", broken)
    monkeypatch.setattr(alerts_api, "_alert", broken)
    client = _client(people["victor"])
    for url in (
        reverse("alerts:detail", args=[found["alert"]]),
        reverse("api-v1:alert", kwargs={"id": found["alert"]}),
    ):
        response = client.get(url)
        text = s.carried(response)
        assert response.status_code == 500
        assert s.ALERT_ACTOR not in text and s.ALERT_EVIDENCE not in text


def test_a_release_has_no_route_of_a_single_person(world, db):
    """Beacon's one record (Bhutan to Iceland) is in no public table: after noise, a
    count of one falls below the release's threshold (but for a chance of δ)."""
    import csv
    import io

    _people, found = world
    url = reverse(
        "journeys:release_download", kwargs={"release_id": found["release"], "fmt": "csv"}
    )
    rows = list(csv.reader(io.StringIO(Client().get(url).content.decode())))
    assert rows and not any({"BT", "IS"} & set(row) for row in rows)
    flows = Client().get(reverse("api-v1:journey_flows")).json()
    assert "BT" not in json.dumps(flows)


def test_a_published_report_shows_no_figure_of_a_handful_of_respondents(world, db):
    """Filters that leave fewer than five responses would show those people's answers:
    the reader of the published report gets no figure, the owner's members get them."""
    people, found = world
    query = {"filter": "trained=no"}  # one respondent
    page = Client().get(_url(found, "surveys:report", {"slug": "survey"}, query))
    assert "Too few responses match these filters" in page.content.decode()
    table = Client().get(
        _url(found, "surveys:report_download", {"slug": "survey", "fmt": "csv"}, query)
    )
    assert table.content.decode().strip().count("\n") == 0  # the header only
    own = _client(people["bob"]).get(_url(found, "surveys:report", {"slug": "survey"}, query))
    assert "Too few responses" not in own.content.decode() and s.SURVEY_ANSWER in s.carried(own)
