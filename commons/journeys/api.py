"""Journey endpoints. Everything public reads published releases only (``public.py``);
``/journeys/mine/`` gives a contributor its own organisation's records with a token."""

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from commons.accounts.auth import SIGNED_IN
from commons.core.api_schemas import MAX_ID, ErrorOut, InvalidOut
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.journeys.models import Record
from commons.journeys.public import (
    Unanswerable,
    country_profile,
    current_release,
    flows,
    published_releases,
)
from commons.journeys.queries import contributing_organisations
from commons.journeys.views import parse_filters
from commons.lib.geo import COUNTRY_CODES

router = Router(tags=["journeys"])


class ReleaseOut(Schema):
    id: int
    published_at: str
    epsilon: float
    delta: float
    k: int
    records: int = Field(..., description="Records it was built from, rounded.")
    people: int = Field(..., description="People they stand for, rounded.")


class FlowOut(Schema):
    recruitment: str
    exploitation: str
    count: int


class FlowsOut(Schema):
    release: ReleaseOut
    table: str = Field(..., description="The release table that answered.")
    flows: list[FlowOut]


class FlowParams(Schema):
    release: int | None = Field(None, description="A published release (default: the latest).")
    recruitment: str = Field("", description="Country of recruitment, ISO 3166-1 alpha-2.")
    exploitation: str = Field("", description="Country of exploitation, ISO 3166-1 alpha-2.")
    year_from: int | None = None
    year_to: int | None = None
    form: str = Field("", description="A form of exploitation (code).")
    sex: str = Field("", description="female, male or other.")
    age: str = Field("", description="child or adult.")
    sector: str = Field(
        "",
        description=(
            "A labour sector (code). Published by route only: not combined with "
            "year_from, year_to, form, sex or age."
        ),
    )


def _release_out(release) -> dict:
    return {
        "id": release.pk,
        "published_at": release.published_at.isoformat(),
        "epsilon": release.epsilon,
        "delta": release.delta,
        "k": release.k,
        "records": release.records,
        "people": release.people,
    }


def _release_or_404(release_id: int | None):
    release = current_release(release_id)
    if release is None:
        raise Http404
    return release


@router.get("/journeys/releases", response=list[ReleaseOut], summary="Published releases")
def releases(request):
    return [_release_out(release) for release in published_releases()]


@router.get(
    "/journeys/releases/current",
    response={200: ReleaseOut, 404: ErrorOut},
    summary="The latest release",
)
def release_current(request):
    return _release_out(_release_or_404(None))


@router.get(
    "/journeys/flows",
    response={200: FlowsOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    summary="Routes, with filters",
)
def journey_flows(request, params: Query[FlowParams]):
    release = _release_or_404(params.release)
    try:
        result = flows(release, parse_filters(request.GET))
    except Unanswerable as error:
        return Status(400, {"detail": str(error)})
    return {"release": _release_out(release), "table": result.table, "flows": result.flows}


class PartnerOut(Schema):
    country: str = Field(..., description="The other end of the routes, ISO 3166-1 alpha-2.")
    count: int


class FormCountOut(Schema):
    form: str
    count: int


class SectorCountOut(Schema):
    sector: str
    count: int


class YearCountOut(Schema):
    year: int
    count: int


class RecruitmentOut(Schema):
    total: int
    partners: list[PartnerOut] = Field(..., description="Where they were exploited, top 10.")
    forms: list[FormCountOut]
    trend: list[YearCountOut]


class TransitOut(Schema):
    total: int


class ExploitationOut(Schema):
    total: int
    partners: list[PartnerOut] = Field(..., description="Where they were recruited, top 10.")
    forms: list[FormCountOut]
    sectors: list[SectorCountOut]
    trend: list[YearCountOut]


class CountryOut(Schema):
    release: ReleaseOut
    code: str
    recruitment: RecruitmentOut
    transit: TransitOut
    exploitation: ExploitationOut


@router.get(
    "/journeys/countries/{iso2}",
    response={200: CountryOut, 404: ErrorOut, 422: InvalidOut},
    summary="A country's routes",
)
def journey_country(request, iso2: str, release: int | None = None):
    found = _release_or_404(release)
    code = iso2.upper()
    if code not in COUNTRY_CODES:
        raise Http404
    return {"release": _release_out(found), **country_profile(found, code)}


class MineRecordOut(Schema):
    batch: int
    year: int
    sex: str
    age_band: str
    citizenship: str
    recruitment_country: str
    exploitation_country: str
    transit: list[dict]
    forms: list[str]
    sector: str
    count: int


@router.get(
    "/journeys/mine/records",
    response={200: list[MineRecordOut], 401: ErrorOut, 422: InvalidOut},
    auth=SIGNED_IN,
    summary="Your organisation's own records",
)
def mine(request, limit: int = 1000, offset: int = 0):
    limit, offset = min(max(limit, 1), 10_000), min(max(offset, 0), MAX_ID)
    records = (
        Record.objects.filter(organisation__in=contributing_organisations(request.user))
        .order_by("pk")
        .values(
            "batch_id", "year", "sex", "age_band", "citizenship", "recruitment_country",
            "exploitation_country", "transit", "forms", "sector", "count",
        )[offset : offset + limit]
    )  # fmt: skip
    rows = [{**row, "batch": row.pop("batch_id")} for row in records]
    record_audit(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target_label="own journey records (API)",
        data={"rows": len(rows), "offset": offset},
    )
    return rows
