"""The demo alerts: synthetic warnings about invented recruitment actors.

Every actor's name ends with "(demo)" and every licence number starts with "DEMO-";
the reporting organisation is the fictional, verified demo organisation Example Lantern
Outreach, whose members (Alice, Bob) read them, as does the demo moderator. Bob writes,
Mona reviews, as on the site. One alert waits for review, one carries a right of reply,
one is retracted with its reason, one has expired; one statement waits for a moderator.
Nobody is e-mailed. An alert whose licence number exists is left as it is, so the
loader is safe to run again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from commons.alerts import services
from commons.alerts.models import Alert, AlertEvent, AlertSubscription, RightOfReply
from commons.core.services import without_emails

LANTERN = "example-lantern-outreach-demo"
EVIDENCE = "Synthetic example written for the Freedom Commons demo; nothing here is real.\n\n"

# Each alert: its fields, and `state`: published, submitted, retracted or expired.
ALERTS: list[dict] = [
    {
        "actor_name": "Example Placement Agency (demo)",
        "actor_kind": "agency",
        "actor_aliases": ["Example Placement Co., Ltd. (demo)", "เอ็กแซมเพิล จัดหางาน (demo)"],
        "licence_number": "DEMO-0001",
        "actor_country": "TH",
        "countries": ["TH", "KH", "MM"],
        "routes": [["KH", "TH"], ["MM", "TH"]],
        "patterns": ["fees", "documents"],
        "evidence_summary": EVIDENCE
        + "Three workers supported by the reporting organisation each paid a placement fee "
        "of several months' wages, and their passports were kept by the agency on arrival.",
        "source_kind": "direct-case",
        "state": "published",
        "reply": {
            "name": "Demo Spokesperson",
            "represents": "Example Placement Agency (demo)",
            "email": "spokesperson@example.org",
            "statement": "We have stopped charging fees since last year and now return "
            "passports on arrival. (A synthetic statement for the demo.)",
        },
    },
    {
        "actor_name": "Sample Overseas Manpower Sdn Bhd (demo)",
        "actor_kind": "agency",
        "actor_aliases": ["Sample Manpower (demo)"],
        "licence_number": "DEMO-0002",
        "actor_country": "MY",
        "countries": ["MY", "NP"],
        "routes": [["NP", "MY"]],
        "patterns": ["contract-substitution", "debt-bondage"],
        "evidence_summary": EVIDENCE
        + "A partner organisation documented contracts signed before departure that were "
        "replaced on arrival by contracts with lower wages and a loan to repay.",
        "source_kind": "partner-report",
        "state": "published",
    },
    {
        "actor_name": "Placeholder Jobs Online (demo)",
        "actor_kind": "online",
        "licence_number": "DEMO-0003",
        "actor_country": "KH",
        "countries": ["KH", "TH"],
        "routes": [["KH", "TH"]],
        "patterns": ["fake-job", "deception"],
        "evidence_summary": EVIDENCE
        + "Advertisements on a social network promise factory jobs; callers are asked to "
        "pay for a 'visa' and then hear nothing.",
        "source_kind": "media",
        "state": "submitted",
    },
    {
        "actor_name": "Fictitious Fishing Crew Broker (demo)",
        "actor_kind": "broker",
        "licence_number": "DEMO-0004",
        "actor_country": "TH",
        "countries": ["TH", "MM"],
        "routes": [["MM", "TH"]],
        "patterns": ["wage-theft"],
        "evidence_summary": EVIDENCE + "Crew members reported months of unpaid wages.",
        "source_kind": "direct-case",
        "state": "retracted",
        "reason": "The broker was confused with another person of a similar name; the "
        "reporting organisation retracts the alert. (Demo.)",
    },
    {
        "actor_name": "Imaginary Garment Employer (demo)",
        "actor_kind": "employer",
        "licence_number": "DEMO-0005",
        "actor_country": "TH",
        "countries": ["TH"],
        "patterns": ["confinement", "documents"],
        "evidence_summary": EVIDENCE + "A labour inspection recorded locked dormitories.",
        "source_kind": "official-record",
        "state": "expired",
    },
]


def load_demo_alerts() -> int:
    """Create the demo alerts that do not exist yet. Returns how many it added.

    Side effects: inserts alerts with their history, one attached and one waiting
    right-of-reply statement, and Lantern's subscription. Nobody is e-mailed."""
    with without_emails(), transaction.atomic():
        return _load()


def _load() -> int:
    from commons.accounts.models import Organisation, User
    from commons.core.demo import PEOPLE

    people = {p.key: User.objects.filter(email=p.email).first() for p in PEOPLE}
    lantern = Organisation.objects.filter(slug=LANTERN, verified_at__isnull=False).first()
    author, moderator = people.get("bob"), people.get("mona")
    if lantern is None or author is None or moderator is None:
        return 0
    existing = set(
        Alert.objects.filter(licence_number__startswith="DEMO-").values_list(
            "licence_number", flat=True
        )
    )
    added = 0
    for row in ALERTS:
        if row["licence_number"] in existing:
            continue
        fields = {k: v for k, v in row.items() if k not in {"state", "reason", "reply"}}
        alert = services.save_alert(fields=fields, author=author, organisation=lantern, submit=True)
        Alert.objects.filter(pk=alert.pk).update(is_demo=True)
        alert.is_demo = True
        if row["state"] != "submitted":
            services.publish_alert(alert=alert, moderator=moderator, note="Demo review.")
        if row["state"] == "retracted":
            services.retract_alert(alert=alert, reason=row["reason"], by=people["alice"])
        if row["state"] == "expired":
            # As `commons alerts expire` would, for this alert only.
            past = timezone.now() - datetime.timedelta(days=1)
            Alert.objects.filter(pk=alert.pk).update(expires_at=past, status=Alert.Status.EXPIRED)
            AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.EXPIRED)
        if "reply" in row:
            reply = RightOfReply.objects.create(
                actor_name=row["actor_name"],
                licence_number=row["licence_number"],
                is_demo=True,
                **row["reply"],
            )
            services.attach_reply(reply=reply, alert=alert, moderator=moderator)
        added += 1
    if added:
        RightOfReply.objects.get_or_create(
            email="another-spokesperson@example.org",
            defaults={
                "name": "Demo Agency Owner",
                "represents": "Sample Overseas Manpower (demo)",
                "actor_name": "Sample Overseas Manpower (demo)",
                "licence_number": "DEMO-0002",
                "statement": "Our contracts follow the law. (A synthetic statement waiting "
                "for a moderator in the demo.)",
                "is_demo": True,
            },
        )
    AlertSubscription.objects.get_or_create(
        organisation=lantern,
        defaults={"countries": ["TH", "KH", "MM"], "updated_by": people["alice"]},
    )
    return added
