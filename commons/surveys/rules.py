"""Who may do what with surveys."""

from commons.accounts.rules import is_active_member, is_org_admin


def can_create_survey(user, owner) -> bool:
    """An organisation's admins run its surveys; the platform's own (no owner), staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return owner is not None and is_org_admin(user, owner)


def can_manage_survey(user, survey) -> bool:
    return can_create_survey(user, survey.owner)


def can_read_responses(user, survey) -> bool:
    """The owning organisation's members, the people it names, and staff, read the
    responses and the report; everyone reads a published report (``can_read_report``)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if survey.owner is not None and is_active_member(user, survey.owner):
        return True
    return survey.readers.filter(pk=user.pk).exists()


def can_read_report(user, survey) -> bool:
    return survey.report_public or can_read_responses(user, survey)
