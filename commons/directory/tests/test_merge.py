from django.urls import reverse

from commons.accounts.models import Membership, Organisation
from commons.accounts.services import create_organisation
from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.directory.models import Hotline, Presence, Term
from commons.directory.services import save_profile


def test_staff_merge_a_duplicate_and_nothing_is_lost(alice, bob, carol, lantern, staff):
    duplicate = create_organisation(
        name="Lantern Outreach Foundation", country="TH", acronym="LOF", creator=carol
    )
    Membership.objects.create(user=bob, organisation=duplicate, role="admin", status="active")
    save_profile(
        organisation=duplicate,
        profile_fields={"description": "Shelters in Chiang Mai.", "founded": 2009},
        terms={"services": ["shelter"]},
        presences=[{"country": "TH"}, {"country": "LA"}],
        hotlines=[{"number": "+6621234567", "label": "", "hours": "", "channels": []}],
    )
    save_profile(
        organisation=lantern, terms={"services": ["legal_aid"]}, presences=[{"country": "TH"}]
    )

    client = client_for(staff)
    compare = client.get(
        reverse("directory:merge", args=["lantern"]), {"duplicate": duplicate.slug}
    )
    assert "Lantern Outreach Foundation" in compare.content.decode()
    response = client.post(
        reverse("directory:merge", args=["lantern"]), {"duplicate": duplicate.slug, "confirm": "1"}
    )
    assert response.status_code == 302

    assert not Organisation.objects.filter(slug=duplicate.slug).exists()
    lantern.refresh_from_db()
    assert lantern.acronym == "LOF"
    assert lantern.profile.founded == 2009 and "chiang mai" in lantern.profile.search_text
    roles = dict(Membership.objects.filter(organisation=lantern).values_list("user__email", "role"))
    assert roles == {
        "alice@example.org": "admin",
        "bob@example.org": "admin",
        "carol@example.org": "admin",
    }
    assert set(Term.objects.filter(organisation=lantern).values_list("code", flat=True)) == {
        "shelter",
        "legal_aid",
    }
    assert set(Presence.objects.filter(organisation=lantern).values_list("country", flat=True)) == {
        "TH",
        "LA",
    }
    assert Hotline.objects.get().organisation == lantern
    event = AuditEvent.objects.get(action="organisation.merged")
    assert event.actor == staff and event.data["merged"] == duplicate.slug


def test_merging_needs_a_confirmation(lantern, staff):
    duplicate = create_organisation(name="Lantern Outreach Foundation", country="TH")
    client_for(staff).post(
        reverse("directory:merge", args=["lantern"]), {"duplicate": duplicate.slug}
    )
    assert Organisation.objects.filter(pk=duplicate.pk).exists()


def test_only_staff_merge(alice, lantern):
    duplicate = create_organisation(name="Lantern Outreach Foundation", country="TH")
    response = client_for(alice).post(
        reverse("directory:merge", args=["lantern"]), {"duplicate": duplicate.slug, "confirm": "1"}
    )
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=duplicate.pk).exists()


def test_the_merge_page_suggests_likely_duplicates(lantern, staff):
    create_organisation(name="Lantern Outreach Thailand", country="TH")
    body = client_for(staff).get(reverse("directory:merge", args=["lantern"])).content.decode()
    assert "Likely duplicates:" in body and "Lantern Outreach Thailand" in body
