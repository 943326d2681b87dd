from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from commons.accounts import queries
from commons.accounts.auth import SIGNED_IN

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    country: str
    type: str
    website: str
    summary: str
    verified: bool = Field(..., alias="is_verified")
    member_count: int


class MembershipOut(Schema):
    organisation: str = Field(..., alias="organisation.slug")
    role: str
    status: str


class MeOut(Schema):
    email: str
    name: str
    language: str
    is_moderator: bool
    is_data_steward: bool
    is_staff: bool
    memberships: list[MembershipOut]


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations you may see")
@paginate(LimitOffsetPagination)
def list_organisations(request, country: str | None = None):
    organisations = queries.organisations_for_user(request.user).order_by("name")
    if country:
        organisations = organisations.filter(country=country.upper())
    return organisations


@router.get("/organisations/{slug}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, slug: str):
    organisation = queries.organisations_for_user(request.user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


@router.get("/me", response=MeOut, auth=SIGNED_IN, summary="The signed-in person")
def me(request):
    return {
        "email": request.user.email,
        "name": request.user.name,
        "language": request.user.language,
        "is_moderator": request.user.is_moderator,
        "is_data_steward": request.user.is_data_steward,
        "is_staff": request.user.is_staff,
        "memberships": list(queries.memberships_of_user(request.user)),
    }
