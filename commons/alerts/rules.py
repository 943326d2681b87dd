"""Who may do what with alerts. Plain predicates, no side effects.

Readers are active members of verified organisations, moderators and staff. Nobody else
learns anything of an alert: not its actor, not whether one exists."""

from commons.accounts.models import Membership, Organisation
from commons.accounts.rules import is_org_admin


def verified_organisations_of(user) -> list[Organisation]:
    """The verified organisations this person is an active member of (remembered on the
    user object for the request)."""
    if not user.is_authenticated:
        return []
    found = getattr(user, "_verified_organisations", None)
    if found is None:
        found = user._verified_organisations = list(
            Organisation.objects.filter(
                verified_at__isnull=False,
                memberships__user=user,
                memberships__status=Membership.Status.ACTIVE,
            ).order_by("name")
        )
    return found


def is_verified_member(user) -> bool:
    return bool(verified_organisations_of(user))


def can_moderate_alerts(user) -> bool:
    return user.is_authenticated and (user.is_moderator or user.is_staff)


def can_read_alerts(user) -> bool:
    return can_moderate_alerts(user) or is_verified_member(user)


def can_write_alert(user) -> bool:
    """Only a member of a verified organisation writes one: it is reported in that
    organisation's name."""
    return is_verified_member(user)


def can_read_alert(user, alert) -> bool:
    """Published, retracted and expired alerts are for every reader; a draft, one under
    review or one not published for its author and the moderators."""
    if not can_read_alerts(user):
        return False
    if alert.is_readable:
        return True
    return can_moderate_alerts(user) or alert.author_id == user.pk


def can_edit_alert(user, alert) -> bool:
    """Its author edits an alert until it is published (a refused one to send it again)."""
    return (
        can_write_alert(user)
        and alert.author_id == user.pk
        and alert.status in {alert.Status.DRAFT, alert.Status.SUBMITTED, alert.Status.REJECTED}
    )


def speaks_for_alert(user, alert) -> bool:
    """Moderators, and the admins of the reporting organisation while it is verified."""
    if can_moderate_alerts(user):
        return True
    organisation = alert.organisation
    return organisation.is_verified and is_org_admin(user, organisation)


def can_correct_alert(user, alert) -> bool:
    if alert.status not in {alert.Status.PUBLISHED, alert.Status.EXPIRED}:
        return False
    return speaks_for_alert(user, alert) or (alert.author_id == user.pk and can_write_alert(user))


def can_retract_alert(user, alert) -> bool:
    return alert.status in {alert.Status.PUBLISHED, alert.Status.EXPIRED} and speaks_for_alert(
        user, alert
    )


def can_renew_alert(user, alert) -> bool:
    return alert.status in {alert.Status.PUBLISHED, alert.Status.EXPIRED} and speaks_for_alert(
        user, alert
    )


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def can_export_alerts(user) -> bool:
    """Only a data steward with a second factor takes alerts out of the platform."""
    return user.is_authenticated and user.is_data_steward and has_second_factor(user)


def can_manage_subscription(user, organisation: Organisation) -> bool:
    return organisation.is_verified and is_org_admin(user, organisation)
