"""The mail provider's word on what became of a message, through django-anymail's
``tracking`` signal (its webhooks send it; see docs/operations.md). A bounce or a spam
complaint suppresses the address for good; every other event changes nothing."""

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason

from commons.newsletter import services
from commons.newsletter.models import Subscriber

Ending = Subscriber.Ending

# A provider that refuses a message names why: an address it has seen bounce or
# complain before is as good as a bounce or a complaint of ours.
REJECTED_BECAUSE = {RejectReason.BOUNCED: Ending.BOUNCE, RejectReason.SPAM: Ending.COMPLAINT}


def ending_for(event: AnymailTrackingEvent) -> str | None:
    """The ``Subscriber.Ending`` an event stands for, or None when it is no reason to
    stop writing (delivered, opened, deferred, rejected for another reason…)."""
    if event.event_type == EventType.BOUNCED:
        return Ending.BOUNCE
    if event.event_type == EventType.COMPLAINED:
        return Ending.COMPLAINT
    if event.event_type == EventType.REJECTED:
        return REJECTED_BECAUSE.get(event.reject_reason)
    return None


def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """Suppress the recipient of a bounced or complained-about message, keeping the
    provider's words; an address that is no subscriber's is left alone (the services'
    own mail goes through the same provider)."""
    reason = ending_for(event)
    if reason is None or not event.recipient:
        return
    detail = event.description or event.mta_response or ""
    services.suppress(email=event.recipient, reason=reason, detail=detail)
