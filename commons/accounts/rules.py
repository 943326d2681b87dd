"""Who may do what with people and organisations. Plain predicates, no side effects."""

from commons.accounts.models import Membership, Organisation


def _membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = user._membership_cache = {}
    if organisation.pk not in cache:
        cache[organisation.pk] = Membership.objects.filter(
            user=user, organisation=organisation
        ).first()
    return cache[organisation.pk]


def is_member_of_any(user) -> bool:
    """An active member of some organisation (who may submit to the library and the
    news); remembered on the user object for the request."""
    if not user.is_authenticated:
        return False
    found = getattr(user, "_is_any_member", None)
    if found is None:
        found = user._is_any_member = Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE
        ).exists()
    return found


def is_active_member(user, organisation: Organisation) -> bool:
    membership = _membership(user, organisation)
    return membership is not None and membership.status == Membership.Status.ACTIVE


def is_org_admin(user, organisation: Organisation) -> bool:
    membership = _membership(user, organisation)
    return (
        membership is not None
        and membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.ADMIN
    )


def can_create_organisation(user) -> bool:
    return user.is_authenticated and user.is_active


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_staff or is_org_admin(user, organisation))


def can_manage_members(user, organisation: Organisation) -> bool:
    return can_edit_organisation(user, organisation)


def can_see_members(user, organisation: Organisation) -> bool:
    """Who belongs to an organisation is not public: members and staff only."""
    return user.is_authenticated and (user.is_staff or is_active_member(user, organisation))


def can_request_membership(user, organisation: Organisation) -> bool:
    return user.is_authenticated and _membership(user, organisation) is None


def can_verify_organisation(user) -> bool:
    return user.is_authenticated and user.is_staff


def can_change_platform_roles(user) -> bool:
    return user.is_authenticated and user.is_staff


def can_merge_organisations(user) -> bool:
    return user.is_authenticated and user.is_staff
