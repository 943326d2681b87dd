"""When an issue goes out: scheduling and unscheduling it, and starting it when it is
due. The sending itself is ``sending.py``.

An issue moves draft → scheduled → sending → sent. Scheduling enqueues the send task
deferred to the chosen time; the task (and ``commons newsletter send``, the safety net
run every few minutes) starts an issue only if it is still scheduled and due, by a
conditional UPDATE, so an issue unscheduled or moved later in the meantime is left
alone, and two runs never both start it. The subscribers are read when it starts: who
confirmed after scheduling receives it, who left does not.
"""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from commons.newsletter import sending
from commons.newsletter.models import Issue


class NotReady(Exception):
    """The issue cannot be scheduled: it has no entries or is not a draft."""


def schedule(issue: Issue, *, when: datetime.datetime | None = None) -> Issue:
    """Send ``issue`` at ``when`` (now when None or past).

    Side effects: the draft becomes scheduled with its time; after commit, the send task
    is enqueued to run then (at once when the task backend cannot defer: the task
    starts nothing before its time, and ``commons newsletter send`` starts it later).
    Raises ``NotReady`` for an issue that is not a draft or has no entries.
    """
    from commons.newsletter.tasks import send_issue

    now = timezone.now()
    when = max(when or now, now)
    if not issue.items.exists():
        raise NotReady("The issue has no entries.")
    changed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.DRAFT).update(
        status=Issue.Status.SCHEDULED, scheduled_for=when, updated_at=now
    )
    if not changed:
        raise NotReady("Only a draft can be scheduled.")
    issue.refresh_from_db(fields=["status", "scheduled_for"])
    task = send_issue
    if when > now and task.get_backend().supports_defer:
        task = task.using(run_after=when)
    transaction.on_commit(lambda: task.enqueue(issue_id=issue.pk))
    return issue


def unschedule(issue: Issue) -> bool:
    """Side effects: a scheduled issue that has not started goes back to draft. Returns
    whether it did (False once sending has begun: it cannot be called back)."""
    changed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
        status=Issue.Status.DRAFT, scheduled_for=None, updated_at=timezone.now()
    )
    issue.refresh_from_db(fields=["status", "scheduled_for"])
    return bool(changed)


def start_if_due(issue: Issue, *, now: datetime.datetime | None = None) -> bool:
    """Start a scheduled issue whose time has come: queue a delivery for every confirmed
    subscriber. Returns whether this call started it.

    Side effects: ``sending.queue_issue``; the issue becomes sending.
    """
    now = now or timezone.now()
    started = Issue.objects.filter(
        pk=issue.pk, status=Issue.Status.SCHEDULED, scheduled_for__lte=now
    ).update(status=Issue.Status.SENDING, updated_at=now)
    if started:
        sending.queue_issue(issue)
    issue.refresh_from_db(fields=["status"])
    return bool(started)


def run(
    issue: Issue, *, progress: Callable[[int, int | None], None] | None = None
) -> dict[str, int]:
    """Start ``issue`` if it is due and send what is pending of it, reporting
    ``progress(done, total)`` after each batch. An issue already sending (a worker died)
    is resumed; a draft, an issue not yet due and a sent one are left alone. Returns the
    issue's delivery counts (``sending.progress``)."""
    start_if_due(issue)
    if issue.status != Issue.Status.SENDING:
        return sending.progress(issue)

    def report() -> dict[str, int]:
        counts = sending.progress(issue)
        if progress is not None:
            progress(counts["total"] - counts["queued"] - counts["sending"], counts["total"])
        return counts

    report()
    while sending.send_pending(issue):
        report()
    sending.send_issue(issue)  # nothing left to claim: marks it sent
    return report()


def due_issues(now: datetime.datetime | None = None):
    """Issues to act on: scheduled ones whose time has come, and those being sent."""
    now = now or timezone.now()
    return Issue.objects.filter(status=Issue.Status.SENDING) | Issue.objects.filter(
        status=Issue.Status.SCHEDULED, scheduled_for__lte=now
    )
