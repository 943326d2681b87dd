import pytest
from django.urls import reverse

from commons.conftest import client_for, make_user
from commons.directory.models import PersonProfile
from commons.directory.services import save_person_profile

EVERYTHING = {
    "name": "Nok Phan",
    "title": "Case manager",
    "bio": "Ten years of shelter work.",
    "expertise": ["victim identification", "case management"],
    "languages": ["th", "km"],
    "countries": ["TH", "KH"],
    "phone": "+66812345678",
}


@pytest.fixture
def nok(lantern):
    from commons.accounts.models import Membership

    user = make_user("nok@example.org")
    Membership.objects.create(user=user, organisation=lantern, status="active")
    return user


def _share(user, **levels):
    visibility = dict.fromkeys(PersonProfile.SHARED_FIELDS, "members") | levels
    return save_person_profile(user=user, fields=EVERYTHING, visibility=visibility)


def test_members_see_what_is_shared_with_members(nok, dave):
    _share(nok, email="members", phone="private")
    page = client_for(dave).get(reverse("directory:person", args=[nok.pk])).content.decode()
    assert "Nok Phan" in page and "Case manager" in page and "nok@example.org" in page
    assert "+66812345678" not in page
    assert "Lantern Outreach" in page


def test_anonymous_visitors_see_only_public_fields_and_never_contacts(nok):
    _share(nok, name="public", title="public", email="public", phone="public")
    page = client_for(None).get(reverse("directory:person", args=[nok.pk])).content.decode()
    assert "Nok Phan" in page and "Case manager" in page
    assert "nok@example.org" not in page and "+66812345678" not in page
    assert "Ten years of shelter work." not in page  # bio stayed members-only
    # Lantern is not verified, so the visitor does not see it even if organisations were public.
    assert "Lantern Outreach" not in page


def test_a_profile_nobody_may_see_does_not_exist(nok, dave):
    _share(nok, name="private")
    assert client_for(dave).get(reverse("directory:person", args=[nok.pk])).status_code == 404
    assert client_for(None).get(reverse("directory:person", args=[nok.pk])).status_code == 404
    assert client_for(nok).get(reverse("directory:person", args=[nok.pk])).status_code == 200


def test_the_person_sees_everything_they_keep_private(nok):
    _share(nok, bio="private", phone="private")
    page = client_for(nok).get(reverse("directory:person", args=[nok.pk])).content.decode()
    assert "Ten years of shelter work." in page and "+66812345678" in page


def test_search_never_matches_a_hidden_field(nok, dave):
    _share(nok, bio="private", countries="private")
    client = client_for(dave)
    assert (
        "Nok Phan"
        in client.get(reverse("directory:people"), {"q": "case manager"}).content.decode()
    )
    assert (
        "Nok Phan" not in client.get(reverse("directory:people"), {"q": "shelter"}).content.decode()
    )
    assert (
        "Nok Phan"
        not in client.get(reverse("directory:people"), {"country": "KH"}).content.decode()
    )


def test_the_people_list_is_for_signed_in_members(nok):
    _share(nok, name="public")
    response = client_for(None).get(reverse("directory:people"))
    assert response.status_code == 302


def test_a_person_edits_their_profile_and_chooses_who_sees_what(dave):
    data = {
        "name": "Dave D.",
        "title": "Researcher",
        "bio": "",
        "expertise": "labour migration, , data، الهجرة",
        "languages": ["en"],
        "countries": ["MY"],
        "phone": "+60 12-345 6789",
        **{f"show_{name}": "members" for name in PersonProfile.SHARED_FIELDS},
        "show_name": "public",
        "show_phone": "private",
    }
    response = client_for(dave).post(reverse("directory:edit_person"), data)
    assert response.status_code == 302
    profile = PersonProfile.objects.get(user=dave)
    assert (profile.expertise, profile.phone, profile.level("name")) == (
        ["labour migration", "data", "الهجرة"],
        "+60123456789",
        "public",
    )
    assert profile.listed_publicly


def test_contact_details_cannot_be_made_public(dave):
    data = {
        "name": "Dave",
        **{f"show_{name}": "members" for name in PersonProfile.SHARED_FIELDS},
        "show_email": "public",
    }
    response = client_for(dave).post(reverse("directory:edit_person"), data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    # And even if stored, the model never treats a contact field as public.
    profile = save_person_profile(
        user=dave, fields={}, visibility={"email": "public", "name": "public"}
    )
    assert profile.level("email") == "members"


def test_a_bad_phone_number_is_explained(dave):
    data = {
        "name": "Dave",
        "phone": "12345",
        **{f"show_{name}": "members" for name in PersonProfile.SHARED_FIELDS},
    }
    body = client_for(dave).post(reverse("directory:edit_person"), data).content.decode()
    assert "Write the number in international format" in body


def test_the_api_returns_only_what_the_caller_may_see(nok, dave):
    from commons.accounts.services import create_api_token

    _share(nok, phone="private", email="members")
    _token, raw = create_api_token(user=dave, name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client_for(None).get(f"/api/v1/people/{nok.pk}", **headers).json()
    assert body["email"] == "nok@example.org"
    assert body.get("phone") is None
    listing = client_for(None).get("/api/v1/people?q=case", **headers).json()
    assert [p["name"] for p in listing["items"]] == ["Nok Phan"]
    assert client_for(None).get("/api/v1/people").status_code == 401


def test_the_people_list_reads_everyone_s_organisations_at_once(
    lantern, harbour, dave, django_assert_max_num_queries
):
    from commons.accounts.models import Membership

    for n in range(12):
        user = make_user(f"person{n}@example.org")
        Membership.objects.create(
            user=user, organisation=lantern if n % 2 else harbour, status="active"
        )
        save_person_profile(
            user=user,
            fields={**EVERYTHING, "name": f"Person {n:02d}"},
            visibility=dict.fromkeys(PersonProfile.SHARED_FIELDS, "members"),
        )
    client = client_for(dave)
    client.get(reverse("directory:people"))  # sessions, caches
    with django_assert_max_num_queries(12):
        page = client.get(reverse("directory:people")).content.decode()
    assert page.count("Lantern Outreach") == 6 and page.count("Harbour Legal Aid") == 6
