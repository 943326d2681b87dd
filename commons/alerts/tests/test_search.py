"""The alerts list's search: by name, licence number and country, expired on request;
each search audited with the query and the alerts shown."""

from django.urls import reverse

from commons.alerts.tests.conftest import make_alert
from commons.conftest import client_for
from commons.core.models import AuditEvent


def _names(response) -> list[str]:
    return [alert.actor_name for alert in response.context["alerts"]]


def test_it_finds_alerts_by_alias_in_another_script(vera, moderator):
    make_alert(vera, moderator, actor_name="Somchai Recruitment", actor_aliases=["สมชาย จัดหางาน"])
    make_alert(vera, moderator, actor_name="Harbour Crew Services")
    client = client_for(vera)
    assert _names(client.get(reverse("alerts:list"), {"q": "Somchai"})) == ["Somchai Recruitment"]
    assert _names(client.get(reverse("alerts:list"), {"q": "สมชาย"})) == ["Somchai Recruitment"]
    response = client.get(reverse("alerts:list"), {"q": "Nobody Like This"})
    assert _names(response) == []
    assert "does not mean an actor is safe" in response.content.decode()


def test_it_finds_alerts_by_licence_number_however_typed(vera, moderator, published):
    make_alert(vera, moderator, actor_name="Other Agency", licence_number="TH-9999")
    client = client_for(vera)
    response = client.get(reverse("alerts:list"), {"licence": "th 1234-2566"})
    assert _names(response) == [published.actor_name]


def test_it_filters_by_country_based_in_or_concerned(vera, moderator):
    make_alert(vera, moderator, actor_name="Kuala Agency", actor_country="MY", countries=["NP"])
    make_alert(vera, moderator, actor_name="Bangkok Agency", actor_country="TH", countries=["TH"])
    client = client_for(vera)
    assert _names(client.get(reverse("alerts:list"), {"country": "NP"})) == ["Kuala Agency"]
    assert _names(client.get(reverse("alerts:list"), {"country": "MY"})) == ["Kuala Agency"]


def test_it_audits_each_search_with_the_query_and_the_alerts_shown(vera, published):
    client_for(vera).get(reverse("alerts:list"), {"q": "golden"})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).latest("id")
    assert event.actor == vera
    assert event.data == {"via": "page", "query": {"q": "golden"}, "ids": [published.pk]}


def test_it_audits_each_alert_read(vera, published):
    client_for(vera).get(reverse("alerts:detail", kwargs={"pk": published.pk}))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).latest("id")
    assert (event.actor, event.target_id, event.data) == (vera, str(published.pk), {"via": "page"})


def test_it_audits_a_refused_look_at_the_list(dave):
    client_for(dave).get(reverse("alerts:list"))
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor) == (AuditEvent.Action.ACCESS_DENIED, dave)


def test_it_refuses_other_methods(vera):
    assert client_for(vera).post(reverse("alerts:list")).status_code == 405


def test_it_audits_the_authors_and_the_moderators_lists(vera, moderator, submitted):
    client_for(vera).get(reverse("alerts:mine"))
    client_for(moderator).get(reverse("alerts:queue"))
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).order_by("id")
    assert [(e.actor, e.data["via"], e.data["ids"]) for e in reads] == [
        (vera, "mine", [submitted.pk]),
        (moderator, "queue", [submitted.pk]),
    ]
