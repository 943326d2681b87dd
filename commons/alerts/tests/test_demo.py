"""The demo alerts: synthetic, marked, reported by a verified fictional organisation,
e-mailing nobody, loaded once however often the demo runs."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.accounts.models import User
from commons.alerts.demo import load_demo_alerts
from commons.alerts.models import Alert, AlertEvent, RightOfReply
from commons.conftest import client_for
from commons.core.demo import load_demo


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    # The alerts need only the people and organisations.
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    monkeypatch.setattr("commons.library.demo.load_demo_library", lambda: 0)
    with django_capture_on_commit_callbacks(execute=True):
        _people, _password, counts = load_demo()
    return counts


def test_the_demo_has_each_kind_of_alert(demo):
    alerts = Alert.objects.filter(is_demo=True)
    assert demo["alerts"] == alerts.count() == 5
    assert sorted(alerts.values_list("status", flat=True)) == [
        "expired",
        "published",
        "published",
        "retracted",
        "submitted",
    ]
    for alert in alerts:
        assert alert.actor_name.endswith("(demo)") and alert.licence_number.startswith("DEMO-")
        assert alert.organisation.is_verified and alert.organisation.slug.endswith("-demo")
    assert "confused" in alerts.get(status="retracted").retraction_reason
    assert alerts.get(licence_number="DEMO-0001").replies.get().status == "attached"
    assert RightOfReply.objects.filter(status="new").count() == 1


def test_demo_members_of_the_verified_organisation_read_them(demo):
    bob = User.objects.get(email="bob@example.org")
    dave = User.objects.get(email="dave@example.org")
    listing = client_for(bob).get(reverse("alerts:list")).content.decode()
    assert "Example Placement Agency (demo)" in listing
    assert (
        "Example Placement Agency (demo)"
        not in client_for(dave).get(reverse("alerts:list")).content.decode()
    )


def test_it_e_mails_nobody_and_loads_once(demo, django_capture_on_commit_callbacks):
    assert mail.outbox == []
    before = (Alert.objects.count(), AlertEvent.objects.count(), RightOfReply.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert load_demo_alerts() == 0
    after = (Alert.objects.count(), AlertEvent.objects.count(), RightOfReply.objects.count())
    assert after == before and callbacks == []
