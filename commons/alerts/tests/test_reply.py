"""The public right-of-reply form: the same answer whatever is typed, a trap for robots,
a limit per address; moderators attach a statement to its alert or dismiss it."""

from django.core import mail
from django.urls import reverse

from commons.alerts.models import RightOfReply
from commons.conftest import client_for

FORM = reverse("alerts:reply_form")
STATEMENT = {
    "name": "Chanida P.",
    "represents": "Golden Bridge Placement Co., Ltd.",
    "email": "legal@example.com",
    "actor_name": "Golden Bridge Placement",
    "licence_number": "TH-1234/2566",
    "statement": "We never charge fees to workers.",
}


def test_it_answers_the_same_whether_or_not_an_alert_names_the_sender(published):
    client = client_for(None)
    about_alert = client.post(FORM, STATEMENT)
    about_nobody = client.post(
        FORM, {**STATEMENT, "actor_name": "Nobody Agency", "licence_number": ""}
    )
    assert about_alert.status_code == about_nobody.status_code == 302
    assert about_alert["Location"] == about_nobody["Location"] == reverse("alerts:reply_sent")
    sent = client.get(about_alert["Location"]).content.decode()
    assert "A moderator will read your statement" in sent
    assert RightOfReply.objects.count() == 2
    assert all(r.alert is None and r.status == "new" for r in RightOfReply.objects.all())


def test_the_form_itself_reveals_nothing(published):
    page = client_for(None).get(FORM).content.decode()
    assert published.actor_name not in page
    assert "does not say whether any warning names you" in page


def test_it_tells_moderators_without_content(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(None).post(FORM, STATEMENT)
    [told] = mail.outbox
    assert told.to == [moderator.email] and "Golden" not in told.body


def test_a_robot_filling_the_trap_is_thanked_and_ignored(db):
    response = client_for(None).post(FORM, {**STATEMENT, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not RightOfReply.objects.exists()


def test_it_limits_statements_per_address_and_keeps_what_was_typed(db, settings):
    settings.ALERTS_REPLIES_PER_HOUR = 2
    client = client_for(None)
    for _n in range(2):
        assert client.post(FORM, STATEMENT).status_code == 302
    response = client.post(FORM, {**STATEMENT, "statement": "A third statement."})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many statements" in page and "A third statement." in page
    assert RightOfReply.objects.count() == 2
    # another address is not limited
    assert client.post(FORM, STATEMENT, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_it_says_what_is_missing(db):
    response = client_for(None).post(FORM, {**STATEMENT, "email": "not-an-address"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid email address." in page and "We never charge fees" in page


def test_a_moderator_attaches_a_statement_which_readers_then_see(moderator, vera, published):
    client_for(None).post(FORM, STATEMENT)
    reply = RightOfReply.objects.get()
    editor = client_for(moderator)
    assert "Golden Bridge Placement" in editor.get(reverse("alerts:replies")).content.decode()
    url = reverse("alerts:reply", kwargs={"pk": reply.pk})
    page = editor.get(url).content.decode()
    # the alert it may answer is proposed, found by licence number
    assert f'value="{published.pk}"' in page
    response = editor.post(url, {"action": "attach", "alert": published.pk})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.status, reply.alert) == ("attached", published)
    page = client_for(vera).get(published.get_absolute_url()).content.decode()
    assert "Right of reply" in page and "We never charge fees to workers." in page
    assert "Statement from Golden Bridge Placement Co., Ltd." in page
    assert "legal@example.com" not in page  # the sender's address stays with moderators
    api = client_for(vera).get(f"/api/v1/alerts/{published.pk}", **_token(vera)).json()
    assert api["replies"][0]["statement"] == "We never charge fees to workers."


def test_dismissing_needs_a_note(moderator):
    client_for(None).post(FORM, STATEMENT)
    reply = RightOfReply.objects.get()
    url = reverse("alerts:reply", kwargs={"pk": reply.pk})
    editor = client_for(moderator)
    assert editor.post(url, {"action": "dismiss", "note": ""}).status_code == 400
    assert editor.post(url, {"action": "dismiss", "note": "Spam."}).status_code == 302
    reply.refresh_from_db()
    assert (reply.status, reply.moderator_note) == ("dismissed", "Spam.")


def test_only_moderators_see_statements(vera, dave):
    client_for(None).post(FORM, STATEMENT)
    reply = RightOfReply.objects.get()
    for person in (vera, dave):
        assert client_for(person).get(reverse("alerts:replies")).status_code == 403
        url = reverse("alerts:reply", kwargs={"pk": reply.pk})
        assert client_for(person).get(url).status_code == 403


def _token(user) -> dict:
    from commons.accounts.services import create_api_token

    _made, raw = create_api_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
