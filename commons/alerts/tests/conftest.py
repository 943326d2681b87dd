"""Alerts shared by the alerts tests: a verified organisation with its members, and
alerts written, reviewed and published through the services."""

import pytest
from django.utils import timezone

from commons.accounts.models import Membership, Organisation, User
from commons.alerts import services
from commons.alerts.models import Alert
from commons.conftest import make_user


def verified_organisation(slug: str, *, country: str = "TH") -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is not None:
        return found
    verifier = User.objects.filter(is_staff=True).first() or make_user(
        f"verifier-{slug}@example.org"
    )
    return Organisation.objects.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        country=country,
        verified_at=timezone.now(),
        verified_by=verifier,
    )


def verified_member(email: str, slug: str, *, role: str = "member") -> User:
    """A person who is an active member of the verified organisation ``slug``."""
    user = make_user(email, name=email.split("@")[0].title())
    Membership.objects.create(
        user=user, organisation=verified_organisation(slug), role=role, status="active"
    )
    return user


def make_alert(author: User, moderator: User | None = None, **fields) -> Alert:
    """An alert by ``author`` for their verified organisation, submitted; published
    when a moderator is given."""
    values = {
        "actor_name": "Golden Bridge Placement Co., Ltd.",
        "actor_kind": "agency",
        "actor_aliases": [],
        "licence_number": "",
        "actor_country": "TH",
        "countries": ["TH", "KH"],
        "routes": [["KH", "TH"]],
        "patterns": ["fees"],
        "evidence_summary": "Workers paid fees of three months' wages.",
        "source_kind": "direct-case",
        **fields,
    }
    from commons.alerts.rules import verified_organisations_of

    alert = services.save_alert(
        fields=values,
        author=author,
        organisation=verified_organisations_of(author)[0],
        submit=True,
    )
    if moderator is not None:
        alert = services.publish_alert(alert=alert, moderator=moderator)
    return alert


@pytest.fixture
def vera(db) -> User:
    """Vera, a member of the verified organisation Beacon."""
    return verified_member("vera@example.org", "beacon")


@pytest.fixture
def victor(db) -> User:
    """Victor, an admin of Beacon."""
    return verified_member("victor@example.org", "beacon", role="admin")


@pytest.fixture
def published(vera, moderator) -> Alert:
    return make_alert(
        vera,
        moderator,
        actor_name="Golden Bridge Placement Co., Ltd.",
        licence_number="TH-1234/2566",
        actor_aliases=["โกลเด้น บริดจ์ จัดหางาน"],
    )


@pytest.fixture
def submitted(vera) -> Alert:
    return make_alert(vera, actor_name="Silver Road Brokers")
