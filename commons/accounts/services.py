"""Writes for people, organisations, memberships, invitations and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commons.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from commons.core.models import AuditEvent
from commons.core.services import (
    queue_templated_email,
    queue_templated_email_to_users,
    recipient_language,
    record_audit,
)
from commons.core.services import unique_slug as core_unique_slug

INVITATION_LIFETIME = timedelta(days=14)
ROLE_FIELDS = {"moderator": "is_moderator", "data_steward": "is_data_steward", "staff": "is_staff"}


def unique_slug(name: str, *, model=Organisation, max_length: int = 50, **kwargs) -> str:
    """An organisation's free short name by default (``core.services.unique_slug``)."""
    return core_unique_slug(name, model=model, max_length=max_length, **kwargs)


@transaction.atomic
def create_organisation(
    *,
    name: str,
    country: str,
    type: str = Organisation.Type.NGO,
    creator: User | None = None,
    slug: str | None = None,
    acronym: str = "",
    summary: str = "",
    website: str = "",
    verified_by: User | None = None,
    actor: User | None = None,
    request=None,
) -> Organisation:
    """Create an organisation; its creator (if any) becomes its first, active admin.

    ``actor`` is who did it, for the audit log, when that is not the creator (a staff
    member importing a file, an operator's script).

    Side effects: inserts the organisation, the creator's membership, and audit lines;
    marks it verified when ``verified_by`` is given.
    """
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("An organisation with this short name already exists.")})
    organisation = Organisation(
        name=name.strip(),
        slug=slug or unique_slug(name),
        acronym=acronym,
        country=country.upper(),
        type=type,
        summary=summary,
        website=website,
    )
    if verified_by is not None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = verified_by
    organisation.full_clean()
    organisation.save()
    record_audit(
        action=AuditEvent.Action.ORGANISATION_CREATED,
        actor=actor or creator,
        target=organisation,
        request=request,
    )
    if creator is not None:
        Membership.objects.create(
            user=creator,
            organisation=organisation,
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
            decided_by=creator,
        )
    if verified_by is not None:
        record_audit(
            action=AuditEvent.Action.ORGANISATION_VERIFIED, actor=verified_by, target=organisation
        )
    from commons.directory.services import save_profile

    save_profile(organisation=organisation, by=actor or creator)
    return organisation


@transaction.atomic
def verify_organisation(
    *, organisation: Organisation, by: User, verified: bool = True, request=None
) -> Organisation:
    """Mark an organisation as verified (or withdraw it). Side effects: update, audit line."""
    organisation.verified_at = timezone.now() if verified else None
    organisation.verified_by = by if verified else None
    organisation.save(update_fields=["verified_at", "verified_by", "updated_at"])
    record_audit(
        action=AuditEvent.Action.ORGANISATION_VERIFIED,
        actor=by,
        target=organisation,
        request=request,
        data={"verified": verified},
    )
    return organisation


def _admins(organisation: Organisation):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    )


@transaction.atomic
def request_membership(
    *, user: User, organisation: Organisation, message: str = "", request=None
) -> Membership:
    """Ask to join an organisation.

    Side effects: inserts a pending membership, an audit line, and (after commit) an
    e-mail to every active admin of the organisation, each in their own language.
    """
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("You have already asked to join or are a member."))
    membership = Membership.objects.create(
        user=user, organisation=organisation, message=message[:500]
    )
    record_audit(
        action=AuditEvent.Action.MEMBERSHIP_REQUESTED,
        actor=user,
        target=organisation,
        request=request,
    )
    queue_templated_email_to_users(
        users=_admins(organisation),
        template="accounts/email/join_request",
        context={
            "person": user,
            "organisation": organisation,
            "message": membership.message,
            "url": settings.SITE_URL
            + reverse("accounts:members", kwargs={"slug": organisation.slug}),
        },
    )
    return membership


@transaction.atomic
def decide_membership(
    *, membership: Membership, by: User, approve: bool, request=None
) -> Membership | None:
    """Approve or turn down a pending request.

    Side effects: activates (approve) or deletes (reject) the membership, writes an audit
    line and e-mails the person the decision after commit.
    """
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    organisation, person = membership.organisation, membership.user
    if approve:
        membership.status = Membership.Status.ACTIVE
        membership.decided_by = by
        membership.save(update_fields=["status", "decided_by", "updated_at"])
    else:
        membership.delete()
    record_audit(
        action=AuditEvent.Action.MEMBERSHIP_APPROVED
        if approve
        else AuditEvent.Action.MEMBERSHIP_REJECTED,
        actor=by,
        target=organisation,
        request=request,
        data={"person": person.email},
    )
    queue_templated_email(
        to=[person.email],
        template="accounts/email/join_decision",
        context={
            "person": person,
            "organisation": organisation,
            "approved": approve,
            "url": settings.SITE_URL + organisation.get_absolute_url(),
        },
        language=recipient_language(person),
    )
    return membership if approve else None


def _ensure_another_admin(membership: Membership) -> None:
    others = membership.organisation.memberships.filter(
        role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            _("An organisation needs at least one admin. Appoint another admin first.")
        )


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, by: User, request=None) -> Membership:
    """Make a member an admin or back. Side effects: update, audit line (role change)."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        _ensure_another_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    record_audit(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=by,
        target=membership.organisation,
        request=request,
        data={"person": membership.user.email, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User, request=None) -> None:
    """Remove a person from an organisation (or let them leave). Side effects: delete, audit."""
    if membership.role == Membership.Role.ADMIN and membership.status == Membership.Status.ACTIVE:
        _ensure_another_admin(membership)
    record_audit(
        action=AuditEvent.Action.MEMBERSHIP_REMOVED,
        actor=by,
        target=membership.organisation,
        request=request,
        data={"person": membership.user.email},
    )
    membership.delete()


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    role: str = Membership.Role.MEMBER,
    by: User,
    request=None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the one-time token.

    Side effects: inserts an invitation (token hashed), an audit line, and sends the
    invitation e-mail after commit: in the language of the account that has the address
    already, else in the one the inviter is using (people invite their colleagues).
    """
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member or has asked to join."))
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(raw),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    record_audit(
        action=AuditEvent.Action.INVITATION_SENT,
        actor=by,
        target=organisation,
        request=request,
        data={"email": email},
    )
    queue_templated_email(
        to=[email],
        template="accounts/email/invitation",
        context={
            "organisation": organisation,
            "inviter": by,
            "url": settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": raw}),
            "expires_at": invitation.expires_at,
        },
        language=recipient_language(
            User.objects.filter(email__iexact=email).first(), fallback=get_language()
        ),
    )
    return invitation, raw


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User, request=None) -> Membership:
    """Accept an invitation addressed to one of the person's verified e-mail addresses.

    Side effects: creates or activates the membership, closes the invitation, audit line.
    """
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    addresses = {user.email.lower()} | {
        address.lower()
        for address in user.emailaddress_set.filter(verified=True).values_list("email", flat=True)
    }
    if invitation.email.lower() not in addresses:
        raise ValidationError(
            _(
                "This invitation was sent to another e-mail address. "
                "Sign in with that address to accept it."
            )
        )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={
            "role": invitation.role,
            "status": Membership.Status.ACTIVE,
            "decided_by": invitation.invited_by,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_audit(
        action=AuditEvent.Action.INVITATION_ACCEPTED,
        actor=user,
        target=invitation.organisation,
        request=request,
    )
    return membership


@transaction.atomic
def set_platform_role(*, user: User, role: str, value: bool, by: User | None, request=None) -> User:
    """Grant or withdraw a platform role (moderator, data_steward, staff). Audited."""
    field = ROLE_FIELDS[role]
    previous = getattr(user, field)
    setattr(user, field, value)
    user.save(update_fields=[field])
    record_audit(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=by,
        target=user,
        request=request,
        data={"role": role, "from": previous, "to": value},
    )
    return user


def create_api_token(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and stored hashed."""
    raw = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], key_prefix=raw[:10], key_hash=ApiToken.hash_key(raw)
    )
    record_audit(action=AuditEvent.Action.TOKEN_CREATED, actor=user, target=token, request=request)
    return token, raw


def revoke_api_token(*, token: ApiToken, by: User, request=None) -> None:
    """Revoke a token at once. Side effects: update, audit line."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_audit(
            action=AuditEvent.Action.TOKEN_REVOKED, actor=by, target=token, request=request
        )


def touch_api_token(*, token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute to spare the database."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def set_language(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
