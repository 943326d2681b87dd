"""An organisation's subscription to alerts about its countries: its admins manage it,
once the organisation is verified."""

from django.urls import reverse

from commons.alerts.models import AlertSubscription
from commons.conftest import client_for

URL = reverse("alerts:subscriptions")


def test_an_admin_of_a_verified_organisation_subscribes(victor):
    client = client_for(victor)
    assert "Beacon" in client.get(URL).content.decode()
    response = client.post(
        URL,
        {"organisation": "beacon", "beacon-countries": "Cambodia, TH", "beacon-members_too": "on"},
    )
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get()
    assert (subscription.countries, subscription.members_too) == (["KH", "TH"], True)
    page = client.get(URL).content.decode()
    assert "Cambodia, Thailand" in page
    # no countries: no subscription
    client.post(URL, {"organisation": "beacon", "beacon-countries": ""})
    assert not AlertSubscription.objects.exists()


def test_it_explains_an_unknown_country_and_keeps_the_text(victor):
    response = client_for(victor).post(
        URL, {"organisation": "beacon", "beacon-countries": "Atlantis"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a country we know: Atlantis" in page and 'value="Atlantis"' in page


def test_others_cannot_subscribe(vera, alice, dave):
    # vera is a member of Beacon, not its admin
    assert (
        client_for(vera).post(URL, {"organisation": "beacon", "beacon-countries": "TH"}).status_code
        == 403
    )
    # alice is the admin of Lantern, which is not verified
    page = client_for(alice).get(URL).content.decode()
    assert "not verified yet" in page
    response = client_for(alice).post(URL, {"organisation": "lantern", "lantern-countries": "TH"})
    assert response.status_code == 403
    assert "not the admin of any organisation" in client_for(dave).get(URL).content.decode()
    assert not AlertSubscription.objects.exists()
    assert client_for(None).get(URL).status_code == 302
