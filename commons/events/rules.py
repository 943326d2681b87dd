"""Who may do what with events, their registrations and their outcomes."""

from django.utils import timezone

from commons.accounts.queries import organisations_administered_by
from commons.accounts.rules import is_active_member, is_org_admin


def _admin_of_any(user, organisations) -> bool:
    return any(is_org_admin(user, organisation) for organisation in organisations)


def can_create_event(user) -> bool:
    """Admins of an organisation run its events; staff run the platform's own."""
    if not user.is_authenticated:
        return False
    return user.is_staff or organisations_administered_by(user).exists()


def can_organise(user, event) -> bool:
    """Staff, and admins of one of the event's organisers."""
    if not user.is_authenticated:
        return False
    return user.is_staff or _admin_of_any(user, event.organisers.all())


def can_see_event(user, event) -> bool:
    """Published and cancelled events are public; a draft is for its organisers."""
    return event.status != event.Status.DRAFT or can_organise(user, event)


def can_register(user, event) -> bool:
    """Whether the registration form is offered at all (seats may still be gone: then
    the registration joins the waiting list)."""
    if event.status != event.Status.PUBLISHED or event.ends_at <= timezone.now():
        return False
    if event.registration == event.Registration.OPEN:
        return True
    return event.registration == event.Registration.MEMBERS and user.is_authenticated


def can_see_online_link(user, event, registration=None) -> bool:
    """The meeting link is for confirmed participants and the organisers only: a public
    link invites strangers into a room where survivors and frontline staff speak."""
    if registration is not None and registration.status == registration.Status.CONFIRMED:
        return registration.event_id == event.pk
    return can_organise(user, event)


def can_give_feedback(event, registration) -> bool:
    return (
        event.feedback_open
        and registration is not None
        and registration.event_id == event.pk
        and registration.status == registration.Status.CONFIRMED
        and event.starts_at <= timezone.now()
    )


def can_edit_outcomes(user, event) -> bool:
    return can_organise(user, event)


def can_add_theme(user) -> bool:
    """Organisers extend the curated vocabulary of themes."""
    return can_create_event(user)


def can_commit(user, organisation) -> bool:
    """Any active member speaks for their organisation's commitments; admins and members
    alike follow them up."""
    return user.is_authenticated and is_active_member(user, organisation)


def can_update_commitment(user, commitment) -> bool:
    return user.is_authenticated and (
        user.is_staff or is_active_member(user, commitment.organisation)
    )
