from ninja import Field, Router, Schema

from commons.accounts import queries
from commons.accounts.auth import SIGNED_IN
from commons.core.api_schemas import ErrorOut

router = Router(tags=["accounts"])


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


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=SIGNED_IN,
    summary="The signed-in person",
)
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
