from ninja import Router, Schema

from commons.core.queries import community_numbers

router = Router(tags=["platform"])


class Numbers(Schema):
    organisations: int
    verified: int
    countries: int
    members: int


@router.get("/numbers", response=Numbers, summary="The community in numbers")
def numbers(request):
    return community_numbers()
