"""Demo content: real organisations named in the background documents (public facts
only, no contacts), clearly fictional organisations, and one demo person per role.

Everything loaded here is flagged ``is_demo`` or lives at ``@example.org`` addresses.
"""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commons.directory.models import PersonProfile
from commons.directory.services import save_person_profile, save_profile

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_VOCABULARIES = ("four_ps", "services", "exploitation", "populations", "sectors", "languages")


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    name: str
    role: str  # what the person demonstrates, shown in the printed sign-ins
    organisation: str | None = None
    org_role: str = "member"
    status: str = "active"
    flags: tuple[str, ...] = ()


PEOPLE = [
    DemoPerson(
        "alice",
        "alice@example.org",
        "Alice (demo)",
        "organisation admin",
        "example-lantern-outreach-demo",
        "admin",
    ),
    DemoPerson(
        "bob",
        "bob@example.org",
        "Bob (demo)",
        "member of Alice's organisation",
        "example-lantern-outreach-demo",
    ),
    DemoPerson(
        "carol",
        "carol@example.org",
        "Carol (demo)",
        "member of another organisation",
        "placeholder-survivor-voices-demo",
        "admin",
    ),
    DemoPerson("dave", "dave@example.org", "Dave (demo)", "signed in, no organisation"),
    DemoPerson(
        "erin",
        "erin@example.org",
        "Erin (demo)",
        "waiting for Alice to approve her request",
        "example-lantern-outreach-demo",
        status="pending",
    ),
    DemoPerson(
        "mona",
        "moderator@example.org",
        "Mona (demo moderator)",
        "moderator",
        flags=("is_moderator",),
    ),
    DemoPerson(
        "sam",
        "steward@example.org",
        "Sam (demo data steward)",
        "data steward (second factor required)",
        flags=("is_data_steward",),
    ),
    DemoPerson(
        "stella",
        "staff@example.org",
        "Stella (demo staff)",
        "platform staff (second factor required)",
        flags=("is_staff", "is_superuser"),
    ),
]


# Directory profiles of demo people: (key, title, expertise, languages, countries, who
# sees the name). Alice shares her name publicly; the others with members only.
DEMO_PROFILES = [
    (
        "alice",
        "Programme director (demo)",
        ["shelter management", "case management"],
        ["th", "en"],
        ["TH"],
        "public",
    ),
    ("bob", "Case worker (demo)", ["victim identification"], ["th", "my"], ["TH", "MM"], "members"),
    (
        "carol",
        "Peer-support coordinator (demo)",
        ["survivor leadership", "reintegration"],
        ["km", "en"],
        ["KH"],
        "members",
    ),
    (
        "sam",
        "Data steward (demo)",
        ["data protection", "route analysis"],
        ["en"],
        ["TH", "KH", "MY"],
        "members",
    ),
]


def demo_password() -> str:
    """One random password for all demo people, kept under var/ so re-runs print the same."""
    path = settings.VAR_DIR / "demo-password.txt"
    if path.exists():
        return path.read_text().strip()
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def _load_profile(organisation, row: dict) -> None:
    save_profile(
        organisation=organisation,
        profile_fields={
            "description": row.get("description", ""),
            "founded": row.get("founded"),
            "size": row.get("size", ""),
        },
        terms={vocabulary: row.get(vocabulary, []) for vocabulary in DEMO_VOCABULARIES},
        presences=[{"country": code} for code in row.get("countries_of_operation", [])],
    )


def _fictional() -> list[dict]:
    return json.loads((FIXTURES / "demo_fictional_organisations.json").read_text())


def _organisations() -> list[dict]:
    rows = []
    for name in ("demo_organisations.json", "demo_fictional_organisations.json"):
        rows.extend(json.loads((FIXTURES / name).read_text()))
    return rows


@transaction.atomic
def load_demo() -> tuple[list[DemoPerson], str, dict[str, int]]:
    """Create (or complete) the demo content; safe to run again.

    Side effects: inserts organisations, people, verified e-mail addresses and
    memberships that do not exist yet; writes var/demo-password.txt on first run.
    """
    from allauth.account.models import EmailAddress

    from commons.accounts.models import Membership, Organisation, User

    password = demo_password()
    users = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User(email=person.email, name=person.name)
            for flag in person.flags:
                setattr(user, flag, True)
            user.set_password(password)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        users[person.key] = user

    created = 0
    now = timezone.now()
    rows = _organisations()
    for row in rows:
        organisation, was_created = Organisation.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "acronym": row.get("acronym", ""),
                "country": row["country"],
                "type": row["type"],
                "summary": row.get("summary", ""),
                "website": row.get("website", ""),
                "is_demo": True,
                "verified_at": now if row.get("verified") else None,
                "verified_by": users["stella"] if row.get("verified") else None,
            },
        )
        created += was_created
        if was_created:
            _load_profile(organisation, row)
    by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=[r["slug"] for r in rows])}
    for row in rows:
        networks = [by_slug[slug] for slug in row.get("networks", []) if slug in by_slug]
        if networks and not by_slug[row["slug"]].networks.exists():
            save_profile(organisation=by_slug[row["slug"]], networks=networks)

    for person in PEOPLE:
        if person.organisation:
            Membership.objects.get_or_create(
                user=users[person.key],
                organisation=Organisation.objects.get(slug=person.organisation),
                defaults={
                    "role": person.org_role,
                    "status": person.status,
                    "message": "Demo join request." if person.status == "pending" else "",
                },
            )
    for key, title, expertise, languages, countries, name_level in DEMO_PROFILES:
        user = users[key]
        if not PersonProfile.objects.filter(user=user).exists():
            save_person_profile(
                user=user,
                fields={
                    "title": title,
                    "expertise": expertise,
                    "languages": languages,
                    "countries": countries,
                },
                visibility={"name": name_level, "title": name_level, "email": "members"},
            )
    # Only the fictional organisations contribute synthetic routes: a real organisation's
    # name must never stand next to invented data.
    journeys = _load_journeys(
        Organisation.objects.filter(slug__in=[r["slug"] for r in _fictional()]).order_by("slug")
    )
    from commons.alerts.demo import load_demo_alerts
    from commons.alerts.models import Alert
    from commons.discussions.demo import load_demo_discussions
    from commons.discussions.models import Thread
    from commons.events.demo import load_demo_events
    from commons.events.models import Event
    from commons.library.demo import load_demo_library
    from commons.library.models import Work
    from commons.news.demo import load_demo_news
    from commons.news.models import Post
    from commons.newsletter.demo import load_demo_newsletter
    from commons.newsletter.models import Issue
    from commons.surveys.demo import load_demo_survey

    survey_responses = load_demo_survey()
    load_demo_events()
    load_demo_library()
    load_demo_news()
    load_demo_newsletter()
    load_demo_alerts()
    load_demo_discussions()
    return (
        PEOPLE,
        password,
        {
            "organisations": Organisation.objects.filter(is_demo=True).count(),
            "new": created,
            "journey_records": journeys,
            "survey_responses": survey_responses,
            "events": Event.objects.filter(is_demo=True).count(),
            "library": Work.objects.filter(is_demo=True).count(),
            "posts": Post.objects.filter(is_demo=True).count(),
            "newsletter_issues": Issue.objects.filter(is_demo=True).count(),
            "discussion_threads": Thread.objects.filter(is_demo=True).count(),
            "alerts": Alert.objects.filter(is_demo=True).count(),
        },
    )


# A demo release spends a large privacy budget so that a few thousand synthetic records
# show on the map; a real network's data stewards choose theirs (docs/privacy.md).
DEMO_EPSILON = 10.0


def _load_journeys(organisations) -> int:
    """Synthetic journey records for the verified demo organisations, and a published
    release of them, once."""
    from commons.journeys.demo import load_demo_journeys
    from commons.journeys.models import Release
    from commons.journeys.releases import build_release, publish_release

    added = load_demo_journeys(organisations)
    if added and not Release.objects.filter(status=Release.Status.PUBLISHED).exists():
        publish_release(release=build_release(epsilon=DEMO_EPSILON))
    return added
