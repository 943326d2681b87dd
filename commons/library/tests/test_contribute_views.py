"""Contributing to the library: submitting, moderating (approve, reject with a reason),
adding a language version, editing, a person's submissions, and curating collections."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.library.models import Collection, Resource, Work
from commons.library.services import create_work, save_collection

from .conftest import publish

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf_bytes()


def _pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _png(name="cover.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 12), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _submission(**changes) -> dict:
    form = {
        "title": "Recruitment fees in fishing",
        "summary": "How brokers charge fishers before they sail.",
        "language": "en",
        "type": "report",
        "topics": ["forced_labour"],
        "countries": "Thailand, KH",
        "regions": ["asia-pacific"],
        "publisher": "lantern",
        "authors": "lantern\nbob@example.org\nSok, Dara",
        "published_on": "2023",
        "licence": "CC BY 4.0",
        "external_url": "",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


@pytest.fixture
def english_only(alice, moderator) -> Work:
    work = create_work(fields={"type": Work.Type.GUIDE}, title="Safe recruitment guide")
    publish(work, language="en", title="Safe recruitment guide", by=alice, moderator=moderator)
    return work


# --- Submitting and moderating ------------------------------------------------------------


def test_it_publishes_a_submission_only_once_a_moderator_approves_it(
    bob, carol, moderator, lantern, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    page = client.get(reverse("library:submit")).text
    assert "A moderator reviews every submission" in page
    assert f'<option value="{lantern.pk}" selected>Lantern Outreach</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("library:submit"),
            {**_submission(submitted_for=lantern.pk), "file": _pdf(), "cover": _png()},
        )
    assert answer.status_code == 302 and answer["Location"] == reverse("library:mine")
    resource = Resource.objects.get()
    work = resource.work
    assert (resource.status, resource.submitted_by, resource.submitted_for) == (
        "submitted",
        bob,
        lantern,
    )
    assert (resource.file_type, resource.file_size, bool(resource.cover)) == ("pdf", len(PDF), True)
    assert (work.slug, work.type, work.topics, work.countries) == (
        "recruitment-fees-in-fishing",
        "report",
        ["forced_labour"],
        ["TH", "KH"],
    )
    assert (work.publisher, str(work.published_on)) == (lantern, "2023-01-01")
    authors = [(a.name, a.organisation, a.person) for a in work.authors.all()]
    assert authors == [
        ("Lantern Outreach", lantern, None),
        ("Bob", None, bob),
        ("Sok, Dara", None, None),
    ]
    # the moderators are told there is something to review
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    mail.outbox.clear()

    mine = client.get(answer["Location"]).text
    assert "a moderator will review it" in mine and "Waiting for review" in mine
    assert "Recruitment fees in fishing" in mine

    for outsider in (None, carol):
        assert client_for(outsider).get(resource.get_absolute_url()).status_code == 404
        assert client_for(outsider).get(work.get_absolute_url()).status_code == 404
        found = client_for(outsider).get(reverse("library:search"), {"q": "fishing"})
        assert "Recruitment fees in fishing" not in found.text

    reviewer = client_for(moderator)
    queue = reviewer.get(reverse("library:moderation")).text
    review_url = reverse("library:review", args=[resource.pk])
    assert review_url in queue and "Bob" in queue and "Lantern Outreach" in queue
    assert "PDF" in queue
    page = reviewer.get(review_url).text
    assert reverse("library:file", args=[work.slug, "en"]) in page
    assert "How brokers charge fishers" in page and "Sok, Dara" in page
    assert "no personal data of victims" in page
    assert reverse("library:edit", args=[work.slug, "en"]) in page

    with django_capture_on_commit_callbacks(execute=True):
        answer = reviewer.post(review_url, {"action": "approve"})
    assert answer.status_code == 302 and answer["Location"] == reverse("library:moderation")
    assert "is published" in reviewer.get(answer["Location"]).text
    resource.refresh_from_db()
    assert (resource.status, resource.reviewed_by) == ("approved", moderator)
    [message] = mail.outbox
    assert message.to == [bob.email] and "Published in the library" in message.subject
    assert client_for(carol).get(resource.get_absolute_url()).status_code == 200
    assert client_for(None).get(resource.get_absolute_url()).status_code == 200


def test_it_tells_the_submitter_why_a_submission_was_rejected(
    bob, moderator, pending, django_capture_on_commit_callbacks
):
    reviewer = client_for(moderator)
    review_url = reverse("library:review", args=[pending.pk])

    answer = reviewer.post(review_url, {"action": "reject", "reason": "  "})
    assert answer.status_code == 200
    assert "Write the reason" in answer.text
    pending.refresh_from_db()
    assert pending.status == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        answer = reviewer.post(
            review_url, {"action": "reject", "reason": "The licence does not allow sharing."}
        )
    assert answer.status_code == 302 and answer["Location"] == reverse("library:moderation")
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == (
        "rejected",
        "The licence does not allow sharing.",
    )
    [message] = mail.outbox
    assert message.to == [bob.email]
    assert "The licence does not allow sharing." in message.body
    assert review_url not in reviewer.get(reverse("library:moderation")).text

    mine = client_for(bob).get(reverse("library:mine")).text
    assert "Rejected" in mine and "The licence does not allow sharing." in mine


def test_it_answers_an_unknown_action_with_bad_request(moderator, pending):
    answer = client_for(moderator).post(
        reverse("library:review", args=[pending.pk]), {"action": "publish-twice"}
    )
    assert answer.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "submitted"


def test_it_keeps_review_for_moderators(alice, bob, steward, staff, pending):
    review_url = reverse("library:review", args=[pending.pk])
    for person in (alice, bob, steward):
        assert client_for(person).get(review_url).status_code == 403
        assert client_for(person).post(review_url, {"action": "approve"}).status_code == 403
        assert client_for(person).get(reverse("library:moderation")).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "submitted"
    assert client_for(staff).get(review_url).status_code == 200
    assert client_for(None).get(review_url).status_code == 302


def test_it_publishes_a_moderators_submission_at_once(moderator):
    client = client_for(moderator)
    assert "published at once" in client.get(reverse("library:submit")).text
    answer = client.post(
        reverse("library:submit"),
        _submission(publisher="A ministry", authors="", external_url="example.org/report"),
    )
    assert answer.status_code == 302
    resource = Resource.objects.get()
    assert (resource.status, resource.external_url) == ("approved", "https://example.org/report")
    assert (resource.work.publisher, resource.work.publisher_name) == (None, "A ministry")
    assert resource.submitted_for is None
    assert "It is published" in client.get(answer["Location"]).text


def test_it_needs_a_file_or_a_link(bob, lantern):
    answer = client_for(bob).post(reverse("library:submit"), _submission(submitted_for=lantern.pk))
    assert answer.status_code == 200
    assert "Upload a file or give a link" in answer.text
    assert not Work.objects.exists() and not Resource.objects.exists()


def test_it_explains_what_it_did_not_understand(bob):
    answer = client_for(bob).post(
        reverse("library:submit"),
        _submission(
            external_url="https://example.org/r",
            countries="Atlantis, TH",
            published_on="last spring",
            authors="nobody@example.org",
        ),
    )
    assert answer.status_code == 200
    assert "not a country we know: Atlantis" in answer.text
    assert "Write a year (2023) or a date" in answer.text
    assert "No account has the address nobody@example.org" in answer.text
    assert not Work.objects.exists()


def test_it_refuses_a_file_that_is_not_what_its_name_says(bob):
    fake = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", "application/pdf")
    answer = client_for(bob).post(reverse("library:submit"), {**_submission(), "file": fake})
    assert answer.status_code == 200
    assert 'id="id_file_error"' in answer.text
    assert not Resource.objects.exists()


def test_it_takes_only_an_image_as_cover(bob, lantern):
    answer = client_for(bob).post(
        reverse("library:submit"),
        {
            **_submission(submitted_for=lantern.pk, external_url="https://example.org/r"),
            "cover": _pdf("cover.png"),
        },
    )
    assert answer.status_code == 200
    assert 'id="id_cover_error"' in answer.text
    assert not Resource.objects.exists()


def test_it_proposes_the_interface_language(bob):
    page = client_for(bob).get(reverse("library:submit"), HTTP_ACCEPT_LANGUAGE="km").text
    assert '<option value="km" selected>' in page


def test_it_lets_only_members_and_moderators_submit(dave, steward):
    for person in (dave, steward):
        client = client_for(person)
        assert client.get(reverse("library:submit")).status_code == 403
        answer = client.post(reverse("library:submit"), _submission(external_url="https://x.org"))
        assert answer.status_code == 403
    assert not Work.objects.exists()
    answer = client_for(None).get(reverse("library:submit"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_login"))
    assert client_for(dave).get(reverse("library:mine")).status_code == 200


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("library:submit", "put"),
        ("library:submit", "delete"),
        ("library:mine", "post"),
        ("library:moderation", "post"),
        ("library:review", "put"),
        ("library:collection_new", "delete"),
        ("library:add_version", "put"),
        ("library:edit", "delete"),
        ("library:collection_edit", "put"),
    ],
)
def test_it_answers_wrong_methods_with_405(name, method, moderator, pending, toolkit):
    kwargs = {
        "library:review": {"pk": pending.pk},
        "library:add_version": {"slug": toolkit.slug},
        "library:edit": {"slug": toolkit.slug, "language": "en"},
        "library:collection_edit": {"slug": "some-collection"},
    }.get(name, {})
    answer = getattr(client_for(moderator), method)(reverse(name, kwargs=kwargs))
    assert answer.status_code == 405


# --- Language versions --------------------------------------------------------------------


def test_it_adds_a_khmer_version_to_an_english_work(bob, lantern, english_only):
    client = client_for(bob)
    url = reverse("library:add_version", args=[english_only.slug])
    page = client.get(url).text
    assert "Safe recruitment guide" in page and "English" in page
    answer = client.post(
        url,
        {
            "language": "km",
            "title": "មគ្គុទ្ទេសក៍ជ្រើសរើសដោយសុវត្ថិភាព",
            "summary": "",
            "file": _pdf("guide-km.pdf"),
            "submitted_for": lantern.pk,
        },
    )
    assert answer.status_code == 302
    khmer = english_only.versions.get(language="km")
    assert (khmer.title, khmer.status, khmer.submitted_for) == (
        "មគ្គុទ្ទេសក៍ជ្រើសរើសដោយសុវត្ថិភាព",
        "submitted",
        lantern,
    )
    assert Work.objects.count() == 1
    mine = client.get(reverse("library:mine")).text
    assert "មគ្គុទ្ទេសក៍ជ្រើសរើសដោយសុវត្ថិភាព" in mine and "Khmer" in mine


def test_it_refuses_a_second_version_in_the_same_language(bob, lantern, english_only):
    answer = client_for(bob).post(
        reverse("library:add_version", args=[english_only.slug]),
        {
            "language": "en",
            "title": "Another English one",
            "external_url": "https://example.org/other",
            "submitted_for": lantern.pk,
        },
    )
    assert answer.status_code == 200
    assert "already has a version in English" in answer.text
    assert english_only.versions.count() == 1


def test_it_adds_versions_only_to_works_one_may_see(carol, dave, pending):
    url = reverse("library:add_version", args=[pending.work.slug])
    assert client_for(carol).get(url).status_code == 404
    assert client_for(dave).get(url).status_code == 403


# --- Editing ------------------------------------------------------------------------------


def _edit_form(resource: Resource, **changes) -> dict:
    work = resource.work
    form = {
        "title": resource.title,
        "summary": resource.summary,
        "language": resource.language,
        "external_url": resource.external_url,
        "type": work.type,
        "topics": work.topics,
        "countries": ", ".join(work.countries),
        "regions": work.regions,
        "publisher": work.publisher_name,
        "authors": "",
        "published_on": "",
        "licence": work.licence,
    }
    form.update(changes)
    return form


def test_it_audits_a_moderators_edit_and_not_the_submitters_own(bob, moderator, pending):
    url = reverse("library:edit", args=[pending.work.slug, "en"])
    page = client_for(bob).get(url).text
    assert 'value="Shelter standards report"' in page and "report.pdf" in page

    answer = client_for(bob).post(url, _edit_form(pending, summary="Minimum standards."))
    assert answer.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RESOURCE_EDITED).exists()

    reviewer = client_for(moderator)
    assert "written in the audit log" in reviewer.get(url).text
    pending.refresh_from_db()
    answer = reviewer.post(
        url, _edit_form(pending, title="Shelter standards", published_on="2022-03", type="guide")
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("library:review", args=[pending.pk])
    pending.refresh_from_db()
    assert (pending.title, pending.summary, pending.work.type) == (
        "Shelter standards",
        "Minimum standards.",
        "guide",
    )
    assert str(pending.work.published_on) == "2022-03-01"
    assert pending.file_name == "report.pdf"
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.RESOURCE_EDITED)
    assert (event.actor, event.target_id) == (moderator, str(pending.pk))


def test_it_lets_nobody_else_edit(alice, carol, dave, moderator, pending, toolkit):
    url = reverse("library:edit", args=[pending.work.slug, "en"])
    # alice sees her organisation's submission but does not edit bob's
    assert client_for(alice).get(url).status_code == 403
    assert client_for(alice).post(url, _edit_form(pending, title="x")).status_code == 403
    assert client_for(carol).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    pending.refresh_from_db()
    assert pending.title == "Shelter standards report"
    # a published version: moderators only, not even its submitter
    published = reverse("library:edit", args=[toolkit.slug, "en"])
    assert client_for(alice).get(published).status_code == 403
    assert client_for(moderator).get(published).status_code == 200


def test_it_keeps_a_language_unique_when_editing(moderator, toolkit):
    english = toolkit.versions.get(language="en")
    answer = client_for(moderator).post(
        reverse("library:edit", args=[toolkit.slug, "en"]), _edit_form(english, language="km")
    )
    assert answer.status_code == 200
    assert "already has a version in Khmer" in answer.text


# --- Collections --------------------------------------------------------------------------


def test_it_creates_and_reorders_a_collection(alice, bob, lantern, toolkit, english_only):
    client = client_for(alice)
    answer = client.post(
        reverse("library:collection_new"),
        {
            "title": "Crisis resource library",
            "slug": "",
            "introduction": "Ready-made **awareness** material.",
            "language": "",
            "organisation": lantern.pk,
            "is_published": "on",
            "works": f"{english_only.slug}\n{toolkit.slug}\nno-such-work\n",
        },
    )
    assert answer.status_code == 200
    assert "No work in the library has the short name no-such-work" in answer.text
    assert not Collection.objects.exists()

    data = {
        "title": "Crisis resource library",
        "slug": "",
        "introduction": "Ready-made **awareness** material.",
        "language": "",
        "organisation": lantern.pk,
        "is_published": "on",
        "works": f"{english_only.slug}\n{toolkit.slug}\n",
    }
    answer = client.post(reverse("library:collection_new"), data)
    collection = Collection.objects.get()
    assert answer.status_code == 302 and answer["Location"] == collection.get_absolute_url()
    assert (collection.slug, collection.curator, collection.organisation) == (
        "crisis-resource-library",
        alice,
        lantern,
    )
    assert "<strong>awareness</strong>" in collection.introduction_html
    assert [i.work for i in collection.items.all()] == [english_only, toolkit]

    url = reverse("library:collection_edit", args=[collection.slug])
    page = client.get(url).text
    assert f"{english_only.slug}\n{toolkit.slug}" in page
    answer = client.post(
        url, {**data, "slug": "crisis", "works": f"{toolkit.slug}\n{english_only.slug}"}
    )
    assert answer.status_code == 302
    collection.refresh_from_db()
    assert collection.slug == "crisis"
    assert [i.work for i in collection.items.all()] == [toolkit, english_only]
    # bob is a member of lantern, not its admin, and not the curator
    assert (
        client_for(bob).get(reverse("library:collection_edit", args=["crisis"])).status_code == 403
    )


def test_it_treats_an_unpublished_work_as_unknown_in_a_collection(carol, pending):
    answer = client_for(carol).post(
        reverse("library:collection_new"),
        {"title": "Mine", "works": pending.work.slug},
    )
    assert answer.status_code == 200
    assert f"No work in the library has the short name {pending.work.slug}" in answer.text


def test_it_refuses_a_taken_or_reserved_collection_slug(alice, dave, toolkit):
    save_collection(fields={"slug": "kit", "title": "Kit"}, works=[], curator=alice)
    client = client_for(alice)
    for slug, error in (("kit", "Another collection"), ("new", "reserved")):
        answer = client.post(reverse("library:collection_new"), {"title": "X", "slug": slug})
        assert answer.status_code == 200 and error in answer.text
    assert Collection.objects.count() == 1
    assert client_for(dave).get(reverse("library:collection_new")).status_code == 403
    assert client_for(None).get(reverse("library:collection_new")).status_code == 302


# --- Escaping -----------------------------------------------------------------------------


def test_it_escapes_what_submitters_write(bob, moderator, lantern):
    client_for(bob).post(
        reverse("library:submit"),
        _submission(
            title=HOSTILE,
            summary=HOSTILE,
            publisher=HOSTILE,
            authors=HOSTILE,
            licence=HOSTILE,
            external_url="https://example.org/x",
            submitted_for=lantern.pk,
        ),
    )
    resource = Resource.objects.get()
    pages = [
        client_for(bob).get(reverse("library:mine")).text,
        client_for(moderator).get(reverse("library:moderation")).text,
        client_for(moderator).get(reverse("library:review", args=[resource.pk])).text,
        client_for(bob).get(reverse("library:edit", args=[resource.work.slug, "en"])).text,
    ]
    for page in pages:
        assert HOSTILE not in page
        assert "&lt;script&gt;" in page
    client_for(moderator).post(
        reverse("library:review", args=[resource.pk]), {"action": "reject", "reason": HOSTILE}
    )
    mine = client_for(bob).get(reverse("library:mine")).text
    assert HOSTILE not in mine and mine.count("&lt;script&gt;") >= 2


def test_it_edits_a_version_in_a_language_without_a_two_letter_code(moderator, alice):
    work = create_work(fields={"type": Work.Type.AWARENESS}, title="Shan leaflet")
    shan = publish(work, language="shn", title="Shan leaflet", by=alice, moderator=moderator)
    url = reverse("library:edit", args=[work.slug, "shn"])
    answer = client_for(moderator).post(
        url, _edit_form(shan, title="Safe travel leaflet", external_url="https://example.org/l")
    )
    assert answer.status_code == 302
    shan.refresh_from_db()
    assert (shan.language, shan.title) == ("shn", "Safe travel leaflet")
