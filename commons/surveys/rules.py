"""Who may do what with surveys."""

from django.utils.crypto import constant_time_compare

from commons.accounts.models import Membership
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


def answering_organisations(user, survey):
    """The organisations this person may answer for: their active memberships, narrowed
    to the chosen ones when only those may answer."""
    from commons.accounts.models import Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    found = Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    )
    if survey.audience == survey.Audience.ORGANISATIONS:
        found = found.filter(pk__in=survey.organisations.values("pk"))
    return found.distinct().order_by("name")


def can_answer(user, survey, *, key: str = "") -> bool:
    """An open survey is answered by its audience: anyone holding its link (signed in when
    it is answered once per organisation), any signed-in person, or the members of the
    chosen organisations."""
    if survey.status != survey.Status.OPEN:
        return False
    per_organisation = survey.once_per == survey.Once.ORGANISATION
    if survey.audience == survey.Audience.LINK:
        if not (key and constant_time_compare(key, survey.link_key)):
            return False
        return not per_organisation or answering_organisations(user, survey).exists()
    if not user.is_authenticated:
        return False
    if survey.audience == survey.Audience.ORGANISATIONS or per_organisation:
        return answering_organisations(user, survey).exists()
    return True
