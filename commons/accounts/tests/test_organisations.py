import re

from django.core import mail
from django.urls import reverse

from commons.accounts.models import Invitation, Membership, Organisation
from commons.conftest import client_for, make_user
from commons.core.models import AuditEvent


def test_it_creates_an_organisation_with_its_creator_as_admin(dave):
    response = client_for(dave).post(
        reverse("accounts:organisation_create"),
        {"name": "Mekong Shelter Network", "country": "LA", "type": "network", "acronym": "MSN"},
    )
    organisation = Organisation.objects.get(name="Mekong Shelter Network")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    membership = Membership.objects.get(user=dave, organisation=organisation)
    assert (membership.role, membership.status) == ("admin", "active")
    assert not organisation.is_verified
    assert AuditEvent.objects.filter(
        action="organisation.created", target_id=str(organisation.pk)
    ).exists()


def test_it_shows_form_errors_and_creates_nothing_on_bad_input(dave):
    response = client_for(dave).post(
        reverse("accounts:organisation_create"), {"name": "", "country": "XX"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Select a valid choice" in response.content.decode()
    assert not Organisation.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in_before_creating(db):
    response = client_for(None).get(reverse("accounts:organisation_create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_refuses_the_wrong_method_on_join(dave, lantern):
    response = client_for(dave).get(reverse("accounts:organisation_join", args=[lantern.slug]))
    assert response.status_code == 405


def test_it_escapes_hostile_names(dave):
    client_for(dave).post(
        reverse("accounts:organisation_create"),
        {"name": "<script>alert(1)</script>", "country": "TH", "type": "ngo"},
    )
    organisation = Organisation.objects.get()
    page = client_for(dave).get(organisation.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_join_request_is_approved_by_the_org_admin(
    alice, dave, lantern, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dave).post(
            reverse("accounts:organisation_join", args=[lantern.slug]),
            {"message": "I run our Chiang Mai office."},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=dave, organisation=lantern)
    assert membership.status == "pending"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "I run our Chiang Mai office." in mail.outbox[0].body

    members_page = (
        client_for(alice).get(reverse("accounts:members", args=[lantern.slug])).content.decode()
    )
    assert "dave@example.org" in members_page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            reverse("accounts:member_decide", args=[lantern.slug, membership.pk]),
            {"decision": "approve"},
        )
    membership.refresh_from_db()
    assert membership.status == "active"
    assert membership.decided_by == alice
    assert mail.outbox[-1].to == ["dave@example.org"]
    assert "approved" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="membership.approved", actor=alice).exists()


def test_a_turned_down_request_is_removed(alice, dave, lantern):
    membership = Membership.objects.create(user=dave, organisation=lantern)
    client_for(alice).post(
        reverse("accounts:member_decide", args=[lantern.slug, membership.pk]),
        {"decision": "reject"},
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.rejected").exists()


def test_a_plain_member_cannot_approve_requests(bob, dave, lantern):
    membership = Membership.objects.create(user=dave, organisation=lantern)
    response = client_for(bob).post(
        reverse("accounts:member_decide", args=[lantern.slug, membership.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == "pending"
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.actor == bob


def test_an_admin_of_another_organisation_cannot_manage_members(carol, bob, lantern):
    membership = Membership.objects.get(user=bob, organisation=lantern)
    response = client_for(carol).post(
        reverse("accounts:member_remove", args=[lantern.slug, membership.pk])
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_role_changes_are_audited(alice, bob, lantern):
    membership = Membership.objects.get(user=bob, organisation=lantern)
    client_for(alice).post(
        reverse("accounts:member_role", args=[lantern.slug, membership.pk]), {"role": "admin"}
    )
    membership.refresh_from_db()
    assert membership.role == "admin"
    event = AuditEvent.objects.get(action="role.changed")
    assert event.data == {"person": "bob@example.org", "from": "member", "to": "admin"}


def test_the_last_admin_cannot_leave_or_be_demoted(alice, lantern):
    membership = Membership.objects.get(user=alice, organisation=lantern)
    response = client_for(alice).post(
        reverse("accounts:member_role", args=[lantern.slug, membership.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "at least one admin" in response.content.decode()
    response = client_for(alice).post(
        reverse("accounts:organisation_leave", args=[lantern.slug]), follow=True
    )
    assert "at least one admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "admin"


def dave_outsider():
    return make_user("outsider@example.org", name="Outsider")


def test_members_are_listed_to_members_only(alice, bob, carol, lantern):
    url = lantern.get_absolute_url()
    # Bob as the text of an element: a random CSRF token may hold the letters "Bob".
    shown = re.compile(r">\s*Bob\s*<")
    assert shown.search(client_for(alice).get(url).content.decode())
    assert not shown.search(client_for(carol).get(url).content.decode())
    assert not shown.search(client_for(dave_outsider()).get(url).content.decode())


def test_unverified_organisations_are_hidden_from_anonymous_visitors(lantern, staff):
    assert client_for(None).get(lantern.get_absolute_url()).status_code == 404
    client_for(staff).post(
        reverse("accounts:organisation_verify", args=[lantern.slug]), {"verified": "1"}
    )
    lantern.refresh_from_db()
    assert lantern.verified_by == staff
    assert client_for(None).get(lantern.get_absolute_url()).status_code == 200


def test_only_staff_verify_organisations(alice, lantern):
    response = client_for(alice).post(reverse("accounts:organisation_verify", args=[lantern.slug]))
    assert response.status_code == 403
    lantern.refresh_from_db()
    assert not lantern.is_verified


def test_invitation_by_email_makes_the_invitee_a_member(
    alice, lantern, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(
            reverse("accounts:members", args=[lantern.slug]),
            {"email": "Nok@Example.org", "role": "member"},
        )
    invitation = Invitation.objects.get()
    assert invitation.email == "nok@example.org"
    assert mail.outbox[0].to == ["nok@example.org"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    path = link.split("127.0.0.1:8000")[1].strip()
    assert path.split("/")[2] not in invitation.token_hash  # only the hash is stored

    nok = make_user("nok@example.org", name="Nok")
    response = client_for(nok).post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=nok, organisation=lantern).status == "active"
    assert "already been used" in client_for(nok).post(path, follow=True).content.decode()


def test_an_invitation_cannot_be_accepted_from_another_address(alice, dave, lantern):
    from commons.accounts.services import invite_member

    _invitation, raw = invite_member(organisation=lantern, email="nok@example.org", by=alice)
    response = client_for(dave).post(reverse("accounts:invitation", args=[raw]), follow=True)
    assert "sent to another e-mail address" in response.content.decode()
    assert not Membership.objects.filter(user=dave, organisation=lantern).exists()


def test_the_old_organisation_list_sends_people_to_the_directory(db):
    response = client_for(None).get(reverse("accounts:organisations"), {"q": "harb"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/?q=harb"


def test_registering_warns_about_likely_duplicates(dave, staff):
    from commons.accounts.services import create_organisation

    create_organisation(
        name="Blue Dragon Children's Foundation", acronym="BDCF", country="VN", verified_by=staff
    )
    create_organisation(name="Blue Sky Travel", country="VN", verified_by=staff)
    data = {"name": "Blue Dragon Childrens Fdn", "country": "VN", "type": "ngo"}
    response = client_for(dave).post(reverse("accounts:organisation_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This organisation may already be listed:" in body
    assert "Blue Dragon Children&#x27;s Foundation" in body
    assert "Blue Sky Travel" not in body
    assert Organisation.objects.count() == 2

    response = client_for(dave).post(
        reverse("accounts:organisation_create"), {**data, "not_duplicate": "1"}
    )
    assert response.status_code == 302
    assert Organisation.objects.count() == 3


def test_the_same_name_in_another_country_is_no_duplicate(dave, staff):
    from commons.accounts.services import create_organisation

    create_organisation(name="Legal Aid Centre", country="KH", verified_by=staff)
    response = client_for(dave).post(
        reverse("accounts:organisation_create"),
        {"name": "Legal Aid Centre", "country": "TH", "type": "ngo"},
    )
    assert response.status_code == 302
