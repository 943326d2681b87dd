"""Sending an issue so that each confirmed subscriber receives exactly one copy, even
when the worker dies and another one takes over.

1. ``queue_issue`` writes one ``Delivery`` per confirmed subscriber (status queued), in
   chunks, ignoring those already written, and marks the issue as sending. Running it
   twice adds nothing.
2. ``send_pending`` claims a batch with a conditional UPDATE: queued deliveries whose
   lease (``LEASE``) is free or expired get this run's claim token and time. Two workers
   never hold the same delivery; one that died leaves its claims to expire.
3. The batch's deliveries to a subscriber who is no longer confirmed (unsubscribed,
   suppressed since queuing) or for whom the issue has nothing are marked skipped, in
   one UPDATE. Then for each of the others, in turn:
   a. its copy is built; the templates are rendered and the CSS inlined once per
      (language, entries) in the batch, each subscriber's links put in afterwards;
   b. the delivery is marked sending, with its ``Message-ID``, derived from (issue,
      subscriber) — this record is written BEFORE the message is handed over;
   c. the message is handed to the mail backend (one connection per batch);
   d. the delivery is marked sent, in the same UPDATE as 3b of the next one (or on its
      own after the last), so that one statement is written per message and at most
      one delivery of the batch is "sending" at any time.
   Messages are paced to ``NEWSLETTER_RATE_PER_SECOND`` (between 3b and 3c).
4. A worker killed between two deliveries leaves the rest of its batch queued: they are
   claimed again when the lease expires and sent once. The only window for a duplicate
   is a worker killed during one hand-off (3b–3d, which for the message just handed
   over includes building the next one): that delivery stays "sending". After
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

import contextlib
import datetime
import secrets
import time
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError
from django.db import connection as database
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
# Deliveries claimed at once: the more, the more subscribers share a rendering (see
# ``build_message``); at the default rate (20/s) a batch takes under a minute, far
# within ``LEASE``.
BATCH = 1000

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


# Stands for the subscriber's token while a copy is rendered: one rendering (templates
# and CSS inlining) then serves every subscriber of the batch with the same language and
# entries, each getting their own links by substitution. Real tokens are hexadecimal,
# so this random word cannot be one, nor appear in an issue by chance.
_TOKEN_PLACEHOLDER = f"token-placeholder-{secrets.token_hex(12)}"


def _render(issue: Issue, language: str, items) -> tuple[str, str]:
    """The plain text and the CSS-inlined HTML of a copy, with ``_TOKEN_PLACEHOLDER``
    where the subscriber's token goes."""
    context = {
        "issue": issue,
        "sections": issues.sections(items),
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "manage_url": services.link("manage", _TOKEN_PLACEHOLDER),
        "unsubscribe_url": services.link("unsubscribe", _TOKEN_PLACEHOLDER),
    }
    with override(language):
        text = render_to_string("newsletter/email/issue.txt", context)
        html = _INLINER.inline(render_to_string("newsletter/email/issue.html", context))
    return text, html


def build_message(
    issue: Issue, subscriber: Subscriber, items, *, connection=None, rendered: dict | None = None
) -> EmailMultiAlternatives:
    """The subscriber's copy: plain text with an HTML alternative whose CSS is inlined,
    RFC 8058 one-click unsubscribe headers and a stable Message-ID.

    ``rendered``: a dict kept by the caller for one batch, in which the rendering of each
    (language, entries) is kept and reused."""
    key = (subscriber.language, tuple(item.pk for item in items))
    parts = None if rendered is None else rendered.get(key)
    if parts is None:
        parts = _render(issue, subscriber.language, items)
        if rendered is not None:
            rendered[key] = parts
    raw = services.token_for(subscriber)
    text, html = (part.replace(_TOKEN_PLACEHOLDER, raw) for part in parts)
    headers = {
        "Message-ID": message_id(issue, subscriber),
        "Content-Language": subscriber.language,
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


def _candidates(issue: Issue, claimable: Q, batch: int) -> list[int]:
    """The first ``batch`` deliveries of ``issue`` that look free to claim."""
    return list(
        Delivery.objects.filter(claimable, issue=issue)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )


def _claim(issue: Issue, batch: int, now: datetime.datetime) -> str | None:
    """Claim up to ``batch`` deliveries for this run; returns the claim token, or None
    when nothing is left to claim."""
    expired = now - LEASE
    free = Q(status=Delivery.Status.QUEUED) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired)
    )
    # a delivery left "sending" by a dead worker: sent again (docstring, step 4)
    stuck = Q(status=Delivery.Status.SENDING, claimed_at__lt=expired)
    token = secrets.token_hex(16)
    while candidates := _candidates(issue, free | stuck, batch):
        # conditional: a delivery another worker claimed in between no longer matches
        taken = Delivery.objects.filter(free | stuck, pk__in=candidates).update(
            claim=token, claimed_at=now, status=Delivery.Status.QUEUED
        )
        if taken:
            return token
        # another worker claimed all of these first: the next look finds others
    return None


def _pace(started: float, sent: int, rate: int) -> None:
    if rate > 0:
        ahead = started + sent / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)


def send_pending(issue: Issue, *, batch: int = BATCH, rate_per_second: int | None = None) -> int:
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
    to_send, skipped = [], []
    for delivery in claimed:
        subscriber = delivery.subscriber
        chosen = (
            issues.items_for(issue, subscriber, items=items)
            if subscriber.status == Subscriber.Status.CONFIRMED
            else []
        )
        if chosen:
            to_send.append((delivery, chosen))
        else:
            skipped.append(delivery.pk)
    if skipped:
        mine.filter(pk__in=skipped).update(status=Delivery.Status.SKIPPED)
    rendered: dict = {}
    connection = get_connection()
    connection.open()
    started, handed, previous = time.monotonic(), 0, None
    _commit_without_flush(True)
    try:
        for delivery, chosen in to_send:
            message = build_message(
                issue, delivery.subscriber, chosen, connection=connection, rendered=rendered
            )
            marked = _mark_sending(
                mine, token, delivery, message.extra_headers["Message-ID"], previous
            )
            previous = None
            if not marked:  # our lease expired and another worker took it over
                continue
            _pace(started, handed, rate)
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
            previous = delivery
        if previous is not None:
            _mark_sent(mine, previous)
            previous = None
    finally:
        _commit_without_flush(False)
        connection.close()
    return len(claimed)


def _commit_without_flush(on: bool) -> None:
    """On PostgreSQL, let this session's commits return before the write-ahead log
    reaches the disk (``synchronous_commit``), for the marks of one batch. Other workers
    see each mark as soon as it is committed, which is all the claims and the record
    before the hand-off need; waiting for the disk cost about 2 ms a message, more than
    the rest of our work. A crash of the database server itself may lose the last
    fraction of a second of marks: those deliveries are then sent again with the same
    Message-ID, never left out (SQLite's ``synchronous=NORMAL`` makes the same choice)."""
    if database.vendor != "postgresql":
        return
    # putting it back must not hide the error that ended the batch (a broken connection)
    ignored = () if on else (DatabaseError,)
    with contextlib.suppress(*ignored), database.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _mark_sent(mine, delivery: Delivery) -> None:
    mine.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())


def _mark_sending(
    mine, token: str, delivery: Delivery, message_id: str, previous: Delivery | None
) -> bool:
    """Record ``delivery`` as being sent, before its hand-off (step 3b) and, in the same
    UPDATE, the delivery handed over just before it as sent (step 3d): one statement per
    message instead of two, and never more than one delivery of the batch "sending".
    Returns whether ``delivery`` is still ours."""
    this = Q(pk=delivery.pk)
    if previous is None:
        return bool(
            mine.filter(this).update(
                status=Delivery.Status.SENDING,
                message_id=message_id,
                attempts=F("attempts") + 1,
            )
        )

    # One statement, written out: the ORM's CASE expressions cost more to build than
    # the two UPDATEs they would save (this runs once per message).
    table = database.ops.quote_name(Delivery._meta.db_table)
    sent_at = Delivery._meta.get_field("sent_at").get_db_prep_value(timezone.now(), database)
    with database.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 (the table name is ours; values are parameters)
            "status = CASE WHEN id = %s THEN %s ELSE %s END, "
            "message_id = CASE WHEN id = %s THEN %s ELSE message_id END, "
            "attempts = CASE WHEN id = %s THEN attempts + 1 ELSE attempts END, "
            "sent_at = CASE WHEN id = %s THEN sent_at ELSE %s END "
            "WHERE claim = %s AND id IN (%s, %s)",
            [
                *(delivery.pk, Delivery.Status.SENDING, Delivery.Status.SENT),
                *(delivery.pk, message_id),
                delivery.pk,
                *(delivery.pk, sent_at),
                *(token, delivery.pk, previous.pk),
            ],
        )
        changed = cursor.rowcount
    if changed == 2:
        return True
    # the lease of one of the two expired: ``delivery`` is ours only if it was marked
    return mine.filter(this, status=Delivery.Status.SENDING).exists()


def send_issue(issue: Issue, *, batch: int = BATCH, rate_per_second: int | None = None) -> dict:
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
