"""The world of ``test_field_leaks``: every sensitive field holds a sentinel (a value found
nowhere else on the platform), written through the services as people would write it,
and a reader of any response (a page, an htmx fragment, JSON, CSV, XLSX, a feed, an
iCalendar file, an e-mail) that returns all the text it carries.

``seed(people)`` returns the ids, slugs and secrets the crawled addresses need.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile

from django.utils import timezone

from commons.accounts.models import Membership, Organisation
from commons.conftest import make_user

# --- The sentinels --------------------------------------------------------------------
# Plain letters and digits (no character that HTML, JSON, CSV, Markdown or iCalendar
# would escape or fold), each unique to the field it stands in.

PETRA_EMAIL = "petra.w7731@example.net"
PETRA_PHONE = "+66817731001"
PETRA_BIO = "Petra7731bio"
QUENTIN_EMAIL = "quentin.w7732@example.net"
QUENTIN_PHONE = "+66817732002"
QUENTIN_BIO = "Quentin7732bio"
NADIA_EMAIL = "nadia.w7733@example.net"
JOIN_MESSAGE = "Join7733message"
INVITEE_EMAIL = "ivy.w7734@example.net"

ALERT_ACTOR = "Zarnik7741 Manpower"
ALERT_LICENCE = "LIC7741X"
ALERT_EVIDENCE = "Evidence7741summary"
ALERT_REPORTER = "Rhea Zorvek7742"
REPORTER_EMAIL = "rhea.w7742@example.net"
SUBMITTED_ACTOR = "Pending7743 Brokers"
REPLY_NAME = "Ruslan Okor7751"
REPLY_EMAIL = "ruslan.w7751@example.net"
REPLY_STATEMENT = "Statement7751attached"
NEW_REPLY_STATEMENT = "Statement7752waiting"

JOURNEY_ATTESTATION = "Consent7761attested"
# Record-level values: real towns (places are checked against the gazetteer), named
# nowhere else on the platform, on a route (Bhutan to Iceland) of one person.
JOURNEY_RECRUITMENT_PLACE = "Phuntsholing"
JOURNEY_EXPLOITATION_PLACE = "Akureyri"
JOURNEY_REJECTED_CELL = "Pier7762 house"

SURVEY_ANSWER = "Answer7771text"
SURVEY_TITLE = "Members survey 7771"

GUEST_NAME = "Gita Zorvek7781"
GUEST_EMAIL = "gita.w7781@example.net"
GUEST_ORGANISATION = "Orchid7781 Collective"
EVENT_LINK = "https://meet.example.org/room7782"
FEEDBACK = "Useful7783feedback"

MEMBERS_THREAD = "Thread7791title"
MEMBERS_MESSAGE = "Body7791message"
MEMBERS_POST = "Briefing7795members"
# People who gave no name: what a page could show of them instead is their address.
NAMELESS_AUTHOR = "wren.w7796"
NAMELESS_MODERATOR = "moss.w7797"
SUBSCRIBER_EMAIL = "nora.w7801@example.net"


# --- Reading what a response carries ----------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def carried(response) -> str:
    """All the text a response carries: its body decoded (iCalendar lines unfolded), the
    cell values of a workbook, and its headers."""
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    kind = response.get("Content-Type", "")
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    if kind.startswith(XLSX) or (
        content.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(content))
    ):
        return headers + "\n" + workbook_text(content)
    if kind.startswith(("image/png", "application/pdf")):
        return headers
    text = content.decode("utf-8", errors="replace")
    if kind.startswith("text/calendar"):
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    if kind.startswith("application/json"):
        # the same text whatever JSON escapes (non-ASCII letters, slashes)
        text += "\n" + json.dumps(json.loads(text or "null"), ensure_ascii=False)
    return headers + "\n" + text


def workbook_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def mail_text(message) -> str:
    """Everything a mail program shows or keeps of a message: its headers (recipients
    included), subject, body, alternatives and attachments."""
    parts = [
        message.subject,
        message.body,
        "To: " + ", ".join(message.to),
        "Cc: " + ", ".join(message.cc),
        "Bcc: " + ", ".join(message.bcc),
        *(f"{name}: {value}" for name, value in message.extra_headers.items()),
        *(content for content, _kind in getattr(message, "alternatives", [])),
    ]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload()
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace")
        parts.append(str(content).replace("\r\n ", ""))
    return "\n".join(parts)


# --- The world ------------------------------------------------------------------------


def _person(email: str, name: str, **flags):
    user = make_user(email, name=name, **flags)
    # old enough that the discussions do not hold their messages for review
    user.date_joined = timezone.now() - datetime.timedelta(days=60)
    user.save(update_fields=["date_joined"])
    return user


def personas() -> dict:
    """The ten personas of ``commons/conftest.py`` (``verified_personas``), made here for
    a world that lives as long as a test module."""
    from commons.conftest import with_totp

    staff = with_totp(
        make_user("stella@example.org", name="Stella", is_staff=True, is_superuser=True)
    )
    lantern = Organisation.objects.create(name="Lantern Outreach", slug="lantern", country="TH")
    harbour = Organisation.objects.create(name="Harbour Legal Aid", slug="harbour", country="KH")
    beacon = Organisation.objects.create(
        name="Beacon Shelter Network",
        slug="beacon",
        country="VN",
        verified_at=timezone.now(),
        verified_by=staff,
    )
    people = {"anonymous": None}
    for name, organisation, role in [
        ("alice", lantern, "admin"),
        ("bob", lantern, "member"),
        ("carol", harbour, "admin"),
        ("vera", beacon, "admin"),
        ("victor", beacon, "member"),
    ]:
        people[name] = make_user(f"{name}@example.org", name=name.title())
        Membership.objects.create(
            user=people[name], organisation=organisation, role=role, status="active"
        )
    people["dave"] = make_user("dave@example.org", name="Dave")
    people["moderator"] = make_user("mona@example.org", name="Mona", is_moderator=True)
    people["steward"] = with_totp(make_user("sam@example.org", name="Sam", is_data_steward=True))
    people["staff"] = staff
    return people


def seed(people: dict) -> dict:
    """Write every sentinel where it belongs; ``people`` are the personas by name
    (``personas()``). Returns what the crawled addresses need."""
    found: dict = {}
    found.update(_directory(people))
    found.update(_alerts(people))
    found.update(_journeys(people))
    found.update(_surveys(people))
    found.update(_events(people))
    found.update(_discussions(people))
    found.update(_news(people))
    found["nadia_membership"] = Membership.objects.get(user_id=found["nadia"]).pk
    return found


def _directory(people) -> dict:
    from commons.accounts.services import invite_member, request_membership
    from commons.directory.services import save_person_profile

    petra = _person(PETRA_EMAIL, "Petra Sentinel")
    # Petra shows her name to everyone and her contact details to signed-in members
    save_person_profile(
        user=petra,
        fields={"title": "Field officer", "bio": PETRA_BIO, "phone": PETRA_PHONE},
        visibility={"name": "public", "bio": "members", "email": "members", "phone": "members"},
    )
    quentin = _person(QUENTIN_EMAIL, "Quentin Sentinel")
    quarry = Organisation.objects.create(name="Quarry Support", slug="quarry", country="LA")
    Membership.objects.create(user=quentin, organisation=quarry, role="admin", status="active")
    # Quentin is listed to members but keeps his bio and his contact details to himself
    save_person_profile(
        user=quentin,
        fields={"title": "Counsellor", "bio": QUENTIN_BIO, "phone": QUENTIN_PHONE},
        visibility={"name": "members", "bio": "private", "email": "private", "phone": "private"},
    )
    nadia = _person(NADIA_EMAIL, "Nadia Sentinel")
    lantern = Organisation.objects.get(slug="lantern")
    request_membership(user=nadia, organisation=lantern, message=JOIN_MESSAGE)
    invite_member(organisation=lantern, email=INVITEE_EMAIL, by=people["alice"])
    return {"petra": petra.pk, "quentin": quentin.pk, "nadia": nadia.pk}


def _alerts(people) -> dict:
    from commons.alerts import services
    from commons.alerts.rules import verified_organisations_of

    beacon = Organisation.objects.get(slug="beacon")
    rhea = _person(REPORTER_EMAIL, ALERT_REPORTER)
    Membership.objects.create(user=rhea, organisation=beacon, role="member", status="active")
    values = {
        "actor_kind": "agency",
        "actor_aliases": [],
        "actor_country": "TH",
        "countries": ["TH", "KH"],
        "routes": [["KH", "TH"]],
        "patterns": ["fees"],
        "source_kind": "direct-case",
    }
    published = services.save_alert(
        fields={
            **values,
            "actor_name": ALERT_ACTOR,
            "licence_number": ALERT_LICENCE,
            "evidence_summary": ALERT_EVIDENCE,
        },
        author=rhea,
        organisation=verified_organisations_of(rhea)[0],
        submit=True,
    )
    moss = make_user(f"{NAMELESS_MODERATOR}@example.net", is_moderator=True)
    published = services.publish_alert(alert=published, moderator=moss)
    submitted = services.save_alert(
        fields={**values, "actor_name": SUBMITTED_ACTOR, "evidence_summary": "Waiting."},
        author=rhea,
        organisation=beacon,
        submit=True,
    )
    reply = services.submit_reply(
        fields={
            "name": REPLY_NAME,
            "represents": "Zarnik Manpower",
            "email": REPLY_EMAIL,
            "actor_name": ALERT_ACTOR,
            "statement": REPLY_STATEMENT,
        },
        ip_address="192.0.2.10",
    )
    services.attach_reply(reply=reply, alert=published, moderator=people["moderator"])
    waiting = services.submit_reply(
        fields={
            "name": REPLY_NAME,
            "represents": "Zarnik Manpower",
            "email": REPLY_EMAIL,
            "actor_name": ALERT_ACTOR,
            "statement": NEW_REPLY_STATEMENT,
        },
        ip_address="192.0.2.11",
    )
    return {
        "rhea": rhea.pk,
        "alert": published.pk,
        "submitted_alert": submitted.pk,
        "reply": waiting.pk,
        "attached_reply": reply.pk,
    }


JOURNEY_HEADER = (
    "case_reference,year,sex,age_band,citizenship,recruitment_country,recruitment_place,"
    "exploitation_country,exploitation_place,forms,sector,count"
)


def _journeys(people) -> dict:
    from commons.core.services import finish_progress, start_progress
    from commons.journeys.releases import build_release, publish_release
    from commons.journeys.services import import_records

    beacon = Organisation.objects.get(slug="beacon")
    rows = [
        JOURNEY_HEADER,
        f"B-1,2022,female,18-20,BT,BT,{JOURNEY_RECRUITMENT_PLACE},IS,"
        f"{JOURNEY_EXPLOITATION_PLACE},forced_labour,fishing,1",
        f"B-2,2022,female,18-20,MM,MM,,TH,{JOURNEY_REJECTED_CELL},,,",
    ]
    source = io.BytesIO(("\n".join(rows) + "\n").encode())
    report = import_records(
        organisation=beacon, by=people["vera"], source=source, attestation=JOURNEY_ATTESTATION
    )
    assert report.accepted == 1 and len(report.rejected) == 1, report.rejected
    # the report of an import done in the background quotes the rejected cell
    progress = start_progress(label="Import", owner=people["vera"])
    finish_progress(progress_id=progress.pk, result=report.as_dict())
    release = build_release(by=people["steward"])
    publish_release(release=release, by=people["steward"])
    draft = build_release(by=people["steward"])
    record = report.batch.records.get()
    return {
        "batch": report.batch.pk,
        "record": record.pk,
        "journey_import": progress.pk,
        "release": release.pk,
        "draft": draft.pk,
    }


def _surveys(people) -> dict:
    from commons.core.services import finish_progress, start_progress
    from commons.surveys.models import Response
    from commons.surveys.services import create_survey, update_survey, write_responses_export
    from commons.surveys.tests.forms import cso_form

    lantern = Organisation.objects.get(slug="lantern")
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="leaks")
    respondents = [_person(f"respondent{n}@example.org", f"Respondent {n}") for n in range(6)]
    Response.objects.bulk_create(
        Response(
            survey=survey,
            respondent=respondent,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            answers={
                "trained": "yes" if n else "no",
                "populations": "children women" if n else "migrants",
                "staff": 10 + n,
                "comments": SURVEY_ANSWER if n == 0 else "",
            },
        )
        for n, respondent in enumerate(respondents)
    )
    # the owner publishes the report: everyone reads its figures, never raw answers
    survey = update_survey(
        survey=survey,
        by=people["alice"],
        title=SURVEY_TITLE,
        audience=survey.audience,
        once_per=survey.once_per,
        organisations=[],
        readers=[],
        report_public=True,
    )
    progress = start_progress(label="Export", owner=people["alice"])
    result = write_responses_export(survey=survey, by=people["alice"], format="xlsx", filters={})
    finish_progress(progress_id=progress.pk, result=result)
    return {"survey": survey.slug, "survey_export": progress.pk}


def _events(people) -> dict:
    from commons.events import services
    from commons.events.models import Feedback
    from commons.events.tests.conftest import make_event

    lantern = Organisation.objects.get(slug="lantern")
    event = make_event(organisers=[lantern], slug="leaks-webinar", online_url=EVENT_LINK)
    guest, token = services.register(
        event=event, name=GUEST_NAME, email=GUEST_EMAIL, organisation_name=GUEST_ORGANISATION
    )
    guest = services.confirm_registration(registration=guest, token=token)
    services.register(event=event, user=people["victor"])
    Feedback.objects.create(registration=guest, rating=4, useful=FEEDBACK)
    return {"event": event.slug, "guest_token": token}


def _discussions(people) -> dict:
    from commons.discussions import services
    from commons.discussions.models import Category

    members = Category.objects.create(slug="leaks-members", name="Members", audience="members")
    # alice has written here for long: her messages are not held for review
    alice = people["alice"]
    alice.date_joined = timezone.now() - datetime.timedelta(days=60)
    alice.save(update_fields=["date_joined"])
    thread = services.start_thread(
        author=people["alice"], category=members, title=MEMBERS_THREAD, body=MEMBERS_MESSAGE
    )
    message = thread.messages.get()
    return {"members_category": members.slug, "thread": thread.pk, "message": message.pk}


def _news(people) -> dict:
    from commons.news.models import Post
    from commons.news.tests.conftest import post
    from commons.newsletter.tests.conftest import subscriber

    members_post = post(
        people["alice"],
        people["moderator"],
        title=MEMBERS_POST,
        audience=Post.Audience.MEMBERS,
    )
    wren = make_user(f"{NAMELESS_AUTHOR}@example.net")
    lantern = Organisation.objects.get(slug="lantern")
    Membership.objects.create(user=wren, organisation=lantern, role="member", status="active")
    public_post = post(wren, people["moderator"], title="Shelter opens in Mae Sot")
    subscriber(SUBSCRIBER_EMAIL)
    return {"members_post": members_post.slug, "public_post": public_post.slug}
