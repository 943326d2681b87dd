"""Alerts endpoints: only with the personal API token of a member of a verified
organisation or a moderator (401 without a token, 403 with anyone else's). The same
queries as the pages decide what a caller sees, and every read is audited."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from commons.accounts.auth import PersonalToken
from commons.alerts import queries, rules, services
from commons.alerts.models import Alert
from commons.core.api_schemas import ErrorOut, InvalidOut
from commons.core.models import AuditEvent
from commons.core.services import record_audit

router = Router(tags=["alerts"], auth=[PersonalToken()])
MAX_PAGE_SIZE = 100


class AlertParams(Schema):
    q: str = Field("", description="A name in any spelling or script; typos are tolerated.")
    licence: str = Field("", description="A registration or licence number (exact).")
    country: str = Field("", description="ISO 3166-1 alpha-2: based in or concerned.")
    expired: bool = Field(False, description="Include expired alerts.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class Correction(Schema):
    kind: str = Field(..., description="corrected, retracted, renewed, expired, reply …")
    text: str
    at: str


class Reply(Schema):
    represents: str
    statement: str
    attached_at: str


class AlertOut(Schema):
    id: int
    url: str
    status: str = Field(..., description="published, retracted or expired")
    actor_name: str
    actor_kind: str
    actor_aliases: list[str]
    licence_number: str
    actor_country: str
    countries: list[str]
    routes: list[list[str]] = Field(..., description="[origin, destination] pairs")
    patterns: list[str]
    evidence_summary: str
    source_kind: str
    organisation: str
    reviewed_at: str
    expires_at: str
    retraction_reason: str
    history: list[Correction]
    replies: list[Reply]


class Refusal(Schema):
    detail: str


class AlertsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[AlertOut]


def _iso(value) -> str:
    return value.astimezone(datetime.UTC).isoformat() if value else ""


def _alert(request, alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "url": request.build_absolute_uri(alert.get_absolute_url()),
        "status": Alert.Status.EXPIRED if alert.has_expired else alert.status,
        "actor_name": alert.actor_name,
        "actor_kind": alert.actor_kind,
        "actor_aliases": alert.actor_aliases,
        "licence_number": alert.licence_number,
        "actor_country": alert.actor_country,
        "countries": alert.countries,
        "routes": alert.routes,
        "patterns": alert.patterns,
        "evidence_summary": alert.evidence_summary,
        "source_kind": alert.source_kind,
        "organisation": alert.organisation.name,
        "reviewed_at": _iso(alert.reviewed_at),
        "expires_at": _iso(alert.expires_at),
        "retraction_reason": alert.retraction_reason,
        "history": [
            {"kind": e.kind, "text": e.text if e.kind != "reply" else "", "at": _iso(e.at)}
            for e in alert.events.all()
        ],
        "replies": [
            {
                "represents": r.represents,
                "statement": r.statement,
                "attached_at": _iso(r.decided_at),
            }
            for r in queries.replies_of(alert)
        ],
    }


def _refusal(request, response: HttpResponse) -> Status | None:
    """Mark every answer private; a refusal (audited) for anyone but a reader."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    if rules.can_read_alerts(request.user):
        return None
    record_audit(
        action=AuditEvent.Action.ACCESS_DENIED,
        request=request,
        target_label="alerts API",
        data={"reason": "not a reader of alerts", "path": request.path[:200]},
    )
    return Status(403, {"detail": _("Alerts are for members of verified organisations.")})


@router.get(
    "/alerts",
    response={200: AlertsOut, 401: ErrorOut, 403: Refusal, 422: InvalidOut},
    url_name="alerts",
    summary="Recruitment-fraud alerts (members of verified organisations only)",
)
def alerts(request, response: HttpResponse, params: Query[AlertParams]):
    if refused := _refusal(request, response):
        return refused
    filters = queries.AlertFilters(
        q=params.q,
        licence=params.licence,
        country=params.country,
        expired="1" if params.expired else "",
    )
    found = queries.search_alerts(request.user, filters)
    paginated = Paginator(found, params.page_size).get_page(params.page)
    items = list(paginated.object_list)
    services.record_list_read(request=request, filters=filters, alerts=items, via="api")
    return {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
        "items": [_alert(request, alert) for alert in items],
    }


@router.get(
    "/alerts/{id}",
    response={200: AlertOut, 401: ErrorOut, 403: Refusal, 404: Refusal, 422: InvalidOut},
    url_name="alert",
    summary="One alert",
)
def alert(request, response: HttpResponse, id: int):
    if refused := _refusal(request, response):
        return refused
    found = queries.alerts_for(request.user).filter(pk=id).first()
    if found is None:
        return Status(404, {"detail": _("Not found.")})
    services.record_alert_read(request=request, alert=found, via="api")
    return _alert(request, found)
