from django.urls import reverse

from commons.accounts.models import ApiToken
from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.journeys.services import import_records
from commons.journeys.tests.test_import import ATTESTATION, GOOD, _csv
from commons.journeys.tests.test_public import ROUTES, _release


def test_releases_and_flows_read_published_tables_only(db):
    old = _release(ROUTES[:1], days_ago=30)
    current = _release(ROUTES)
    _release(ROUTES, published=False)
    client = client_for(None)
    assert [r["id"] for r in client.get("/api/v1/journeys/releases").json()] == [
        current.pk,
        old.pk,
    ]
    assert client.get("/api/v1/journeys/releases/current").json()["k"] == 11
    body = client.get("/api/v1/journeys/flows", {"recruitment": "MM", "year_from": 2022}).json()
    assert body["release"]["id"] == current.pk and body["table"] == "route_year"
    assert body["flows"] == [{"recruitment": "MM", "exploitation": "TH", "count": 630}]
    same = client.get("/api/v1/journeys/flows", {"recruitment": "MM", "year_from": 2022}).json()
    assert same == body  # the same question always gets the same answer
    older = client.get("/api/v1/journeys/flows", {"release": old.pk}).json()
    assert [f["count"] for f in older["flows"]] == [1230]
    country = client.get("/api/v1/journeys/countries/th").json()
    assert country["exploitation"]["total"] == 1310
    assert client.get("/api/v1/journeys/countries/zz").status_code == 404


def test_flows_by_sector_and_what_a_sector_cannot_be_combined_with(db):
    _release(ROUTES)
    client = client_for(None)
    body = client.get("/api/v1/journeys/flows", {"sector": "fishing"}).json()
    assert body["table"] == "route_sector"
    assert body["flows"] == [{"recruitment": "MM", "exploitation": "TH", "count": 470}]
    refused = client.get("/api/v1/journeys/flows", {"sector": "fishing", "age": "child"})
    assert refused.status_code == 400
    assert (
        "cannot be combined with year, form of exploitation, sex or age"
        in (refused.json()["detail"])
    )


def test_a_contributor_reads_its_own_records_with_a_token_and_nobody_else_s(verified, bob, carol):
    import_records(organisation=verified, by=bob, source=_csv(*GOOD), attestation=ATTESTATION)
    _token, key = create_api_token(user=bob, name="sync")
    response = client_for(None).get(reverse("api-v1:mine"), HTTP_AUTHORIZATION=f"Bearer {key}")
    rows = response.json()
    assert len(rows) == 3 and {r["exploitation_country"] for r in rows} == {"TH", "MY"}
    assert "case_hash" not in rows[0]
    from commons.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="data.export", actor=bob).exists()
    _token, other = create_api_token(user=carol, name="sync")
    assert (
        client_for(None).get(reverse("api-v1:mine"), HTTP_AUTHORIZATION=f"Bearer {other}").json()
        == []
    )
    assert client_for(None).get(reverse("api-v1:mine")).status_code == 401
    assert ApiToken.objects.count() == 2
