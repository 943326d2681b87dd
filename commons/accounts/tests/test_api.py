from django.urls import reverse
from django.utils import timezone

from commons.accounts.models import ApiToken
from commons.accounts.services import create_api_token
from commons.conftest import client_for
from commons.core.models import AuditEvent


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_openapi_schema_describes_the_api(db):
    response = client_for(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Freedom Commons API"
    assert {
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}",
        "/api/v1/me",
        "/api/v1/numbers",
    } <= set(schema["paths"])


def test_anonymous_callers_see_only_verified_organisations(lantern, harbour, staff):
    harbour.verified_at, harbour.verified_by = timezone.now(), staff
    harbour.save()
    body = client_for(None).get("/api/v1/organisations").json()
    assert [o["slug"] for o in body["items"]] == ["harbour"]
    assert client_for(None).get("/api/v1/organisations/lantern").status_code == 404


def test_a_token_sees_what_its_owner_sees_on_the_pages(dave, lantern, harbour):
    token, raw = create_api_token(user=dave, name="script")
    body = client_for(None).get("/api/v1/organisations", **_bearer(raw)).json()
    assert {o["slug"] for o in body["items"]} == {"harbour", "lantern"}
    page = client_for(dave).get(reverse("directory:search")).content.decode()
    assert "Harbour Legal Aid" in page and "Lantern Outreach" in page
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_me_describes_the_token_owner(alice):
    _token, raw = create_api_token(user=alice, name="script")
    body = client_for(None).get("/api/v1/me", **_bearer(raw)).json()
    assert body["email"] == "alice@example.org"
    assert body["memberships"] == [{"organisation": "lantern", "role": "admin", "status": "active"}]
    assert client_for(None).get("/api/v1/me").status_code == 401


def test_tokens_are_stored_hashed_and_revocable(dave):
    client = client_for(dave)
    response = client.post(reverse("accounts:api_tokens"), {"name": "reporting script"})
    raw = response.context["new_key"]
    assert raw.startswith("fc_")
    token = ApiToken.objects.get()
    assert raw not in (token.key_hash, token.key_prefix)
    assert token.key_hash == ApiToken.hash_key(raw)
    assert client_for(None).get("/api/v1/me", **_bearer(raw)).status_code == 200

    client.post(reverse("accounts:revoke_api_token", args=[token.pk]))
    assert client_for(None).get("/api/v1/me", **_bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked", actor=dave).exists()
    # The secret is never shown again.
    assert raw not in client.get(reverse("accounts:api_tokens")).content.decode()


def test_a_person_cannot_revoke_someone_elses_token(dave, bob):
    token, _raw = create_api_token(user=bob, name="bob's")
    assert (
        client_for(dave).post(reverse("accounts:revoke_api_token", args=[token.pk])).status_code
        == 404
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_unknown_token_is_refused(db):
    assert client_for(None).get("/api/v1/me", **_bearer("fc_not-a-real-token")).status_code == 401
