"""Audit receivers: authentication events come from Django and allauth as signals."""

from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
)
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from commons.core.models import AuditEvent
from commons.core.services import record_audit


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    record_audit(action=AuditEvent.Action.SIGN_IN, actor=user, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_audit(action=AuditEvent.Action.SIGN_OUT, actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the address tried is kept; never the password.
    record_audit(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        target_label=str(credentials.get("email") or credentials.get("username") or "")[:254],
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
def audit_password_changed(sender, request, user, **kwargs):
    record_audit(
        action=AuditEvent.Action.PASSWORD_CHANGED, actor=user, target=user, request=request
    )


@receiver(password_reset, dispatch_uid="audit_password_reset")
def audit_password_reset(sender, request, user, **kwargs):
    record_audit(action=AuditEvent.Action.PASSWORD_RESET, actor=user, target=user, request=request)


def _audit_email(action, request, user, address, *, actor=True, **data):
    record_audit(
        action=action,
        actor=user if actor else None,
        target=user,
        request=request,
        data={"email": address.email, **data},
    )


@receiver(email_added, dispatch_uid="audit_email_added")
def audit_email_added(sender, request, user, email_address, **kwargs):
    _audit_email(AuditEvent.Action.EMAIL_ADDED, request, user, email_address)


@receiver(email_confirmed, dispatch_uid="audit_email_confirmed")
def audit_email_confirmed(sender, request, email_address, **kwargs):
    # Whoever is signed in confirmed it (a staff member in the admin, or nobody when the
    # link in the e-mail is opened signed out).
    _audit_email(
        AuditEvent.Action.EMAIL_CONFIRMED, request, email_address.user, email_address, actor=False
    )


@receiver(email_changed, dispatch_uid="audit_email_changed")
def audit_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    _audit_email(
        AuditEvent.Action.EMAIL_CHANGED,
        request,
        user,
        to_email_address,
        previous=from_email_address.email if from_email_address else "",
    )


@receiver(email_removed, dispatch_uid="audit_email_removed")
def audit_email_removed(sender, request, user, email_address, **kwargs):
    _audit_email(AuditEvent.Action.EMAIL_REMOVED, request, user, email_address)


MFA_ACTIONS = {
    authenticator_added: AuditEvent.Action.MFA_ADDED,
    authenticator_removed: AuditEvent.Action.MFA_REMOVED,
    authenticator_reset: AuditEvent.Action.MFA_CHANGED,
    authentication_failed: AuditEvent.Action.MFA_FAILED,
}


@receiver(authenticator_added, dispatch_uid="audit_mfa_added")
@receiver(authenticator_removed, dispatch_uid="audit_mfa_removed")
@receiver(authenticator_reset, dispatch_uid="audit_mfa_reset")
@receiver(authentication_failed, dispatch_uid="audit_mfa_failed")
def audit_mfa(sender, signal, request, user, authenticator, **kwargs):
    # A refused code is not the account holder's act: only the password was right. The
    # actor is whoever is signed in (someone re-authenticating), else nobody.
    failed = signal is authentication_failed
    record_audit(
        action=MFA_ACTIONS[signal],
        actor=None if failed else user,
        target=user,
        request=request,
        data={"type": authenticator.type},
    )
