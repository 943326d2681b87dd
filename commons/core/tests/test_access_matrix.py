"""Every URL, every HTTP method, every persona: the status each should get.

A new URL, or a URL that starts answering another method, fails these tests until it
has an entry here: decide who may use it first. A row lists every method that anyone
gets something other than 405 from (a view that refuses before it looks at the method
answers them all) and, for each, what every persona gets; any other method must get
405. POSTs send an empty body unless the row gives one: the point is who gets past the
access checks (a sign-in redirect, 403 or 404 for the refused; 200 with the form's
errors, a redirect after success, 400 for the allowed).

Every request runs in a savepoint that is rolled back, with the persona's cookies as
they were at sign-in, so a POST that deletes, withdraws or signs out changes nothing
for the requests after it, and the order of the rows does not matter. Admin URLs are
covered by one rule (Django's admin checks staff status itself) and a sample of its
pages.
"""

import copy
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commons.accounts.models import ApiToken, Membership
from commons.accounts.services import create_api_token
from commons.journeys.releases import build_release
from commons.surveys.services import create_survey
from commons.surveys.tests.forms import cso_form

# alice and bob: admin and member of Lantern (not verified); vera and victor: admin and
# member of Beacon (verified); carol: admin of Harbour (another organisation, not
# verified); dave: signed in, in no organisation.
PERSONAS = (
    "anonymous",
    "dave",
    "alice",
    "bob",
    "vera",
    "victor",
    "carol",
    "moderator",
    "steward",
    "staff",
)
SIGNED_IN = PERSONAS[1:]
# The API also answers personal tokens (Authorization: Bearer): each signed-in persona
# calls it with one as well. Pages must ignore tokens: staff's token there is anonymous.
TOKENS = tuple(f"token:{p}" for p in SIGNED_IN)
PAGE_TOKEN = "token:staff"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Redirects that refuse: to the sign-in page (the admin's included), or to confirm the
# password again before a sensitive page.
LOGIN = "302 sign-in"
REAUTH = "302 re-authenticate"


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def signed_in(status=200, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


def only(allowed: set[str], *, denied=403, anonymous=LOGIN, status=200):
    return {
        p: status if p in allowed else (anonymous if p == "anonymous" else denied) for p in PERSONAS
    }


def tokens(statuses: dict) -> dict:
    """The same statuses for the personas calling with their personal token."""
    return {f"token:{p}": s for p, s in statuses.items() if p != "anonymous"}


@dataclass(frozen=True)
class Row:
    kwargs: dict
    methods: dict  # method -> {persona: status}; any other method: 405 for everyone
    data: dict = field(default_factory=dict)  # the body of the POST
    query: str = ""
    needs: tuple = ()  # objects to build first that the URL does not name


def row(kwargs=None, *, data=None, query="", needs=(), **methods) -> Row:
    return Row(kwargs or {}, methods, data or {}, query, needs)


def every_method(statuses) -> dict:
    """For views that answer every method alike (a redirect or a refusal before the view
    looks at the method)."""
    return dict.fromkeys(METHODS, statuses)


def form_view(kwargs=None, *, get, post, other=None) -> Row:
    """An allauth page, a Django FormView: HEAD and OPTIONS answer as GET does, PUT as
    POST; PATCH and DELETE are refused (``other``: what each persona gets for them)."""
    more = {"PATCH": other, "DELETE": other} if other else {}
    return row(kwargs, GET=get, HEAD=get, OPTIONS=get, POST=post, PUT=post, **more)


IN_AN_ORGANISATION = {"alice", "bob", "vera", "victor", "carol"}
ORG_ADMINS = {"alice", "vera", "carol"}
# submitting to the library and the news, and the members-only discussions: people in an
# organisation, moderators and staff
CONTRIBUTORS = only(IN_AN_ORGANISATION | {"moderator", "staff"})
EDITORS = only({"moderator", "staff"})
LANTERN_ADMINS = only({"alice", "staff"})  # Lantern's admin and staff
# a survey's own pages are its owner's admins' (and staff's); its readers (bob) get 403,
# anyone else 404: its existence is not theirs to know
SURVEY_MANAGERS = {**everyone(404), "anonymous": LOGIN, "alice": 200, "bob": 403, "staff": 200}
# the journeys of Beacon (verified): its members' only, 404 to anyone else
BEACON_MEMBERS = only({"vera", "victor"}, denied=404)
PUBLISHED = ("published_release",)  # the public side of journeys reads it
# alerts: readers are members of verified organisations, moderators and staff
ALERT_READERS = {"vera", "victor", "moderator", "staff"}

MATRIX = {
    "home": row(GET=everyone(200)),
    "healthz": row(GET=everyone(200)),
    # 404 while METRICS_ENABLED is off (the tests' default); commons/operations/tests
    # check the bearer token when it is on.
    "metrics": row(GET=everyone(404)),
    # a background job's progress: the person who started it (dave here) and staff
    "progress": row({"progress_id": "progress"}, GET=only({"dave", "staff"}, denied=404)),
    "languages": row(GET=everyone(200)),
    # allauth: its pages are class-based views. Signed-in people are sent on from the
    # sign-in and sign-up pages; pages for signed-in people send anonymous visitors to
    # sign in whatever the method; the second-factor pages ask for the password again.
    "account_login": form_view(
        get=signed_in(302, anonymous=200),
        post=signed_in(302, anonymous=200),
        other=signed_in(302, anonymous=405),
    ),
    "account_logout": row(
        GET=signed_in(anonymous=302),
        HEAD=signed_in(anonymous=302),
        POST=everyone(302),
        OPTIONS=everyone(200),
    ),
    "account_inactive": row(GET=everyone(200), HEAD=everyone(200), OPTIONS=everyone(200)),
    "account_signup": form_view(
        get=signed_in(302, anonymous=200),
        post=signed_in(302, anonymous=200),
        other=signed_in(302, anonymous=405),
    ),
    "account_reauthenticate": form_view(get=signed_in(), post=signed_in(), other=signed_in(405)),
    "account_email": form_view(get=signed_in(), post=signed_in(302), other=signed_in(405)),
    "account_email_verification_sent": row(
        GET=everyone(200), HEAD=everyone(200), OPTIONS=everyone(200)
    ),
    "account_change_password": form_view(get=signed_in(), post=signed_in(), other=signed_in(405)),
    # everyone here has a password: sent on to change it
    "account_set_password": row(**every_method(signed_in(302))),
    "account_reset_password": form_view(get=everyone(200), post=everyone(200)),
    "account_confirm_login_code": row(**every_method(signed_in(302))),
    "account_confirm_email": row(
        {"key": "no-such-key"},
        GET=everyone(200),
        HEAD=everyone(200),
        POST=everyone(404),
        OPTIONS=everyone(200),
    ),
    "account_reset_password_from_key_done": row(
        GET=everyone(200), HEAD=everyone(200), OPTIONS=everyone(200)
    ),
    # a wrong key gets the page that says so whatever the method (nothing changes)
    "account_reset_password_from_key": row(
        {"uidb36": "1", "key": "bad-key"}, **every_method(everyone(200))
    ),
    "account_reset_password_done": row(
        GET=everyone(200), HEAD=everyone(200), OPTIONS=everyone(200)
    ),
    "mfa_index": row(
        GET=signed_in(),
        HEAD=signed_in(),
        OPTIONS=signed_in(),
        POST=signed_in(405),
        PUT=signed_in(405),
        PATCH=signed_in(405),
        DELETE=signed_in(405),
    ),
    "mfa_authenticate": row(**every_method(signed_in(302))),
    # steward and staff have a second factor to confirm; the others confirm a password
    "mfa_reauthenticate": form_view(
        get={**signed_in(REAUTH), "steward": 200, "staff": 200},
        post={**signed_in(REAUTH), "steward": 200, "staff": 200},
        other={**signed_in(REAUTH), "steward": 405, "staff": 405},
    ),
    "mfa_activate_totp": row(**every_method(signed_in(REAUTH))),
    "mfa_deactivate_totp": row(
        **every_method(only({"steward", "staff"}, denied=404, status=REAUTH))
    ),
    # nobody here has generated recovery codes yet
    "mfa_view_recovery_codes": row(
        GET=signed_in(404),
        HEAD=signed_in(404),
        OPTIONS=signed_in(),
        POST=signed_in(405),
        PUT=signed_in(405),
        PATCH=signed_in(405),
        DELETE=signed_in(405),
    ),
    "mfa_generate_recovery_codes": row(**every_method(signed_in(REAUTH))),
    "mfa_download_recovery_codes": row(**every_method(signed_in(404))),
    "usersessions_list": form_view(get=signed_in(), post=signed_in(302), other=signed_in(405)),
    # accounts
    "accounts:dashboard": row(GET=signed_in()),
    "accounts:profile": row(GET=signed_in(), POST=signed_in()),
    "accounts:api_tokens": row(GET=signed_in(), POST=signed_in()),
    # bob's token: only bob revokes it; to anyone else it does not exist
    "accounts:revoke_api_token": row(
        {"token_id": "token"}, POST=only({"bob"}, denied=404, status=302)
    ),
    "accounts:switch_language": row(POST=everyone(302)),
    "accounts:organisations": row(GET=everyone(302)),
    "accounts:organisation_create": row(GET=signed_in(), POST=signed_in()),
    # lantern is not verified yet: hidden from anonymous visitors
    "accounts:organisation": row({"slug": "lantern"}, GET=signed_in(anonymous=404)),
    # anyone signed in may ask to join (its members are told they are already in)
    "accounts:organisation_join": row({"slug": "lantern"}, POST=signed_in(302)),
    "accounts:organisation_leave": row(
        {"slug": "lantern"}, POST=only({"alice", "bob"}, denied=404, status=302)
    ),
    "accounts:organisation_verify": row({"slug": "lantern"}, POST=only({"staff"}, status=302)),
    "accounts:members": row({"slug": "lantern"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "accounts:member_decide": row(
        {"slug": "lantern", "membership_id": "bob_membership"},
        POST=only({"alice", "staff"}, status=302),
    ),
    "accounts:member_role": row(
        {"slug": "lantern", "membership_id": "bob_membership"},
        POST=only({"alice", "staff"}, status=302),
    ),
    "accounts:member_remove": row(
        {"slug": "lantern", "membership_id": "bob_membership"},
        POST=only({"alice", "staff"}, status=302),
    ),
    "accounts:invitation": row({"token": "not-a-token"}, GET=everyone(404), POST=everyone(404)),
    # directory
    "directory:search": row(GET=everyone(200)),
    "directory:numbers": row(GET=everyone(200)),
    "directory:export": row({"fmt": "csv"}, GET=everyone(200)),
    "directory:partners": row(GET=everyone(200)),
    "directory:people": row(GET=signed_in()),
    # alice shares her name with signed-in people only (see _account_objects)
    "directory:person": row({"user_id": "alice_id"}, GET=signed_in(anonymous=404)),
    "directory:edit_person": row(GET=signed_in(), POST=signed_in()),
    "directory:edit": row({"slug": "lantern"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "directory:merge": row({"slug": "lantern"}, GET=only({"staff"}), POST=only({"staff"})),
    # journeys: the public side reads published releases only
    "journeys:map": row(GET=everyone(200), needs=PUBLISHED),
    "journeys:country": row({"code": "TH"}, GET=everyone(200), needs=PUBLISHED),
    "journeys:map_download": row({"fmt": "csv"}, GET=everyone(200), needs=PUBLISHED),
    "journeys:releases": row(GET=everyone(200), needs=PUBLISHED),
    "journeys:steward": row(GET=only({"steward", "staff"}), POST=only({"steward", "staff"})),
    "journeys:draft": row(
        {"release_id": "draft"}, GET=only({"steward", "staff"}), POST=only({"steward", "staff"})
    ),
    # a draft is nobody's to download, not even a steward's (they preview it on its page)
    "journeys:release_download": row({"release_id": "draft", "fmt": "csv"}, GET=everyone(404)),
    # contributing pages explain to people without a verified organisation what they need;
    # only members of one send records
    "journeys:contribute": row(GET=signed_in(), POST=only({"vera", "victor"})),
    "journeys:record_new": row(GET=signed_in(), POST=only({"vera", "victor"})),
    "journeys:file_layout": row(GET=everyone(200)),
    "journeys:file_template": row({"fmt": "xlsx"}, GET=everyone(200)),
    # a background import's report: only for the person who started the job (not staff)
    "journeys:import_report": row({"progress_id": "progress"}, GET=only({"dave"}, denied=404)),
    "journeys:batches": row(GET=signed_in()),
    # Beacon's batch and records: its members' (admins and members alike), nobody else's
    "journeys:batch": row({"batch_id": "beacon_batch"}, GET=BEACON_MEMBERS),
    "journeys:withdraw": row(
        {"batch_id": "beacon_batch"},
        data={"confirm": "1"},
        GET=BEACON_MEMBERS,
        POST=only({"vera", "victor"}, denied=404, status=302),
    ),
    "journeys:record_edit": row(
        {"record_id": "beacon_record"}, GET=BEACON_MEMBERS, POST=BEACON_MEMBERS
    ),
    "journeys:export_mine": row({"fmt": "csv"}, query="?organisation=beacon", GET=BEACON_MEMBERS),
    # surveys: an unpublished report is for the owner's members and staff only
    "surveys:list": row(GET=everyone(200)),
    "surveys:report": row(
        {"slug": "survey"}, GET=only({"alice", "bob", "staff"}, denied=404, anonymous=404)
    ),
    "surveys:report_download": row(
        {"slug": "survey", "fmt": "xlsx"},
        GET=only({"alice", "bob", "staff"}, denied=404, anonymous=404),
    ),
    # raw responses: never public, even once the report is published; a POST is refused
    # as a GET is, and is the wrong method for those who may read them
    "surveys:responses_download": row(
        {"slug": "survey", "fmt": "csv"},
        GET=only({"alice", "bob", "staff"}, denied=404, anonymous=404),
        POST=only({"alice", "bob", "staff"}, denied=404, anonymous=404, status=405),
    ),
    "surveys:new": row(GET=only(ORG_ADMINS | {"staff"}), POST=only(ORG_ADMINS | {"staff"})),
    "surveys:manage": row({"slug": "survey"}, GET=SURVEY_MANAGERS, POST=SURVEY_MANAGERS),
    "surveys:import": row({"slug": "survey"}, GET=SURVEY_MANAGERS, POST=SURVEY_MANAGERS),
    "surveys:preview": row({"slug": "survey"}, GET=SURVEY_MANAGERS, POST=SURVEY_MANAGERS),
    # a background import's report: only for the person who started the job
    "surveys:import_report": row(
        {"slug": "survey", "progress_id": "progress"},
        GET={**everyone(404), "anonymous": LOGIN, "bob": 403},
    ),
    # an export written in the background: only for the person who asked (dave's job here
    # is not about this survey, which he may not read)
    "surveys:export_file": row({"slug": "survey", "progress_id": "progress"}, GET=signed_in(404)),
    "surveys:status": row(
        {"slug": "survey"},
        data={"status": "open"},
        POST={**SURVEY_MANAGERS, "alice": 302, "staff": 302},
    ),
    "surveys:new_link": row(
        {"slug": "survey"}, POST={**SURVEY_MANAGERS, "alice": 302, "staff": 302}
    ),
    # the survey is a draft: nobody answers it yet (test_answer covers an open one)
    "surveys:answer": row({"slug": "survey"}, GET=everyone(404), POST=everyone(404)),
    "surveys:answer_link": row(
        {"slug": "survey", "key": "not-the-key"}, GET=everyone(404), POST=everyone(404)
    ),
    "surveys:thanks": row({"slug": "survey"}, GET=everyone(404)),
    # events (views/calendar.py): public pages; a registration's link is its secret
    "events:calendar": row(GET=everyone(200)),
    "events:feed": row(GET=everyone(200)),
    "events:feed_region": row({"region": "asia-pacific"}, GET=everyone(200)),
    "events:confirm": row({"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)),
    "events:registration": row({"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)),
    "events:detail": row({"slug": "event"}, GET=everyone(200)),
    "events:event_ics": row({"slug": "event"}, GET=everyone(200)),
    # signed-in people register at once; a visitor fills in the form (empty here)
    "events:register": row(
        {"slug": "event"}, GET=everyone(200), POST=signed_in(302, anonymous=200)
    ),
    # one's own registration, if any (none here: told so)
    "events:cancel": row({"slug": "event"}, POST=signed_in(302)),
    # feedback opens when the event has started (this one has not)
    "events:feedback": row({"slug": "event"}, GET=everyone(404), POST=everyone(404)),
    # events (views/organise.py): an event's organisers are its organisations' admins
    "events:new": row(GET=only(ORG_ADMINS | {"staff"}), POST=only(ORG_ADMINS | {"staff"})),
    "events:mine": row(GET=signed_in()),
    "events:edit": row({"slug": "event"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "events:programme": row({"slug": "event"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "events:status": row(
        {"slug": "event"},
        data={"status": "published"},
        POST=only({"alice", "staff"}, status=302),
    ),
    "events:participants": row(
        {"slug": "event"}, GET=LANTERN_ADMINS, POST=only({"alice", "staff"}, status=302)
    ),
    "events:participants_download": row({"slug": "event", "fmt": "csv"}, GET=LANTERN_ADMINS),
    "events:feedback_results": row({"slug": "event"}, GET=LANTERN_ADMINS),
    # events (views/outcomes.py): outcomes and commitments are public follow-up
    "events:outcomes": row({"slug": "event"}, GET=everyone(200)),
    "events:outcomes_edit": row({"slug": "event"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "events:outcomes_import": row({"slug": "event"}, GET=LANTERN_ADMINS, POST=LANTERN_ADMINS),
    "events:outcomes_template": row({"fmt": "csv"}, GET=everyone(200)),
    "events:recommendations": row(GET=everyone(200)),
    "events:matrix": row(GET=everyone(200)),
    "events:recommendation": row({"pk": "recommendation"}, GET=everyone(200)),
    # any member speaks for their own organisation's commitments, for no other
    "events:commit": row(
        {"pk": "recommendation"},
        data={"commit-organisation": "lantern_id", "commit-action": "Train"},
        POST=only({"alice", "bob"}, status=302),
    ),
    # the commitment is Lantern's: its members and staff post progress
    "events:commitment": row(
        {"pk": "commitment"}, GET=everyone(200), POST=only({"alice", "bob", "staff"})
    ),
    # organisers (admins of an organisation) and staff extend the themes
    "events:theme_new": row(POST=only(ORG_ADMINS | {"staff"}, status=302)),
    # library: published things are public; submitting is for members, review for moderators
    "library:search": row(GET=everyone(200)),
    "library:collections": row(GET=everyone(200)),
    "library:collection": row({"slug": "collection"}, GET=everyone(200)),
    "library:feed": row(GET=everyone(200)),
    "library:feed_language": row({"language": "km"}, GET=everyone(200)),
    "library:feed_topic": row({"topic": "migration"}, GET=everyone(200)),
    "library:submit": row(GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    "library:mine": row(GET=signed_in()),
    "library:moderation": row(GET=EDITORS),
    "library:review": row(
        {"pk": "pending"}, GET=EDITORS, POST=only({"moderator", "staff"}, status=400)
    ),
    "library:collection_new": row(GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    # alice curates the collection
    "library:collection_edit": row(
        {"slug": "collection"},
        GET=only({"alice", "moderator", "staff"}),
        POST=only({"alice", "moderator", "staff"}),
    ),
    "library:work": row({"slug": "work"}, GET=everyone(200)),
    "library:request_translation": row({"slug": "work"}, POST=signed_in(302)),
    "library:add_version": row({"slug": "work"}, GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    "library:resource": row({"slug": "work", "language": "en"}, GET=everyone(200)),
    "library:file": row({"slug": "work", "language": "en"}, GET=everyone(200)),
    # this version has no cover image
    "library:cover": row({"slug": "work", "language": "en"}, GET=everyone(404)),
    # a published version is edited by moderators only (its submitter, alice, no longer)
    "library:edit": row({"slug": "work", "language": "en"}, GET=EDITORS, POST=EDITORS),
    # news: published posts are public; an unpublished one is its author's and editors'
    "news:list": row(GET=everyone(200)),
    "news:feed": row(GET=everyone(200)),
    "news:feed_kind": row({"kind": "opportunity"}, GET=everyone(200)),
    "news:feed_language": row({"language": "en"}, GET=everyone(200)),
    "news:feed_topic": row({"topic": "migration"}, GET=everyone(200)),
    "news:submit": row(GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    "news:mine": row(GET=signed_in()),
    "news:queue": row(GET=EDITORS),
    "news:post": row({"slug": "post"}, GET=everyone(200)),
    # bob wrote it
    "news:edit": row(
        {"slug": "submitted_post"},
        GET=only({"bob", "moderator", "staff"}, denied=404),
        POST=only({"bob", "moderator", "staff"}, denied=404),
    ),
    "news:review": row(
        {"slug": "submitted_post"},
        GET={**signed_in(404), "bob": 403, "moderator": 200, "staff": 200},
        POST={**signed_in(404), "bob": 403, "moderator": 400, "staff": 400},
    ),
    # newsletter: public pages opened by a token; a member's preferences page
    "newsletter:subscribe": row(GET=everyone(200), POST=everyone(200)),
    "newsletter:preferences": row(GET=signed_in(), POST=signed_in()),
    "newsletter:confirm": row({"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)),
    "newsletter:manage": row({"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)),
    "newsletter:unsubscribe": row(
        {"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)
    ),
    # newsletter issues: the archive of sent ones is public; the rest is the editors'
    "newsletter:archive": row(GET=everyone(200)),
    "newsletter:archived_issue": row({"pk": "sent_issue"}, GET=everyone(200)),
    "newsletter:issues": row(GET=EDITORS),
    "newsletter:issue_new": row(GET=EDITORS, POST=EDITORS),
    "newsletter:issue": row({"pk": "issue"}, GET=EDITORS, POST=EDITORS),
    "newsletter:issue_preview": row({"pk": "issue"}, GET=EDITORS),
    "newsletter:issue_progress": row({"pk": "issue"}, GET=EDITORS),
    "newsletter:entry_new": row({"pk": "issue"}, GET=EDITORS, POST=EDITORS),
    "newsletter:entry_edit": row({"pk": "issue", "item": "entry"}, GET=EDITORS, POST=EDITORS),
    "newsletter:issue_propose": row({"pk": "issue"}, POST=only({"moderator", "staff"}, status=302)),
    "newsletter:issue_test": row({"pk": "issue"}, POST=only({"moderator", "staff"}, status=302)),
    "newsletter:issue_schedule": row(
        {"pk": "issue"}, POST=only({"moderator", "staff"}, status=302)
    ),
    "newsletter:issue_unschedule": row(
        {"pk": "issue"}, POST=only({"moderator", "staff"}, status=302)
    ),
    "newsletter:issue_delete": row({"pk": "issue"}, POST=only({"moderator", "staff"}, status=302)),
    "newsletter:entry_move": row(
        {"pk": "issue", "item": "entry"}, POST=only({"moderator", "staff"}, status=302)
    ),
    "newsletter:entry_remove": row(
        {"pk": "issue", "item": "entry"}, POST=only({"moderator", "staff"}, status=302)
    ),
    # discussions: a members-only category and its thread are for members of any
    # organisation and moderators; moderation for moderators and staff
    "discussions:index": row(GET=everyone(200)),
    "discussions:search": row(GET=everyone(200)),
    "discussions:tag": row({"tag": "recruitment"}, GET=everyone(200)),
    "discussions:category": row({"slug": "members_category"}, GET=CONTRIBUTORS),
    "discussions:thread": row({"pk": "thread"}, GET=CONTRIBUTORS),
    "discussions:attachment": row({"pk": "attachment"}, GET=CONTRIBUTORS),
    "discussions:new_thread": row(
        {"slug": "members_category"}, GET=CONTRIBUTORS, POST=CONTRIBUTORS
    ),
    "discussions:reply": row({"pk": "thread"}, GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    "discussions:flag": row({"pk": "message"}, GET=CONTRIBUTORS, POST=CONTRIBUTORS),
    "discussions:people": row(GET=CONTRIBUTORS),
    # alice wrote the message
    "discussions:edit_message": row(
        {"pk": "message"},
        GET=only({"alice", "moderator", "staff"}),
        POST=only({"alice", "moderator", "staff"}),
    ),
    "discussions:watch": row(
        {"pk": "thread"}, POST=only(IN_AN_ORGANISATION | {"moderator", "staff"}, status=302)
    ),
    "discussions:moderation": row(GET=EDITORS),
    "discussions:moderate_message": row(
        {"pk": "message"}, GET=EDITORS, POST=only({"moderator", "staff"}, status=400)
    ),
    "discussions:moderate_thread": row(
        {"pk": "thread"}, GET=EDITORS, POST=only({"moderator", "staff"}, status=400)
    ),
    "discussions:dismiss_flag": row({"pk": "flag"}, POST=only({"moderator", "staff"}, status=302)),
    "discussions:notifications": row(GET=signed_in(), POST=signed_in(302)),
    # an empty form is a bad request
    "discussions:settings": row(GET=signed_in(), POST=signed_in(400)),
    "discussions:unsubscribe": row(
        {"token": "no-such-token"}, GET=everyone(404), POST=everyone(404)
    ),
    # alerts: readers are members of verified organisations, moderators and staff; the
    # list explains to other signed-in people who reads; an alert is 404 to anyone who
    # may not read it
    "alerts:list": row(GET=signed_in()),
    "alerts:detail": row({"pk": "alert"}, GET=only(ALERT_READERS, denied=404)),
    # only a data steward (with a second factor) exports them, not even staff
    "alerts:export": row(GET=only({"steward"})),
    "alerts:new": row(GET=only({"vera", "victor"}), POST=only({"vera", "victor"})),
    "alerts:mine": row(GET=signed_in()),
    # vera wrote both alerts. A submitted one is hers to edit; moderators review it
    "alerts:edit": row(
        {"pk": "submitted_alert"},
        GET={**signed_in(404), "vera": 200, "moderator": 403, "staff": 403},
        POST={**signed_in(404), "vera": 200, "moderator": 403, "staff": 403},
    ),
    # its author and moderators correct, retract and renew a published one; other
    # readers (victor) see it but may not (an empty form is a bad request)
    "alerts:correct": row(
        {"pk": "alert"},
        POST={**signed_in(404), "vera": 400, "victor": 403, "moderator": 400, "staff": 400},
    ),
    "alerts:retract": row(
        {"pk": "alert"},
        POST={**signed_in(404), "vera": 400, "victor": 403, "moderator": 400, "staff": 400},
    ),
    "alerts:renew": row(
        {"pk": "alert"},
        POST={**signed_in(404), "vera": 302, "victor": 403, "moderator": 302, "staff": 302},
    ),
    "alerts:queue": row(GET=EDITORS),
    "alerts:review": row({"pk": "submitted_alert"}, GET=EDITORS, POST=EDITORS),
    "alerts:replies": row(GET=EDITORS),
    "alerts:reply": row({"pk": "alert_reply"}, GET=EDITORS, POST=EDITORS),
    "alerts:reply_form": row(GET=everyone(200), POST=everyone(200)),
    "alerts:reply_sent": row(GET=everyone(200)),
    # the admins of a verified organisation subscribe it (vera for Beacon)
    "alerts:subscriptions": row(
        data={"organisation": "beacon", "beacon-countries": ["TH"]},
        GET=signed_in(),
        POST=only({"vera"}, status=302),
    ),
    # API: anonymous callers get 401 where a signature is needed, 404 where what they ask
    # for is hidden from them
    # the schema and its page: public, read-only
    "api-v1:openapi-json": row(GET=everyone(200)),
    "api-v1:openapi-view": row(GET=everyone(200)),
    "api-v1:api-root": row(**every_method(everyone(404))),
    "api-v1:me": row(GET=signed_in(anonymous=401)),
    "api-v1:numbers": row(GET=everyone(200)),
    "api-v1:search": row(GET=everyone(200)),
    # lantern is not verified yet: hidden from anonymous callers
    "api-v1:detail": row({"slug": "lantern"}, GET=signed_in(anonymous=404)),
    "api-v1:people": row(GET=signed_in(anonymous=401)),
    "api-v1:person": row({"user_id": "alice_id"}, GET=signed_in(anonymous=401)),
    "api-v1:partners": row(GET=everyone(200)),
    # journeys: the published release only
    "api-v1:releases": row(GET=everyone(200), needs=PUBLISHED),
    "api-v1:release_current": row(GET=everyone(200), needs=PUBLISHED),
    "api-v1:journey_flows": row(GET=everyone(200), needs=PUBLISHED),
    "api-v1:journey_country": row({"iso2": "TH"}, GET=everyone(200), needs=PUBLISHED),
    # one's own organisations' journeys summary
    "api-v1:mine": row(GET=signed_in(anonymous=401)),
    "api-v1:posts": row(GET=everyone(200)),
    "api-v1:resources": row(GET=everyone(200)),
    "api-v1:resource_detail": row({"slug": "work"}, GET=everyone(200)),
    "api-v1:events": row(GET=everyone(200)),
    "api-v1:event_detail": row({"slug": "event"}, GET=everyone(200)),
    "api-v1:recommendations": row(GET=everyone(200)),
    "api-v1:commitments": row(GET=everyone(200)),
    "api-v1:newsletter_issues": row(GET=everyone(200)),
    "api-v1:newsletter_issue": row({"id": "sent_issue"}, GET=everyone(200)),
    # the thread is in a members-only category
    "api-v1:discussion_threads": row(GET=everyone(200)),
    "api-v1:discussion_thread": row(
        {"id": "thread"},
        GET=only(IN_AN_ORGANISATION | {"moderator", "staff"}, denied=404, anonymous=404),
    ),
    # alerts: a reader's personal token only (a session does not count)
    "api-v1:alerts": row(GET={**everyone(401), **tokens(only(ALERT_READERS))}),
    "api-v1:alert": row({"id": "alert"}, GET={**everyone(401), **tokens(only(ALERT_READERS))}),
}


DEBUG_ONLY = {""}  # the media-file route only exists with DEBUG on


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")


def group_of(name: str) -> str:
    if ":" in name:
        return name.split(":")[0]
    return "allauth" if name.startswith(("account_", "mfa_", "usersessions_")) else "core"


GROUPS = sorted({group_of(name) for name in MATRIX})


def test_every_url_pattern_has_an_entry_for_every_method_and_persona():
    names = set(_patterns(get_resolver().url_patterns))
    missing = sorted(n for n in names - set(MATRIX) - DEBUG_ONLY if not n.startswith("admin:"))
    assert missing == [], f"add these URLs to the access matrix: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert stale == [], f"these URLs no longer exist: {stale}"
    for name, entry in MATRIX.items():
        assert entry.methods, f"{name} lists no method"
        assert set(entry.methods) <= set(METHODS), f"{name}: unknown method"
        for method, expected in entry.methods.items():
            assert set(PERSONAS) <= set(expected) <= {*PERSONAS, *TOKENS}, (
                f"{name} {method} lacks an expected status for some persona"
            )


# --- The objects the URLs name, built on demand for each test --------------------------

BUILDERS = {}


def builds(*keys):
    def register(builder):
        BUILDERS.update(dict.fromkeys(keys, builder))
        return builder

    return register


class Objects(dict):
    """Object keys used in the rows' arguments and bodies -> primary keys or slugs; each
    builder runs the first time one of its keys is asked for."""

    def __init__(self, personas):
        super().__init__()
        self.personas = personas

    def __missing__(self, key):
        self.update(BUILDERS[key](self.personas))
        return self[key]

    def resolve(self, values: dict) -> dict:
        return {
            k: self[v] if isinstance(v, str) and v in BUILDERS else v for k, v in values.items()
        }


@builds("lantern_id", "progress", "token", "bob_membership", "alice_id")
def _account_objects(personas) -> dict:
    from commons.core.services import start_progress
    from commons.directory.services import save_person_profile

    lantern = personas["alice"].memberships.get().organisation
    return {
        "lantern_id": lantern.pk,
        "progress": start_progress(label="Import", owner=personas["dave"]).pk,
        "token": ApiToken.objects.create(
            user=personas["bob"], name="t", key_prefix="fc_x", key_hash="x" * 64
        ).pk,
        "bob_membership": Membership.objects.get(user=personas["bob"], organisation=lantern).pk,
        # alice shares her name with signed-in people only
        "alice_id": save_person_profile(
            user=personas["alice"], fields={"title": "Director"}, visibility={"name": "members"}
        ).pk,
    }


@builds("beacon_batch", "beacon_record")
def _journey_objects(personas) -> dict:
    from commons.journeys.services import import_records
    from commons.journeys.tests.test_import import ATTESTATION, GOOD, _csv

    beacon = personas["vera"].memberships.get().organisation
    batch = import_records(
        organisation=beacon, by=personas["victor"], source=_csv(*GOOD), attestation=ATTESTATION
    ).batch
    return {"beacon_batch": batch.pk, "beacon_record": batch.records.first().pk}


@builds("published_release", "draft")
def _release_objects(personas) -> dict:
    from commons.journeys.releases import publish_release

    published = publish_release(release=build_release())
    return {"published_release": published.pk, "draft": build_release().pk}


@builds("survey")
def _survey_objects(personas) -> dict:
    lantern = personas["alice"].memberships.get().organisation
    return {"survey": create_survey(workbook=cso_form(), owner=lantern, slug="matrix").slug}


@builds("event", "recommendation", "commitment")
def _event_objects(personas) -> dict:
    from commons.events.outcomes import add_recommendations, commit_to
    from commons.events.tests.conftest import make_event

    lantern = personas["alice"].memberships.get().organisation
    event = make_event(organisers=[lantern], slug="matrix-event")
    [recommendation] = add_recommendations(
        event=event, region="asia-pacific", audience="legal-field", texts=["Train judges."]
    )
    commitment = commit_to(recommendation=recommendation, organisation=lantern, action="Do it")
    return {"event": event.slug, "recommendation": recommendation.pk, "commitment": commitment.pk}


@builds("work", "pending", "collection")
def _library_objects(personas) -> dict:
    from commons.library.files import CheckedFile
    from commons.library.services import (
        approve_resource,
        create_work,
        save_collection,
        submit_resource,
    )

    lantern = personas["alice"].memberships.get().organisation
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


@builds("post", "submitted_post")
def _news_objects(personas) -> dict:
    from commons.news.tests.conftest import post

    published = post(personas["alice"], personas["moderator"], title="Matrix news")
    submitted = post(personas["bob"], title="Matrix report", kind="field-report")
    return {"post": published.slug, "submitted_post": submitted.slug}


@builds("members_category", "thread", "message", "attachment", "flag")
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


@builds("issue", "entry", "sent_issue")
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


@builds("alert", "submitted_alert", "alert_reply")
def _alert_objects(personas) -> dict:
    from commons.alerts.models import RightOfReply
    from commons.alerts.tests.conftest import make_alert

    # vera is the admin of Beacon, a verified organisation: she writes alerts
    published = make_alert(personas["vera"], personas["moderator"], actor_name="Matrix Agency")
    submitted = make_alert(personas["vera"], actor_name="Matrix Broker")
    reply = RightOfReply.objects.create(
        name="N",
        represents="Matrix Agency",
        email="n@example.org",
        actor_name="Matrix",
        statement="S",
    )
    return {"alert": published.pk, "submitted_alert": submitted.pk, "alert_reply": reply.pk}


# --- Asking ----------------------------------------------------------------------------

LOGIN_PATHS = {"/accounts/login/", "/admin/login/"}
REAUTH_PATHS = {"/accounts/reauthenticate/"}


class Caller:
    """A persona's client, put back as it was at sign-in before each request."""

    def __init__(self, user=None, *, token: str = ""):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        self.client = Client(raise_request_exception=False, **extra)
        if user is not None:
            self.client.force_login(user)
        # One request kept: a session's first activity and a token's first use are
        # written once here rather than in every request (each is rolled back).
        self.client.get(reverse("api-v1:me"))
        self.cookies = copy.deepcopy(self.client.cookies)

    def status(self, method: str, url: str, data: dict):
        self.client.cookies = copy.deepcopy(self.cookies)
        with transaction.atomic():
            if method == "POST":
                response = self.client.post(url, data)
            else:
                response = self.client.generic(method, url)
            transaction.set_rollback(True)
        if method not in ("GET", "HEAD"):
            cache.clear()  # rate limits count requests that were rolled back
        if response.status_code in (301, 302, 303):
            path = urlsplit(response["Location"]).path
            if path in LOGIN_PATHS:
                return LOGIN
            if path in REAUTH_PATHS:
                return REAUTH
        return response.status_code


def callers(personas, *, api: bool) -> dict[str, Caller]:
    found = {p: Caller(personas[p]) for p in PERSONAS}
    for persona in SIGNED_IN if api else [PAGE_TOKEN.removeprefix("token:")]:
        _token, key = create_api_token(user=personas[persona], name="matrix")
        found[f"token:{persona}"] = Caller(token=key)
    return found


def expected_for(name: str, statuses: dict) -> dict:
    """Fill in the token columns: on the API a token gets what its owner's session gets
    unless the row says otherwise; on pages a token is nobody."""
    if name.startswith("api-v1:"):
        return {**statuses, **{t: statuses.get(t, statuses[t[6:]]) for t in TOKENS}}
    return {**statuses, PAGE_TOKEN: statuses.get(PAGE_TOKEN, statuses["anonymous"])}


def _classes(name: str, entry: Row, columns) -> list[list[str]]:
    """The personas (and tokens) grouped by what they get on the row's methods."""
    found = {}
    for persona in columns:
        key = tuple(str(expected_for(name, entry.methods[m])[persona]) for m in entry.methods)
        found.setdefault(key, []).append(persona)
    return list(found.values())


def wrong_statuses(rows: dict, personas, *, api: bool, listed: bool) -> list[str]:
    """Ask every URL of ``rows`` with the methods its row lists (``listed``), or with
    the others: every persona asks each listed method; for the others, one persona of
    each group that the row treats alike (a different one for each method) checks that
    the view does not answer it."""
    objects = Objects(personas)
    calling = callers(personas, api=api)
    wrong = []
    for name, entry in rows.items():
        url = reverse(name, kwargs=objects.resolve(entry.kwargs)) + entry.query
        data = objects.resolve(entry.data)
        for key in entry.needs:
            objects[key]  # built on demand
        if listed:
            asked = [
                (method, persona, status)
                for method, statuses in entry.methods.items()
                for persona, status in expected_for(name, statuses).items()
            ]
        else:
            classes = _classes(name, entry, calling)
            unlisted = [m for m in METHODS if m not in entry.methods]
            asked = [
                (method, members[i % len(members)], 405)
                for i, method in enumerate(unlisted)
                for members in classes
            ]
        for method, persona, status in asked:
            actual = calling[persona].status(method, url, data)
            if actual != status:
                wrong.append(f"{name} {method} {persona}: {actual!r}, expected {status!r}")
    return wrong


def rows_of(group: str) -> dict:
    return {name: MATRIX[name] for name in sorted(MATRIX) if group_of(name) == group}


@pytest.mark.parametrize("group", GROUPS)
def test_each_persona_gets_the_expected_status_for_each_method(group, verified_personas):
    wrong = wrong_statuses(rows_of(group), verified_personas, api=group == "api-v1", listed=True)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("group", GROUPS)
def test_no_url_answers_a_method_it_has_no_entry_for(group, verified_personas):
    """A view that starts answering PUT, or a GET-only page that starts taking POST,
    fails here until its row says who may use it."""
    wrong = wrong_statuses(rows_of(group), verified_personas, api=group == "api-v1", listed=False)
    assert wrong == [], "add these methods to the access matrix:\n" + "\n".join(wrong)


# Django's admin checks staff status itself, before it looks at the method.
ADMIN = {
    name: row(**every_method(only({"staff"}, denied=LOGIN)))
    for name in [
        "admin:index",
        "admin:accounts_user_changelist",
        "admin:accounts_organisation_changelist",
    ]
}


def test_the_admin_is_for_staff_only(verified_personas):
    wrong = wrong_statuses(ADMIN, verified_personas, api=False, listed=True)
    assert wrong == [], "\n".join(wrong)


def test_a_post_without_its_csrf_token_is_refused(bob, lantern):
    """The matrix's client skips CSRF checks; a browser's POST needs the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    url = reverse("accounts:organisation_leave", kwargs={"slug": "lantern"})
    assert client.post(url).status_code == 403
    assert bob.memberships.filter(organisation=lantern, status="active").exists()
    client.get(reverse("accounts:organisation", kwargs={"slug": "lantern"}))
    token = client.cookies["csrftoken"].value
    assert client.post(url, HTTP_X_CSRFTOKEN=token).status_code == 302
    assert not bob.memberships.filter(organisation=lantern, status="active").exists()
