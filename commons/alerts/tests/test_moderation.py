"""Writing an alert, its review against the standard, and what happens to a published
alert: corrections, retraction, the e-mails (which never carry an alert's content)."""

from django.core import mail
from django.urls import reverse

from commons.alerts.models import Alert, AlertEvent
from commons.alerts.tests.conftest import make_alert
from commons.conftest import client_for
from commons.core.models import AuditEvent

NEW = reverse("alerts:new")
FORM = {
    "actor_name": "Mekong Bright Future Recruitment",
    "actor_kind": "agency",
    "actor_aliases": "Mekong Bright Future\nเมคong ไบรท์",
    "licence_number": "KH-77/2024",
    "actor_country": "KH",
    "countries": "Cambodia, TH",
    "routes": "Cambodia > Thailand\nKH -> MY",
    "patterns": ["fees", "documents"],
    "evidence_summary": "Four workers we assisted paid USD 800 each and had passports taken.",
    "source_kind": "direct-case",
}


def test_it_shows_the_standard_on_the_form_and_keeps_a_draft(vera):
    client = client_for(vera)
    page = client.get(NEW).content.decode()
    assert "The review standard" in page and "No personal data of victims" in page
    response = client.post(NEW, {**FORM, "organisation": _org(vera), "action": "draft"})
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == alert.get_absolute_url()
    assert (alert.status, alert.countries, alert.routes) == (
        "draft",
        ["KH", "TH"],
        [["KH", "TH"], ["KH", "MY"]],
    )
    assert alert.actor_aliases == ["Mekong Bright Future", "เมคong ไบรท์"]
    assert mail.outbox == []


def test_it_needs_the_authors_word_on_the_standard_to_submit(vera):
    client = client_for(vera)
    response = client.post(NEW, {**FORM, "organisation": _org(vera), "action": "submit"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "confirm that the alert meets it" in page
    assert "Mekong Bright Future Recruitment" in page  # what was typed is kept
    assert not Alert.objects.exists()


def test_it_explains_a_route_it_cannot_read(vera):
    data = {**FORM, "routes": "Cambodia to Thailand", "organisation": _org(vera)}
    response = client_for(vera).post(NEW, {**data, "action": "draft"})
    assert "origin &gt; destination" in response.content.decode()
    assert "Cambodia to Thailand" in response.content.decode()


def test_it_is_reviewed_then_published_with_its_review_date(
    vera, moderator, django_capture_on_commit_callbacks
):
    author = client_for(vera)
    with django_capture_on_commit_callbacks(execute=True):
        author.post(NEW, {**FORM, "organisation": _org(vera), "action": "submit", "standard": "on"})
    alert = Alert.objects.get()
    assert alert.status == "submitted"
    [told] = mail.outbox
    assert told.to == [moderator.email]
    assert "Mekong" not in told.body and "Mekong" not in told.subject
    mail.outbox.clear()

    review = reverse("alerts:review", kwargs={"pk": alert.pk})
    assert author.get(review).status_code == 403
    editor = client_for(moderator)
    assert (
        "Mekong Bright Future Recruitment" in editor.get(reverse("alerts:queue")).content.decode()
    )
    page = editor.get(review).content.decode()
    assert "The review standard" in page and "USD 800" in page
    # a refusal needs a reason
    response = editor.post(review, {"decision": "reject", "note": " "})
    assert response.status_code == 400 and "Say which point" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(review, {"decision": "publish", "note": "Evidence checked."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.reviewed_by, alert.review_note) == (
        "published",
        moderator,
        "Evidence checked.",
    )
    assert (alert.expires_at - alert.reviewed_at).days == 365
    [told] = mail.outbox
    assert told.to == [vera.email] and "published" in told.subject and "Mekong" not in told.body
    page = author.get(alert.get_absolute_url()).content.decode()
    assert "Reviewed" in page and "Evidence checked." in page
    assert "Reviewed and published" in page  # the history
    # published: no longer the author's to edit
    assert author.get(reverse("alerts:edit", kwargs={"pk": alert.pk})).status_code == 403
    # every step is in the audit log, which names the alert by number only
    logged = AuditEvent.objects.filter(action=AuditEvent.Action.ALERT_CHANGED, target_id=alert.pk)
    assert [(e.actor, e.data["change"]) for e in logged.order_by("pk")][-1] == (
        moderator,
        "published",
    )
    assert not logged.filter(target_label__icontains="Mekong").exists()


def test_a_refused_alert_goes_back_to_its_author_who_sends_it_again(
    vera, moderator, submitted, django_capture_on_commit_callbacks
):
    review = reverse("alerts:review", kwargs={"pk": submitted.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(moderator).post(
            review, {"decision": "reject", "note": "Point 4: remove the worker's name."}
        )
    submitted.refresh_from_db()
    assert submitted.status == "rejected"
    [told] = mail.outbox
    assert told.to == [vera.email] and "worker" not in told.body
    author = client_for(vera)
    page = author.get(reverse("alerts:edit", kwargs={"pk": submitted.pk})).content.decode()
    assert "Point 4: remove the worker&#x27;s name." in page
    data = {**FORM, "actor_name": "Silver Road Brokers", "organisation": _org(vera)}
    author.post(
        reverse("alerts:edit", kwargs={"pk": submitted.pk}),
        {**data, "action": "submit", "standard": "on"},
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.rejection_reason) == ("submitted", "")
    kinds = list(submitted.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "rejected", "submitted"]


def test_only_members_of_verified_organisations_write(bob, dave, moderator):
    for person in (bob, dave, moderator):
        assert client_for(person).get(NEW).status_code == 403
    assert client_for(None).get(NEW).status_code == 302


def test_corrections_and_retractions_are_kept_and_shown(vera, victor, bob, published):
    page_url = published.get_absolute_url()
    correct = reverse("alerts:correct", kwargs={"pk": published.pk})
    retract = reverse("alerts:retract", kwargs={"pk": published.pk})
    # the author corrects; a member who is not an admin of Beacon may not retract
    assert client_for(vera).post(correct, {"text": "The fee was USD 700."}).status_code == 302
    assert client_for(vera).post(retract, {"reason": "x"}).status_code == 403
    assert client_for(bob).post(correct, {"text": "x"}).status_code == 404
    admin = client_for(victor)
    response = admin.post(retract, {"reason": " "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    admin.post(retract, {"reason": "The agency was confused with another one."})
    published.refresh_from_db()
    assert published.status == "retracted"
    page = client_for(vera).get(page_url).content.decode()
    assert "Retracted on" in page and "confused with another one" in page
    assert "The fee was USD 700." in page and "Correction" in page
    # still listed, marked retracted
    listing = client_for(vera).get(reverse("alerts:list")).content.decode()
    assert published.actor_name in listing and "Retracted" in listing
    assert list(published.events.values_list("kind", flat=True)) == [
        "submitted",
        "published",
        "corrected",
        "retracted",
    ]


def test_actions_refuse_get(vera, published):
    for name in ["alerts:correct", "alerts:retract", "alerts:renew"]:
        url = reverse(name, kwargs={"pk": published.pk})
        assert client_for(vera).get(url).status_code == 405


def test_publishing_tells_subscribed_organisations_of_the_countries_only(
    vera, victor, moderator, harbour, carol, django_capture_on_commit_callbacks
):
    from commons.alerts.services import save_subscription

    beacon = vera.memberships.get().organisation
    victor.language = "th"
    victor.save()
    save_subscription(organisation=beacon, countries=["KH"], members_too=False, by=victor)
    # Harbour is not verified: its subscription, if it had one, tells nobody
    save_subscription(organisation=harbour, countries=["KH"], members_too=True, by=carol)
    alert = make_alert(vera, actor_name="Mekong Agency", countries=["KH"])
    mail.outbox.clear()
    from commons.alerts.services import publish_alert

    with django_capture_on_commit_callbacks(execute=True):
        publish_alert(alert=alert, moderator=moderator)
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {vera.email, victor.email}  # the author, and Beacon's admin
    notice = told[victor.email]
    assert "กัมพูชา" in notice.subject  # Cambodia, in Thai
    assert "Mekong" not in notice.body and "Mekong" not in notice.subject
    assert alert.get_absolute_url() in notice.body


def test_the_notice_names_several_countries_as_the_readers_language_lists_them(
    vera, victor, moderator, django_capture_on_commit_callbacks
):
    from commons.alerts.services import publish_alert, save_subscription

    victor.language = "fr"
    victor.save()
    beacon = vera.memberships.get().organisation
    save_subscription(organisation=beacon, countries=["KH", "TH"], members_too=False, by=victor)
    alert = make_alert(vera, countries=["KH", "TH"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_alert(alert=alert, moderator=moderator)
    [notice] = [m for m in mail.outbox if m.to == [victor.email]]
    assert "Cambodge et Thaïlande" in notice.subject + notice.body


def _org(user) -> int:
    return user.memberships.get().organisation_id


def test_history_lines_are_written_for_each_step(vera, moderator, published):
    assert [e.kind for e in AlertEvent.objects.filter(alert=published)] == [
        "submitted",
        "published",
    ]
