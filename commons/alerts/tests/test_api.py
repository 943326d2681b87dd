"""/api/v1/alerts: a reader's personal token only, the same search as the page, every
read audited."""

from commons.accounts.services import create_api_token
from commons.alerts.tests.conftest import make_alert
from commons.conftest import client_for
from commons.core.models import AuditEvent


def _auth(user) -> dict:
    _made, raw = create_api_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_lists_and_searches_alerts_for_a_reader(vera, moderator, published):
    make_alert(vera, moderator, actor_name="Harbour Crew Services", countries=["ID"])
    client = client_for(None)
    body = client.get("/api/v1/alerts", **_auth(vera)).json()
    assert body["count"] == 2
    body = client.get("/api/v1/alerts?q=golden%20bridg&country=KH", **_auth(vera)).json()
    [item] = body["items"]
    assert item["actor_name"] == "Golden Bridge Placement Co., Ltd."
    assert item["licence_number"] == "TH-1234/2566"
    assert item["routes"] == [["KH", "TH"]] and item["patterns"] == ["fees"]
    assert item["organisation"] == "Beacon" and item["reviewed_at"]
    assert [h["kind"] for h in item["history"]] == ["submitted", "published"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).latest("id")
    assert event.data == {
        "via": "api",
        "query": {"q": "golden bridg", "country": "KH"},
        "ids": [published.pk],
    }


def test_it_reads_one_alert_and_audits_it(moderator, published):
    response = client_for(None).get(f"/api/v1/alerts/{published.pk}", **_auth(moderator))
    assert response.status_code == 200 and response.json()["id"] == published.pk
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).latest("id")
    assert (event.actor, event.target_id) == (moderator, str(published.pk))


def test_it_refuses_without_a_readers_token(bob, dave, vera, published):
    client = client_for(None)
    assert client.get("/api/v1/alerts").status_code == 401
    assert client.get("/api/v1/alerts", HTTP_AUTHORIZATION="Bearer fc_nonsense").status_code == 401
    # a reader's browser session is not a token
    assert client_for(vera).get("/api/v1/alerts").status_code == 401
    for person in (bob, dave):
        response = client.get(f"/api/v1/alerts/{published.pk}", **_auth(person))
        assert response.status_code == 403
        assert "Golden" not in response.content.decode()


def test_it_is_documented_in_the_schema(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/alerts" in schema["paths"] and "/api/v1/alerts/{id}" in schema["paths"]
