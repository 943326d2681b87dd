from django.urls import reverse

from commons.accounts.models import Membership
from commons.accounts.services import create_organisation
from commons.conftest import client_for, make_user
from commons.directory.services import save_profile


def test_every_figure_is_counted_live(staff, db):
    shelter = create_organisation(name="Lantern Shelter", country="TH", verified_by=staff)
    save_profile(
        organisation=shelter,
        terms={"services": ["shelter"], "four_ps": ["protection"], "languages": ["th", "en"]},
        presences=[{"country": "TH"}, {"country": "LA"}],
    )
    network = create_organisation(
        name="Mekong Network", country="KH", type="network", verified_by=staff
    )
    save_profile(
        organisation=network, terms={"four_ps": ["partnership", "protection"], "languages": ["km"]}
    )
    save_profile(organisation=shelter, networks=[network])
    hidden = create_organisation(name="Hidden", country="VN")
    save_profile(organisation=hidden, terms={"four_ps": ["prevention"]})
    for n in range(3):
        Membership.objects.create(
            user=make_user(f"p{n}@example.org"), organisation=shelter, status="active"
        )
    Membership.objects.create(user=make_user("v@example.org"), organisation=hidden, status="active")

    body = client_for(None).get("/api/v1/numbers").json()
    assert {
        k: body[k] for k in ("organisations", "verified", "frontline", "professionals", "countries")
    } == {
        "organisations": 2,
        "verified": 2,
        "frontline": 1,
        "professionals": 3,
        "countries": 3,  # TH, LA, KH — Vietnam only has an unverified organisation
    }
    assert (body["network_partnerships"], body["languages"]) == (1, 3)
    assert {f["code"]: f["count"] for f in body["by_four_ps"]} == {
        "protection": 2,
        "partnership": 1,
    }
    assert body["top_countries_by_members"] == [{"code": "TH", "label": "Thailand", "count": 3}]

    page = client_for(None).get(reverse("directory:numbers")).content.decode()
    assert "Network partnerships" in page
    assert 'href="/directory/?four_ps=protection"' in page


def test_signed_in_people_count_unverified_organisations_too(staff, dave):
    create_organisation(name="Hidden", country="VN")
    assert (
        client_for(dave).get(reverse("directory:numbers")).context["figures"]["organisations"] == 1
    )
    assert (
        client_for(None).get(reverse("directory:numbers")).context["figures"]["organisations"] == 0
    )


def test_the_numbers_page_refuses_the_wrong_method(db):
    assert client_for(None).post(reverse("directory:numbers")).status_code == 405
