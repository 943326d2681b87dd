from django.urls import reverse
from django.utils import timezone

from commons.accounts.models import Organisation
from commons.conftest import client_for


def test_it_says_what_the_platform_is_and_shows_live_numbers(
    alice, bob, carol, staff, lantern, harbour
):
    harbour.verified_at, harbour.verified_by = timezone.now(), staff
    harbour.save()
    Organisation.objects.create(name="Second Thai NGO", slug="second", country="TH")
    response = client_for(None).get(reverse("home"))
    assert response.status_code == 200
    numbers = response.context["numbers"]
    # Anonymous visitors count what they may see: the one verified organisation.
    assert (
        numbers["organisations"],
        numbers["verified"],
        numbers["countries"],
        numbers["professionals"],
    ) == (
        1,
        1,
        1,
        1,
    )
    signed_in = client_for(alice).get(reverse("home")).context["numbers"]
    assert (signed_in["organisations"], signed_in["countries"], signed_in["professionals"]) == (
        3,
        2,
        3,
    )
    body = response.content.decode()
    assert "The community in numbers" in body
    assert "modern slavery" in body


def test_the_navigation_grows_with_the_signed_in_person(dave):
    anonymous = client_for(None).get(reverse("home")).content.decode()
    assert 'href="/directory/"' in anonymous
    assert 'href="/me/"' not in anonymous
    assert 'href="/me/"' in client_for(dave).get(reverse("home")).content.decode()


def test_it_refuses_the_wrong_method(db):
    assert client_for(None).post(reverse("home")).status_code == 405


def test_the_page_has_landmarks_and_a_skip_link(db):
    body = client_for(None).get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert body.count("<main") == 1
    assert '<nav aria-label="Main">' in body
    assert '<label for="language-select">' in body
