"""Audit receivers: authentication events come from Django and allauth as signals."""

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
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
@receiver(password_reset, dispatch_uid="audit_password_reset")
def audit_password(sender, request, user, **kwargs):
    record_audit(
        action=AuditEvent.Action.PASSWORD_CHANGED, actor=user, target=user, request=request
    )


@receiver(authenticator_added, dispatch_uid="audit_mfa_added")
@receiver(authenticator_removed, dispatch_uid="audit_mfa_removed")
@receiver(authenticator_reset, dispatch_uid="audit_mfa_reset")
def audit_mfa(sender, request, user, authenticator, **kwargs):
    record_audit(
        action=AuditEvent.Action.MFA_CHANGED,
        actor=user,
        target=user,
        request=request,
        data={"type": authenticator.type},
    )
