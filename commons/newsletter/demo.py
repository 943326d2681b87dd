"""The demo newsletter: last week's issue, sent and in the archive, and this week's draft
for an editor to try, both made from the demo posts, events and resources; and three
demo subscribers with different preferences, for the preview.

The subjects end with "(demo)" and the issues are flagged ``is_demo``. Nobody is
e-mailed: the sent issue has no deliveries, and the subscribers are example.org
addresses confirmed here. Safe to run again: what exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from commons.core.services import without_emails
from commons.newsletter import issues, services
from commons.newsletter.models import Issue, Subscriber

DEMO_MARK = "(demo)"

SUBSCRIBERS = [
    {"email": "reader.th@example.org", "language": "th", "regions": ["asia-pacific"]},
    {"email": "reader.fr@example.org", "language": "fr", "topics": ["forced_labour"]},
    {"email": "reader.major@example.org", "language": "en", "frequency": "major"},
]

INTRODUCTION = (
    "Welcome to this week's round-up of the network's news, field reports and "
    "opportunities.\n\n*This issue was made for the Freedom Commons demo: nobody received it.*"
)


@transaction.atomic
def load_demo_newsletter() -> int:
    """Create the demo issues and subscribers that do not exist yet. Returns how many
    issues it added. Side effects: inserts issues, entries and subscribers; no e-mail."""
    with without_emails():
        _subscribers()
        return _issues()


def _subscribers() -> None:
    known = set(
        Subscriber.objects.filter(email__in=[row["email"] for row in SUBSCRIBERS]).values_list(
            "email", flat=True
        )
    )
    for row in SUBSCRIBERS:
        if row["email"] in known:
            continue
        preferences = {"topics": [], "regions": [], "frequency": "weekly", **row}
        made = services.subscribe(email=preferences.pop("email"), preferences=preferences)
        services.confirm(subscriber=made)


def _issues() -> int:
    today = timezone.localdate()
    week = datetime.timedelta(days=7)
    wanted = [
        # (subject, period end, sent)
        (f"Freedom Commons weekly, last week {DEMO_MARK}", today - week, True),
        (f"Freedom Commons weekly, this week {DEMO_MARK}", today, False),
    ]
    existing = set(Issue.objects.filter(is_demo=True).values_list("subject", flat=True))
    added = 0
    for subject, end, sent in wanted:
        if subject in existing:
            continue
        issue = issues.create_issue(
            subject=subject,
            introduction=INTRODUCTION,
            period_start=end - week + datetime.timedelta(days=1),
            period_end=end,
        )
        issues.propose_items(issue)
        changes = {"is_demo": True}
        if sent:
            changes.update(status=Issue.Status.SENT, sent_at=timezone.now() - 4 * week / 7)
        Issue.objects.filter(pk=issue.pk).update(**changes)
        added += 1
    return added
