"""Taking alerts out of the platform: a data steward with a second factor only, and
every export audited."""

import csv
import io

import pytest
from django.urls import reverse

from commons.alerts import services
from commons.conftest import client_for, make_user
from commons.core.models import AuditEvent
from commons.core.tests.languages import translated

EXPORT = reverse("alerts:export")


def test_a_steward_with_a_second_factor_exports_and_is_audited(steward, published, submitted):
    response = client_for(steward).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="alerts.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    # published alerts only: one waiting for review is not exported
    assert [
        (r["Name of the recruitment actor"], r["Registration or licence number"]) for r in rows
    ] == [("Golden Bridge Placement Co., Ltd.", "TH-1234/2566")]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).get()
    assert (event.actor, event.data) == (steward, {"ids": [published.pk]})


def test_everyone_else_is_refused(vera, victor, moderator, staff, dave, published):
    for person in (vera, victor, moderator, staff, dave):
        assert client_for(person).get(EXPORT).status_code == 403
    assert client_for(None).get(EXPORT).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).count() == 5


def test_a_steward_without_a_second_factor_cannot_export(db, published):
    steward = make_user("nofactor@example.org", is_data_steward=True)
    response = client_for(steward).get(EXPORT)
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    with pytest.raises(PermissionError):
        services.export_alerts(by=steward)


def test_it_refuses_other_methods(steward):
    assert client_for(steward).post(EXPORT).status_code == 405


def test_the_headers_are_in_the_stewards_language(steward, published):
    steward.language = "th"
    steward.save(update_fields=["language"])
    response = client_for(steward).get(EXPORT)
    [row] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    name = translated("th", "name of the recruitment actor")
    assert row[name] == "Golden Bridge Placement Co., Ltd."
    assert row[translated("th", "countries concerned")] == "TH KH"
