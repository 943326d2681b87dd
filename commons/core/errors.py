"""Refusals that leave a trace: every failed authorisation is written to the audit log."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from commons.core.models import AuditEvent
from commons.core.services import record_audit


def deny(request, *, target=None, reason: str, not_found: bool = False):
    """Record a failed authorisation and raise 403 (or 404 where existence is secret)."""
    record_audit(
        action=AuditEvent.Action.ACCESS_DENIED,
        request=request,
        target=target,
        data={"reason": reason, "path": request.path[:200], "method": request.method},
    )
    if not_found:
        raise Http404
    raise PermissionDenied(reason)
