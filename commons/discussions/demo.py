"""The demo discussions: a few threads in several categories and languages, by demo
people, some replies quoting an earlier message and mentioning someone.

Every thread and message was written for this demo; each title ends with "(demo)" and
every row is flagged ``is_demo``. Messages are written published and dated over the past
days, so the listings read like real ones; their mentions are found and shown by the
same services as on the site. Nobody is notified or e-mailed. A thread whose title
exists is left as it is, so the loader is safe to run again.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from commons.core.services import without_emails
from commons.discussions import services
from commons.discussions.models import Category, Message, Thread

DEMO_MARK = "(demo)"

# Each thread: category slug, title, tags, author key, days ago, first message, and
# replies as (author key, body, quotes: index of the message quoted or None). A body may
# name people as {bob} etc.: their @handle is put there.
THREADS: list[dict] = [
    {
        "category": "field-updates",
        "title": "Port inspections found unpaid crews",
        "tags": ["fishing", "thailand", "wages"],
        "author": "alice",
        "days_ago": 4,
        "body": (
            "Our outreach team joined labour inspectors in three ports this week.\n\n"
            "- crews unpaid for up to **four months**\n- two boats without a crew list\n\n"
            "Written for the Freedom Commons demo; the inspections are invented."
        ),
        "replies": [
            ("carol", "Did the inspectors bring interpreters this time?", 0),
            ("bob", "Yes, for Burmese and Khmer. {carol}, we can share the contacts.", 1),
        ],
    },
    {
        "category": "help-requests",
        "title": "Shelter places for two young women near the border",
        "tags": ["shelter", "referral"],
        "author": "bob",
        "days_ago": 2,
        "body": (
            "We need two shelter places for a few nights near Mae Sot, from Friday. "
            "Who has room, or knows who does?\n\n(Demo request: no real person.)"
        ),
        "replies": [
            ("carol", "{alice}, your partner shelter had room last month, didn't it?", None),
            ("alice", "It has two beds free from Friday. I'll send you the contact.", 1),
        ],
    },
    {
        "category": "research-data",
        "title": "Datos de retorno: ¿cómo contar los casos repetidos?",
        "tags": ["data", "methods"],
        "author": "carol",
        "days_ago": 6,
        "body": (
            "Registramos a las personas retornadas por lugar de origen. ¿Cómo evitan contar "
            "dos veces a alguien que vuelve dos veces?\n\nTexto escrito para la demostración."
        ),
        "replies": [
            ("alice", "Usamos un código por persona, nunca el nombre. {carol}", 0),
        ],
    },
    {
        "category": "introductions",
        "title": "สวัสดีจากทีมลงพื้นที่",
        "tags": ["introductions"],
        "author": "bob",
        "days_ago": 9,
        "body": "เราทำงานกับแรงงานข้ามชาติในภาคใต้ ยินดีที่ได้รู้จักทุกคน\n\nข้อความนี้เขียนขึ้นเพื่อการสาธิต",
        "replies": [("carol", "សូមស្វាគមន៍! យើងធ្វើការនៅកម្ពុជា។ (demo)", 0)],
    },
    {
        "category": "crisis-response",
        "title": "Évacuation : coordination des transports",
        "tags": ["crisis", "transport"],
        "author": "alice",
        "days_ago": 1,
        "body": (
            "Nous organisons le transport de personnes évacuées ce week-end. Qui peut "
            "fournir un véhicule ?\n\nTexte écrit pour la démonstration."
        ),
        "replies": [],
    },
]


def demo_title(title: str) -> str:
    return title if title.endswith(DEMO_MARK) else f"{title} {DEMO_MARK}"


def load_demo_discussions() -> int:
    """Create the demo threads that do not exist yet. Returns how many it added.

    Side effects: inserts threads, messages, participants. Nobody is e-mailed.
    """
    with without_emails():
        return _load()


def _load() -> int:
    from commons.accounts.models import User
    from commons.core.demo import PEOPLE

    people = {p.key: User.objects.filter(email=p.email).first() for p in PEOPLE}
    categories = _categories()
    handles = {
        key: services.participant_for(user).handle
        for key, user in people.items()
        if user is not None
    }
    mentions = {key: f"@{handle}" for key, handle in handles.items()}
    existing = set(Thread.objects.filter(is_demo=True).values_list("title", flat=True))
    now = timezone.now()
    added = 0
    for row in THREADS:
        title = demo_title(row["title"])
        author = people.get(row["author"])
        if title in existing or author is None or row["category"] not in categories:
            continue
        start = now - datetime.timedelta(days=row["days_ago"])
        with transaction.atomic():
            thread = Thread.objects.create(
                category=categories[row["category"]],
                title=title,
                author=author,
                tags=row["tags"],
                is_visible=True,
                last_activity_at=start,
                reply_count=len(row["replies"]),
                is_demo=True,
            )
            written = [_message(thread, author, row["body"].format(**mentions), start)]
            for number, (key, body, quoted) in enumerate(row["replies"], start=1):
                written.append(
                    _message(
                        thread,
                        people[key],
                        body.format(**mentions),
                        start + datetime.timedelta(hours=3 * number),
                        quotes=written[quoted] if quoted is not None else None,
                    )
                )
            Thread.objects.filter(pk=thread.pk).update(
                created_at=start,
                last_activity_at=written[-1].published_at,
                updated_at=written[-1].published_at,
            )
        added += 1
    return added


def _categories() -> dict[str, Category]:
    found = {c.slug: c for c in Category.objects.all()}
    if not found:  # the data migration's rows were flushed (a test database)
        import importlib

        from django.apps import apps

        migration = importlib.import_module(
            "commons.discussions.migrations.0002_default_categories"
        )
        migration.create(apps, None)
        found = {c.slug: c for c in Category.objects.all()}
    return found


def _organisation_of(user):
    from commons.accounts.models import Membership

    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return membership.organisation if membership else None


def _message(thread: Thread, author, body: str, when: datetime.datetime, quotes=None) -> Message:
    """A published demo message, its mentions found and shown as on the site. Written
    directly rather than through ``services.publish_message``: the demo notifies nobody
    (not even on the platform) and is dated in the past."""
    mentioned = services.mentioned_people(body, thread)
    message = Message.objects.create(
        thread=thread,
        author=author,
        organisation=_organisation_of(author),
        body=body,
        body_html=services.render_body(body, mentioned),
        quotes=quotes,
        status=Message.Status.PUBLISHED,
        published_at=when,
        is_demo=True,
    )
    message.mentions.set(mentioned)
    Message.objects.filter(pk=message.pk).update(created_at=when, updated_at=when)
    return message
