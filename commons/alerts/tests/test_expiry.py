"""Alerts expire after ALERTS_VALID_DAYS unless renewed; `commons alerts expire` marks
them, and running it twice changes nothing."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commons.alerts.models import Alert
from commons.alerts.tests.conftest import make_alert
from commons.conftest import client_for


def _age(alert: Alert, days: int) -> None:
    Alert.objects.filter(pk=alert.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_alerts_last_as_long_as_the_setting_says(settings, vera, moderator):
    settings.ALERTS_VALID_DAYS = 30
    alert = make_alert(vera, moderator)
    assert (alert.expires_at - alert.published_at) == datetime.timedelta(days=30)


def test_the_command_expires_due_alerts_once(vera, moderator, published):
    current = make_alert(vera, moderator, actor_name="Still Current Agency")
    _age(published, 1)
    out = StringIO()
    call_command("alerts", "expire", stdout=out)
    assert "Alerts expired: 1." in out.getvalue()
    published.refresh_from_db()
    current.refresh_from_db()
    assert (published.status, current.status) == ("expired", "published")
    out = StringIO()
    call_command("alerts", "expire", stdout=out)
    assert "Alerts expired: 0." in out.getvalue()
    assert list(published.events.values_list("kind", flat=True)).count("expired") == 1


def test_the_list_hides_expired_alerts_unless_asked_even_before_the_command(vera, published):
    _age(published, 1)  # past its date, the command has not run yet
    client = client_for(vera)
    listing = client.get(reverse("alerts:list")).content.decode()
    assert published.actor_name not in listing
    listing = client.get(reverse("alerts:list"), {"expired": "1"}).content.decode()
    assert published.actor_name in listing and "Expired" in listing
    page = client.get(published.get_absolute_url()).content.decode()
    assert "This alert has expired" in page
    api = client.get(f"/api/v1/alerts/{published.pk}", **_token(vera)).json()
    assert api["status"] == "expired"


def test_renewal_by_the_reporting_admin_or_a_moderator_brings_it_back(
    vera, victor, moderator, published
):
    _age(published, 1)
    call_command("alerts", "expire", stdout=StringIO())
    renew = reverse("alerts:renew", kwargs={"pk": published.pk})
    assert client_for(vera).post(renew).status_code == 403  # a member, not an admin
    assert client_for(victor).post(renew).status_code == 302
    published.refresh_from_db()
    assert published.status == "published" and published.renewed_at is not None
    assert published.expires_at > timezone.now() + datetime.timedelta(days=364)
    assert client_for(moderator).post(renew).status_code == 302
    kinds = list(published.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "published", "expired", "renewed", "renewed"]
    page = client_for(vera).get(published.get_absolute_url()).content.decode()
    assert "renewed" in page and "This alert has expired" not in page


def test_a_retracted_alert_is_not_renewed(victor, published):
    from commons.alerts.services import retract_alert

    retract_alert(alert=published, reason="Wrong agency.", by=victor)
    renew = reverse("alerts:renew", kwargs={"pk": published.pk})
    assert client_for(victor).post(renew).status_code == 403


def _token(user) -> dict:
    from commons.accounts.services import create_api_token

    _made, raw = create_api_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
