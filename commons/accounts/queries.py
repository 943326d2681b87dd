"""What a person may see of people and organisations; shared by pages and the API."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from commons.accounts import rules
from commons.accounts.models import ApiToken, Membership, Organisation
from commons.core.errors import deny


def visible_organisations(user) -> QuerySet[Organisation]:
    """Verified organisations are public. Unverified ones are shown to signed-in people
    (marked as such), so that a new organisation can be found and joined, but not to
    anonymous visitors or search engines."""
    organisations = Organisation.objects.all()
    if not user.is_authenticated:
        organisations = organisations.filter(verified_at__isnull=False)
    return organisations


def organisations_for_user(user) -> QuerySet[Organisation]:
    """Visible organisations with their number of active members."""
    return visible_organisations(user).annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    )


def get_organisation_for_user(request, slug: str) -> Organisation:
    """The organisation, or 404 when it does not exist or is not visible to this person."""
    organisation = organisations_for_user(request.user).filter(slug=slug).first()
    if organisation is None:
        if Organisation.objects.filter(slug=slug).exists():
            deny(request, reason="organisation not visible", not_found=True)
        raise Http404
    return organisation


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """The organisations this person is an active admin of: in whose name they run
    surveys and events."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    ).order_by("name")


def organisation_for_admin(request, slug: str) -> Organisation:
    """The organisation when the person may manage it; 403 (and an audit line) if not."""
    organisation = get_organisation_for_user(request, slug)
    if not rules.can_manage_members(request.user, organisation):
        deny(request, target=organisation, reason="not an admin of this organisation")
    return organisation


def members_of(user, organisation: Organisation) -> QuerySet[Membership]:
    """Active members, visible to members of the organisation and staff; otherwise none."""
    if not rules.can_see_members(user, organisation):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("-role", "user__name", "user__email")
    )


def pending_requests_for(user, organisation: Organisation) -> QuerySet[Membership]:
    if not rules.can_manage_members(user, organisation):
        return Membership.objects.none()
    return Membership.objects.filter(
        organisation=organisation, status=Membership.Status.PENDING
    ).select_related("user")


def memberships_of_user(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def api_tokens_for_user(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_for_key(raw_key: str) -> ApiToken | None:
    """The unrevoked token of an active person matching this secret, or None."""
    return (
        ApiToken.objects.filter(
            key_hash=ApiToken.hash_key(raw_key), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
