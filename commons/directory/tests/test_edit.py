import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from commons.accounts.services import create_organisation
from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.directory.models import Hotline, NetworkLink, Presence, Term


def _form(**overrides):
    data = {
        "name": "Lantern Outreach",
        "acronym": "LO",
        "country": "TH",
        "type": "ngo",
        "website": "https://lantern.example.org",
        "summary": "Shelter and legal aid in Chiang Mai.",
        "description": "We run **two shelters**.",
        "founded": "2009",
        "size": "11-50",
        "services": ["shelter", "legal_aid"],
        "populations": ["children", "women"],
        "languages": ["th", "en"],
        "places-TOTAL_FORMS": "2",
        "places-INITIAL_FORMS": "0",
        "places-0-country": "TH",
        "places-0-subdivision": "TH-50",
        "places-0-locality": "Chiang Mai",
        "places-1-country": "",
        "hotlines-TOTAL_FORMS": "1",
        "hotlines-INITIAL_FORMS": "0",
        "hotlines-0-number": "+66 2 123 4567",
        "hotlines-0-label": "Help for migrants",
        "hotlines-0-hours": "24/7",
        "hotlines-0-channels": ["phone", "line"],
    }
    data.update(overrides)
    return data


def _png(size=(8, 8), fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, fmt)
    return SimpleUploadedFile(
        f"logo.{fmt.lower()}", buffer.getvalue(), content_type=f"image/{fmt.lower()}"
    )


def test_an_org_admin_edits_the_profile_and_it_is_audited(alice, lantern, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(alice).post(
        reverse("directory:edit", args=["lantern"]), _form(logo=_png())
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    lantern.refresh_from_db()
    profile = lantern.profile
    assert (lantern.acronym, profile.founded, profile.size) == ("LO", 2009, "11-50")
    assert profile.description_html == "<p>We run <strong>two shelters</strong>.</p>"
    assert profile.is_frontline
    assert profile.logo.name.startswith(f"logos/{lantern.pk}/")
    assert set(
        Term.objects.filter(organisation=lantern, vocabulary="services").values_list(
            "code", flat=True
        )
    ) == {
        "shelter",
        "legal_aid",
    }
    place = Presence.objects.get(organisation=lantern)
    assert (place.country, place.subdivision, place.locality) == ("TH", "TH-50", "Chiang Mai")
    hotline = Hotline.objects.get(organisation=lantern)
    assert (hotline.number, hotline.channels) == ("+6621234567", ["phone", "line"])
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.actor == alice
    assert {"acronym", "description", "services", "presences", "hotlines"} <= set(
        event.data["changed"]
    )

    page = client_for(None).get(lantern.get_absolute_url())
    assert page.status_code == 404  # not verified yet: not public
    page = client_for(alice).get(lantern.get_absolute_url()).content.decode()
    assert "Chiang Mai" in page and "+6621234567" in page and "Legal aid and representation" in page


def test_the_description_is_sanitised(alice, lantern):
    client_for(alice).post(
        reverse("directory:edit", args=["lantern"]),
        _form(
            description=(
                "<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
            )
        ),
    )
    lantern.refresh_from_db()
    html = lantern.profile.description_html
    assert (
        "<script" not in html
        and "javascript:" not in html
        and "onerror" not in html
        and "<img" not in html
    )


def test_bad_input_is_reported_next_to_the_field_and_nothing_is_saved(alice, lantern):
    response = client_for(alice).post(
        reverse("directory:edit", args=["lantern"]),
        _form(
            **{
                "hotlines-0-number": "12345",
                "places-0-subdivision": "KH-12",
                "founded": "1066",
                "logo": SimpleUploadedFile("x.png", b"not an image"),
            }
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write the number in international format" in body
    assert "This is not a province or state of the chosen country." in body
    assert "Ensure this value is greater than or equal to 1800." in body
    assert "Upload a valid image." in body
    assert not Term.objects.filter(organisation=lantern).exists()
    assert not AuditEvent.objects.filter(action="organisation.updated").exists()


def test_oversized_or_unusual_logos_are_refused(alice, lantern):
    response = client_for(alice).post(
        reverse("directory:edit", args=["lantern"]), _form(logo=_png(fmt="BMP"))
    )
    assert "Upload a PNG, JPEG, WebP or GIF image." in response.content.decode()


def test_networks_link_to_their_members(alice, lantern, staff):
    network = create_organisation(
        name="Thai Anti-Trafficking Network", country="TH", type="network", verified_by=staff
    )
    client_for(alice).post(
        reverse("directory:edit", args=["lantern"]), _form(networks=[network.pk])
    )
    assert NetworkLink.objects.filter(network=network, member=lantern).exists()
    page = client_for(alice).get(network.get_absolute_url()).content.decode()
    assert "Members of this network" in page and "Lantern Outreach" in page


def test_members_who_are_not_admins_cannot_edit(bob, carol, lantern):
    assert client_for(bob).get(reverse("directory:edit", args=["lantern"])).status_code == 403
    assert (
        client_for(carol).post(reverse("directory:edit", args=["lantern"]), _form()).status_code
        == 403
    )
    lantern.refresh_from_db()
    assert lantern.acronym == ""


def test_the_edit_page_refuses_the_wrong_method(alice, lantern):
    assert client_for(alice).put(reverse("directory:edit", args=["lantern"])).status_code == 405


def test_places_get_coordinates_from_the_offline_gazetteer(alice, lantern):
    data = _form(**{"places-1-country": "KH", "places-1-locality": "Atlantis"})
    data["places-0-locality"] = "เชียงใหม่"  # Chiang Mai, written in Thai
    response = client_for(alice).post(
        reverse("directory:edit", args=["lantern"]), data, follow=True
    )
    chiang_mai = Presence.objects.get(organisation=lantern, country="TH")
    assert round(chiang_mai.latitude, 1) == 18.8 and round(chiang_mai.longitude, 1) == 99.0
    atlantis = Presence.objects.get(organisation=lantern, country="KH")
    assert (atlantis.locality, atlantis.latitude) == ("Atlantis", None)
    assert "could not be put on the map: Atlantis" in response.content.decode()
