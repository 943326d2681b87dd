"""Who may do what with surveys."""

from commons.accounts.rules import is_org_admin


def can_create_survey(user, owner) -> bool:
    """An organisation's admins run its surveys; the platform's own (no owner), staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return owner is not None and is_org_admin(user, owner)


def can_manage_survey(user, survey) -> bool:
    return can_create_survey(user, survey.owner)
