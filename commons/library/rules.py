"""Who may do what in the library."""

from commons.accounts.models import Membership
from commons.accounts.rules import is_member_of_any


def can_moderate(user) -> bool:
    return user.is_authenticated and (user.is_moderator or user.is_staff)


def can_submit(user) -> bool:
    """Members of an organisation submit resources (moderators and staff too)."""
    return user.is_authenticated and (can_moderate(user) or is_member_of_any(user))


def can_curate(user) -> bool:
    """Collections are curated by staff, moderators and members."""
    return can_submit(user)


def can_see_resource(user, resource) -> bool:
    """A published version is public; one waiting for review (or rejected) is for its
    submitter, the organisation it was submitted for, and moderators."""
    if resource.status == resource.Status.APPROVED:
        return True
    if not user.is_authenticated:
        return False
    if can_moderate(user) or resource.submitted_by_id == user.pk:
        return True
    return (
        resource.submitted_for_id is not None
        and Membership.objects.filter(
            user=user, organisation_id=resource.submitted_for_id, status=Membership.Status.ACTIVE
        ).exists()
    )


def can_edit_resource(user, resource) -> bool:
    """Moderators edit any version; a submitter edits theirs until it is published (a
    rejected one too: fixing it sends it back for review)."""
    if can_moderate(user):
        return True
    return (
        user.is_authenticated
        and resource.submitted_by_id == user.pk
        and resource.status in {resource.Status.SUBMITTED, resource.Status.REJECTED}
    )


def can_request_translation(user) -> bool:
    return user.is_authenticated


def can_edit_collection(user, collection) -> bool:
    if not user.is_authenticated:
        return False
    if can_moderate(user) or collection.curator_id == user.pk:
        return True
    return (
        collection.organisation_id is not None
        and Membership.objects.filter(
            user=user,
            organisation_id=collection.organisation_id,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.ADMIN,
        ).exists()
    )


def can_see_collection(user, collection) -> bool:
    return collection.is_published or can_edit_collection(user, collection)
