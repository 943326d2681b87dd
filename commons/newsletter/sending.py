"""Sending an issue so that each confirmed subscriber receives exactly one copy, even
when the worker dies and another one takes over.

1. ``queue_issue`` writes one ``Delivery`` per confirmed subscriber (status queued), in
   chunks, ignoring those already written, and marks the issue as sending. Running it
   twice adds nothing.
2. ``send_pending`` claims a batch with a conditional UPDATE: queued deliveries whose
   lease (``LEASE``) is free or expired get this run's claim token and time. Two workers
   never hold the same delivery; one that died leaves its claims to expire.
3. For each claimed delivery, in turn:
   a. a subscriber who is no longer confirmed (unsubscribed, suppressed since queuing)
      or for whom the issue has nothing is marked skipped;
   b. the delivery is marked sending, with its ``Message-ID``, derived from (issue,
      subscriber) — this record is written BEFORE the message is handed over;
   c. the message is handed to the mail backend (one connection per batch);
   d. the delivery is marked sent.
   Messages are paced to ``NEWSLETTER_RATE_PER_SECOND``.
4. A worker killed between two deliveries leaves the rest of its batch queued: they are
   claimed again when the lease expires and sent once. The only window for a duplicate
   is a worker killed during one hand-off (3b–3d): that delivery stays "sending". After
   the lease it is sent again with the same Message-ID (at-least-once for that single
   message, which mail programs that know the Message-ID drop as a duplicate). We chose
   this over at-most-once because a crash before or inside the SMTP exchange, the usual
   case, means the message was not accepted, and a silent gap for a subscriber is worse
   than a rare duplicate with the same Message-ID.
5. A backend that refuses a message (an exception, not a crash) puts the delivery back
   in the queue for another attempt; after ``MAX_ATTEMPTS`` it is marked failed with the
   error kept.
6. ``send_issue`` repeats ``send_pending`` until nothing is left to claim, then marks the
   issue sent once no delivery is queued or sending.
"""

import datetime
import secrets
import time
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from commons.newsletter import issues, services
from commons.newsletter.models import Delivery, Issue, Subscriber
from commons.newsletter.queries import confirmed_subscribers

LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 3
CHUNK = 2000

_INLINER = css_inline.CSSInliner(keep_style_tags=False)


def queue_issue(issue: Issue) -> int:
    """Side effects: creates a queued ``Delivery`` for every confirmed subscriber who
    has none for this issue yet; the issue becomes sending. Returns how many were made."""
    made = 0
    chunk: list[Delivery] = []
    # ignore_conflicts covers a concurrent run; it does not say how many rows were new
    ids = (
        confirmed_subscribers()
        .exclude(deliveries__issue=issue)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for subscriber_id in ids.iterator(chunk_size=CHUNK):
        chunk.append(Delivery(issue=issue, subscriber_id=subscriber_id))
        if len(chunk) >= CHUNK:
            made += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
            chunk = []
    if chunk:
        made += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
    Issue.objects.filter(pk=issue.pk).exclude(status=Issue.Status.SENT).update(
        status=Issue.Status.SENDING, updated_at=timezone.now()
    )
    issue.refresh_from_db(fields=["status"])
    return made


def message_id(issue: Issue, subscriber: Subscriber) -> str:
    """The same for every attempt at this subscriber's copy of this issue."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<newsletter.{issue.pk}.{subscriber.pk}@{domain}>"


def build_message(
    issue: Issue, subscriber: Subscriber, items, *, connection=None
) -> EmailMultiAlternatives:
    """The subscriber's copy: plain text with an HTML alternative whose CSS is inlined,
    RFC 8058 one-click unsubscribe headers and a stable Message-ID."""
    raw = services.token_for(subscriber)
    context = {
        "issue": issue,
        "sections": issues.sections(items),
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "manage_url": services.link("manage", raw),
        "unsubscribe_url": services.link("unsubscribe", raw),
    }
    with override(subscriber.language):
        text = render_to_string("newsletter/email/issue.txt", context)
        html = _INLINER.inline(render_to_string("newsletter/email/issue.html", context))
    headers = {
        "Message-ID": message_id(issue, subscriber),
        **services.unsubscribe_headers(subscriber, raw),
    }
    message = EmailMultiAlternatives(
        subject=issue.subject,
        body=text,
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(issue: Issue, batch: int, now: datetime.datetime) -> str | None:
    """Claim up to ``batch`` deliveries for this run; returns the claim token."""
    expired = now - LEASE
    free = Q(status=Delivery.Status.QUEUED) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired)
    )
    # a delivery left "sending" by a dead worker: sent again (docstring, step 4)
    stuck = Q(status=Delivery.Status.SENDING, claimed_at__lt=expired)
    candidates = list(
        Delivery.objects.filter(free | stuck, issue=issue)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    if not candidates:
        return None
    token = secrets.token_hex(16)
    # conditional: a delivery another worker claimed in between no longer matches
    taken = Delivery.objects.filter(free | stuck, pk__in=candidates).update(
        claim=token, claimed_at=now, status=Delivery.Status.QUEUED
    )
    return token if taken else None


def _pace(started: float, sent: int, rate: int) -> None:
    if rate > 0:
        ahead = started + sent / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)


def send_pending(issue: Issue, *, batch: int = 200, rate_per_second: int | None = None) -> int:
    """Send one claimed batch of ``issue`` (steps 2–5 of the module docstring).

    Side effects: deliveries become sent, skipped, failed or queued again; e-mails go
    out through the mail backend. Returns how many deliveries were handled (0 when
    nothing was left to claim).
    """
    rate = settings.NEWSLETTER_RATE_PER_SECOND if rate_per_second is None else rate_per_second
    token = _claim(issue, batch, timezone.now())
    if token is None:
        return 0
    claimed = list(Delivery.objects.filter(claim=token).select_related("subscriber").order_by("pk"))
    items = issues.issue_items(issue)
    mine = Delivery.objects.filter(claim=token)
    connection = get_connection()
    connection.open()
    started, handed = time.monotonic(), 0
    try:
        for delivery in claimed:
            subscriber = delivery.subscriber
            chosen = issues.items_for(issue, subscriber, items=items)
            if subscriber.status != Subscriber.Status.CONFIRMED or not chosen:
                mine.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED)
                continue
            message = build_message(issue, subscriber, chosen, connection=connection)
            _pace(started, handed, rate)
            marked = mine.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENDING,
                message_id=message.extra_headers["Message-ID"],
                attempts=F("attempts") + 1,
            )
            if not marked:  # our lease expired and another worker took it over
                continue
            try:
                message.send()
            except Exception as error:  # the backend refused it: try again later
                failed = delivery.attempts + 1 >= MAX_ATTEMPTS
                mine.filter(pk=delivery.pk).update(
                    status=Delivery.Status.FAILED if failed else Delivery.Status.QUEUED,
                    claimed_at=None,
                    error=f"{type(error).__name__}: {error}"[:2000],
                )
                continue
            handed += 1
            mine.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    finally:
        connection.close()
    return len(claimed)


def send_issue(issue: Issue, *, batch: int = 200, rate_per_second: int | None = None) -> dict:
    """Send every pending delivery of ``issue``; returns its progress.

    Side effects: those of ``send_pending``; the issue becomes sent (with its time) once
    no delivery is queued or being sent.
    """
    while send_pending(issue, batch=batch, rate_per_second=rate_per_second):
        pass
    counts = progress(issue)
    if counts["queued"] == counts["sending"] == 0:
        Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
        )
        issue.refresh_from_db(fields=["status", "sent_at"])
    return counts


def progress(issue: Issue) -> dict[str, int]:
    """How many of the issue's deliveries are in each state, and in all: for the issue
    page to poll while it is being sent."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in issue.deliveries.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts
