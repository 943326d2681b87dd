"""Every free-text field a member can fill renders the XSS corpus inert on every page,
feed and e-mail that shows it, for the people who can see it (issue 11, hostile input).

Each test fills one object's fields with the whole corpus at once (short fields get the
corpus in as many objects as their length needs), then checks each page that shows them.
"""

import datetime
import importlib
import xml.etree.ElementTree as ET

from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commons.conftest import client_for
from commons.core.tests.xss import ALL_PAYLOADS, PAYLOADS, assert_inert, problems_in


def batches(limit: int) -> list[str]:
    """The corpus cut into strings of at most `limit` characters, no payload split."""
    found, current = [], ""
    for payload in PAYLOADS:
        joined = f"{current} {payload}" if current else payload
        if len(joined) <= limit:
            current = joined
        else:
            found.append(current)
            current = payload
    return [*found, current]


def page(user, url: str, *, htmx: bool = False, **params) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(user).get(url, params, headers=headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def check(user, url: str, *, shows: bool = True, htmx: bool = False, **params) -> str:
    """Check that the page at `url` (or its htmx fragment) is inert and, unless told
    otherwise, shows the corpus."""
    html = page(user, url, htmx=htmx, **params)
    assert_inert(html, url)
    if shows:
        assert "alert(1)" in html, f"{url} does not show the payloads: the check proves nothing"
    return html


def feed_html(xml: bytes) -> list[str]:
    """The HTML a feed reader would render: the descriptions and contents of its entries."""
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    return [
        element.text or ""
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in {"description", "summary", "content"}
    ]


def html_of(message) -> str:
    alternatives = [body for body, kind in getattr(message, "alternatives", []) if "html" in kind]
    return alternatives[0] if alternatives else ""


def test_the_checker_catches_each_payload_that_would_run_unescaped():
    # The corpus is worth something only if the checker sees the raw payloads.
    raw = [p for p in PAYLOADS if p.startswith("<") and "noscript" not in p and "scr<" not in p]
    raw = [p for p in raw if not p.startswith("<javascript:")]
    assert all(problems_in(p) for p in raw), [p for p in raw if not problems_in(p)]
    assert problems_in('<iframe sandbox="allow-scripts" srcdoc="x"></iframe>')
    assert problems_in('<iframe sandbox srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>')
    assert not problems_in('<head><script src="/static/js/a.js"></script><style>p{}</style></head>')


def test_the_markdown_renderer_leaves_nothing_that_runs():
    from commons.lib.text import render_markdown

    assert_inert(render_markdown(ALL_PAYLOADS), "render_markdown")
    for payload in PAYLOADS:
        assert_inert(render_markdown(payload), repr(payload))


def test_an_organisations_name_summary_and_description(staff, dave):
    from commons.accounts.services import create_organisation
    from commons.directory.services import save_profile

    organisations = [
        create_organisation(
            name=name, country="TH", verified_by=staff, slug=f"hostile-{i}", summary=ALL_PAYLOADS
        )
        for i, name in enumerate(batches(200))
    ]
    save_profile(organisation=organisations[0], profile_fields={"description": ALL_PAYLOADS})
    for user in (None, dave):
        check(user, reverse("directory:search"))
        check(user, reverse("directory:search"), q="alert")
        check(user, reverse("directory:search"), q="alert", htmx=True)
        for organisation in organisations:
            check(user, reverse("accounts:organisation", args=[organisation.slug]))


def test_an_events_title_summary_and_sessions(lantern, alice, bob, dave):
    from commons.events.models import Session
    from commons.events.tests.conftest import make_event

    events = [
        make_event(organisers=[lantern], slug=f"hostile-{i}", title=title, summary=ALL_PAYLOADS)
        for i, title in enumerate(batches(300))
    ]
    start = events[0].starts_at
    for title in batches(300):
        Session.objects.create(
            event=events[0],
            title=title,
            description=ALL_PAYLOADS,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    for user in (None, dave, bob, alice):
        check(user, reverse("home"), shows=False)
        check(user, reverse("events:calendar"))
        for event in events:
            check(user, reverse("events:detail", args=[event.slug]))
    check(alice, reverse("events:mine"))
    check(alice, reverse("events:programme", args=[events[0].slug]))


def test_a_library_resources_title_and_summary(alice, moderator, dave):
    from commons.library.models import Work
    from commons.library.services import create_work
    from commons.library.tests.conftest import publish

    works = []
    for title in batches(300):
        work = create_work(fields={"type": Work.Type.TOOLKIT}, title=title)
        publish(
            work, language="en", title=title, summary=ALL_PAYLOADS, by=alice, moderator=moderator
        )
        works.append(work)
    check(alice, reverse("library:mine"))
    for user in (None, dave, alice):
        check(user, reverse("library:search"))
        check(user, reverse("library:search"), q="alert")
        check(user, reverse("library:search"), q="alert", htmx=True)
        for work in works:
            check(user, reverse("library:work", args=[work.slug]))
            check(user, reverse("library:resource", args=[work.slug, "en"]))
    feed = client_for(None).get(reverse("library:feed"))
    entries = feed_html(feed.content)
    assert any("alert(1)" in html for html in entries)
    for html in entries:
        assert_inert(html, "the library feed")


def test_a_news_posts_title_summary_and_body(alice, moderator, dave):
    from commons.news.tests.conftest import post

    posts = [
        post(alice, moderator, title=title, summary=summary, body=ALL_PAYLOADS)
        for title, summary in zip(batches(300), batches(500) * 2, strict=False)
    ]
    submitted = post(alice, title=batches(300)[0], summary=batches(500)[0], body=ALL_PAYLOADS)
    check(alice, reverse("news:mine"))
    check(moderator, reverse("news:queue"))
    check(moderator, reverse("news:review", args=[submitted.slug]))
    for user in (None, dave, alice, moderator):
        check(user, reverse("home"), shows=False)
        check(user, reverse("news:list"))
        for made in posts:
            check(user, reverse("news:post", args=[made.slug]))
    feed = client_for(None).get(reverse("news:feed"))
    assert feed.status_code == 200
    entries = feed_html(feed.content)
    assert any("alert(1)" in html for html in entries)
    for html in entries:
        assert_inert(html, "the news feed")


def test_a_discussion_threads_title_and_messages(alice, bob, django_capture_on_commit_callbacks):
    from commons.discussions import search
    from commons.discussions.models import Category, Participant
    from commons.discussions.tests.conftest import aged
    from commons.discussions.tests.factories import message, participant, thread

    search.reset()
    importlib.import_module("commons.discussions.migrations.0002_default_categories").create(
        apps, None
    )
    category = Category.objects.get(slug="field-updates")
    aged(alice), aged(bob)
    participant(bob, email=Participant.Email.IMMEDIATELY)
    threads = [thread(alice, category, title=title, body=ALL_PAYLOADS) for title in batches(200)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message(alice, threads[0], ALL_PAYLOADS, mentions=[bob])
    for user in (alice, bob):
        check(user, reverse("discussions:index"))
        check(user, reverse("discussions:category", args=[category.slug]))
        check(user, reverse("discussions:search"), q="alert")
        for made in threads:
            check(user, reverse("discussions:thread", args=[made.pk]))
    check(bob, reverse("discussions:notifications"))
    # The notification e-mail is plain text only: nothing in it is rendered as HTML.
    [sent] = mail.outbox
    assert "alert(1)" in sent.body and not html_of(sent)
    search.reset()


def test_an_alerts_actor_name_and_evidence(moderator):
    from commons.alerts.tests.conftest import make_alert, verified_member

    vera = verified_member("vera@example.org", "beacon")
    reader = verified_member("vic@example.org", "pier")
    alerts = [
        make_alert(vera, moderator, actor_name=name, evidence_summary=ALL_PAYLOADS)
        for name in batches(300)
    ]
    waiting = make_alert(vera, actor_name=batches(300)[0], evidence_summary=ALL_PAYLOADS)
    for user in (reader, vera, moderator):
        check(user, reverse("alerts:list"))
        for alert in alerts:
            check(user, reverse("alerts:detail", args=[alert.pk]))
    check(moderator, reverse("alerts:queue"))
    check(moderator, reverse("alerts:review", args=[waiting.pk]))
    check(vera, reverse("alerts:mine"))


def test_a_surveys_title_and_question_labels(lantern, alice, bob):
    from commons.surveys.services import create_survey
    from commons.surveys.tests.forms import SURVEY_HEADER, workbook

    rows = [SURVEY_HEADER]
    # "${...}" is XLSForm's own reference syntax: pyxform refuses a label holding "${7*7}".
    for i, label in enumerate(p for p in PAYLOADS if "${" not in p):
        rows.append(["text", f"q{i}", label, label, "", "", ""])
    survey = create_survey(
        workbook=workbook(rows, settings=[["form_title"], [batches(300)[0]]]),
        owner=lantern,
        slug="hostile",
    )
    check(bob, reverse("surveys:list"))
    check(alice, reverse("surveys:manage", args=[survey.slug]))
    check(alice, reverse("surveys:preview", args=[survey.slug]))


def test_the_newsletter_issue_for_a_post_whose_title_is_hostile(alice, moderator, staff):
    from commons.news.tests.conftest import post
    from commons.newsletter import issues, sending
    from commons.newsletter.tests.conftest import subscriber

    today = timezone.localdate()
    for title in batches(300):
        post(alice, moderator, title=title, summary=title, body=ALL_PAYLOADS)
    issue = issues.create_issue(
        subject=batches(200)[0],
        period_start=today - datetime.timedelta(days=7),
        period_end=today + datetime.timedelta(days=1),
    )
    issues.update_issue(issue, subject=batches(200)[0], introduction=ALL_PAYLOADS)
    issues.propose_items(issue)
    reader = subscriber("reader@example.net")
    message = sending.build_message(issue, reader, issues.items_for(issue, reader))
    email_html = html_of(message)
    assert "alert(1)" in email_html  # the posts are in the issue, as text
    assert_inert(email_html, "the issue's e-mail")
    check(staff, reverse("newsletter:issue", args=[issue.pk]))
    preview = check(staff, reverse("newsletter:issue_preview", args=[issue.pk]))
    assert "srcdoc" in preview


def test_a_persons_name_title_bio_and_expertise(lantern, alice, dave):
    from commons.accounts.models import Membership
    from commons.conftest import make_user
    from commons.directory.models import PersonProfile
    from commons.directory.services import save_person_profile

    people = []
    for i, name in enumerate(batches(150)):
        person = make_user(f"hostile{i}@example.org", name=name)
        Membership.objects.create(user=person, organisation=lantern, status="active")
        save_person_profile(
            user=person,
            fields={
                "name": name,
                "title": batches(120)[i % len(batches(120))],
                "bio": batches(1000)[0],
                "expertise": PAYLOADS[:10],
            },
            visibility=dict.fromkeys(PersonProfile.SHARED_FIELDS, "members"),
        )
        people.append(person)
    for user in (dave, alice):
        check(user, reverse("directory:people"))
        check(user, reverse("directory:people"), q="alert")
        check(user, reverse("directory:people"), q="alert", htmx=True)
        for person in people:
            check(user, reverse("directory:person", args=[person.pk]))
    check(alice, reverse("accounts:members", args=[lantern.slug]))
    check(people[0], reverse("directory:edit_person"))


def test_an_organisation_edited_through_its_form(alice, lantern, staff, dave):
    from commons.directory.tests.test_edit import _form

    lantern.verified_by, lantern.verified_at = staff, timezone.now()
    lantern.save()
    hostile = _form(
        name=batches(200)[0],
        acronym="<b>x</b>",
        summary=batches(1000)[0],
        description=ALL_PAYLOADS,
        **{
            "places-0-locality": batches(100)[0],
            "hotlines-0-label": batches(100)[1],
            "hotlines-0-hours": "<script>alert(1)</script>",
        },
    )
    edit = reverse("directory:edit", args=["lantern"])
    # A form sent back with an error shows what was typed, inside inputs and textareas.
    refused = client_for(alice).post(edit, {**hostile, "website": "javascript:alert(1)"})
    assert refused.status_code == 200
    assert_inert(refused.content.decode(), "the refused form")
    assert "alert(1)" in refused.content.decode()
    response = client_for(alice).post(edit, hostile)
    assert response.status_code == 302, response.context and response.context["form"].errors
    check(alice, edit)
    for user in (None, dave, alice):
        check(user, reverse("accounts:organisation", args=["lantern"]))
        check(user, reverse("directory:search"), q="alert")


def test_a_thread_written_and_quoted_through_the_forms(alice, bob):
    from commons.discussions import search
    from commons.discussions.models import Thread
    from commons.discussions.tests.conftest import aged

    search.reset()
    importlib.import_module("commons.discussions.migrations.0002_default_categories").create(
        apps, None
    )
    aged(alice), aged(bob)
    new = reverse("discussions:new_thread", args=["field-updates"])
    fields = {"title": batches(200)[0], "body": ALL_PAYLOADS, "tags": "<b>x</b>, alert"}
    # Refused for its missing title, the form gives the text back inside its textarea.
    check(bob, new, shows=False)
    refused = client_for(bob).post(new, {**fields, "title": ""})
    assert refused.status_code == 200 and "alert(1)" in refused.content.decode()
    assert_inert(refused.content.decode(), "the refused thread form")
    assert client_for(bob).post(new, fields).status_code == 302
    thread = Thread.objects.get()
    first = thread.messages.get()
    reply = reverse("discussions:reply", args=[thread.pk])
    check(alice, reply, quote=first.pk)
    assert (
        client_for(alice).post(reply, {"body": ALL_PAYLOADS, "quote": first.pk}).status_code == 302
    )
    for user in (alice, bob):
        check(user, reverse("discussions:thread", args=[thread.pk]))
        check(user, reverse("discussions:search"), q="alert")
    search.reset()


def test_a_news_post_submitted_through_its_form(bob, moderator):
    from commons.news.models import Post
    from commons.news.tests.test_editing_views import _form

    hostile = _form(title=batches(300)[0], summary=batches(500)[0], body=ALL_PAYLOADS)
    refused = client_for(bob).post(
        reverse("news:submit"), {**hostile, "source_url": "javascript:x"}
    )
    assert refused.status_code == 200 and "alert(1)" in refused.content.decode()
    assert_inert(refused.content.decode(), "the refused post form")
    assert client_for(bob).post(reverse("news:submit"), hostile).status_code == 302
    made = Post.objects.get()
    check(bob, reverse("news:edit", args=[made.slug]))
    check(moderator, reverse("news:review", args=[made.slug]))


def test_a_right_of_reply_sent_by_anyone(moderator):
    from commons.alerts.models import RightOfReply
    from commons.alerts.tests.conftest import make_alert, verified_member

    vera = verified_member("vera@example.org", "beacon")
    alert = make_alert(vera, moderator)
    form = reverse("alerts:reply_form")
    statement = {
        "name": batches(150)[0],
        "represents": batches(200)[1],
        "email": "legal@example.com",
        "actor_name": batches(200)[2],
        "licence_number": "<b>1</b>",
        "statement": ALL_PAYLOADS,
    }
    refused = client_for(None).post(form, {**statement, "statement": ""})
    assert refused.status_code == 200
    assert_inert(refused.content.decode(), "the refused right-of-reply form")
    client_for(None).post(form, statement)
    reply = RightOfReply.objects.get()
    check(moderator, reverse("alerts:replies"))
    url = reverse("alerts:reply", kwargs={"pk": reply.pk})
    check(moderator, url)
    client_for(moderator).post(url, {"action": "attach", "alert": alert.pk})
    check(vera, reverse("alerts:detail", args=[alert.pk]))


def test_a_library_collections_title_and_introduction(alice, moderator, dave):
    from commons.library.models import Work
    from commons.library.services import create_work, save_collection
    from commons.library.tests.conftest import publish

    work = create_work(fields={"type": Work.Type.TOOLKIT}, title="Toolkit")
    publish(work, language="en", title="Toolkit", by=alice, moderator=moderator)
    collections = [
        save_collection(
            fields={
                "slug": f"hostile-{i}",
                "title": title,
                "introduction": ALL_PAYLOADS,
                "is_published": True,
            },
            works=[work],
            curator=moderator,
        )
        for i, title in enumerate(batches(300))
    ]
    for user in (None, dave):
        check(user, reverse("library:collections"))
        for collection in collections:
            check(user, reverse("library:collection", args=[collection.slug]))


def test_an_events_recommendations(lantern, alice, dave):
    from commons.events import outcomes
    from commons.events.models import Recommendation, Theme
    from commons.events.tests.conftest import make_event

    forum = make_event(
        organisers=[lantern],
        slug="hostile-forum",
        title="Forum",
        starts_at=timezone.now() - datetime.timedelta(days=60),
        online_url="",
    )
    [recommendation] = outcomes.add_recommendations(
        event=forum,
        region="asia-pacific",
        audience=Recommendation.Audience.GOVERNMENTS_NATIONAL,
        themes=[Theme.objects.get(code="migration")],
        countries=["TH"],
        texts=[ALL_PAYLOADS],
        actor=alice,
    )
    for user in (None, dave, alice):
        check(user, reverse("events:recommendations"))
        check(user, reverse("events:recommendation", args=[recommendation.pk]))
        check(user, reverse("events:outcomes", args=[forum.slug]))
