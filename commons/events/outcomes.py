"""Writes of forum outcomes: priorities, recommendations, themes, and the commitments
organisations make to act on recommendations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from commons.events.models import (
    Commitment,
    CommitmentUpdate,
    Event,
    Priority,
    Recommendation,
    Theme,
)


def _next_order(queryset) -> int:
    return (queryset.aggregate(n=Max("order"))["n"] or 0) + 1


@transaction.atomic
def add_recommendations(
    *,
    event: Event,
    region: str,
    audience: str,
    texts: Iterable[str],
    themes: Iterable[Theme] = (),
    countries: Iterable[str] = (),
    audience_country: str = "",
    actor=None,
) -> list[Recommendation]:
    """Add recommendations sharing region, audience, themes and countries (the fast
    entry: one per line typed). Blank texts are skipped.

    Side effects: inserts one Recommendation per text, after the event's last ones.
    """
    themes = list(themes)
    order = _next_order(event.recommendations.filter(region=region))
    created = []
    for text in texts:
        text = text.strip()
        if not text:
            continue
        recommendation = Recommendation(
            event=event,
            region=region,
            audience=audience,
            audience_country=audience_country,
            text=text,
            countries=sorted(set(countries)),
            order=order,
            created_by=actor,
        )
        recommendation.full_clean()
        recommendation.save()
        recommendation.themes.set(themes)
        created.append(recommendation)
        order += 1
    return created


@transaction.atomic
def save_recommendation(
    *, recommendation: Recommendation, fields: dict, themes: Iterable[Theme] | None = None
) -> Recommendation:
    """Change one recommendation. Side effects: saves it (and its themes)."""
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.full_clean()
    recommendation.save()
    if themes is not None:
        recommendation.themes.set(themes)
    return recommendation


@transaction.atomic
def add_priority(
    *,
    event: Event,
    region: str,
    title: str,
    description: str = "",
    themes: Iterable[Theme] = (),
) -> Priority:
    """Add a priority issue area. Side effects: inserts one Priority."""
    priority = Priority(
        event=event,
        region=region,
        title=title.strip(),
        description=description.strip(),
        order=_next_order(event.priorities.filter(region=region)),
    )
    priority.full_clean()
    priority.save()
    priority.themes.set(list(themes))
    return priority


def add_theme(*, name: str, actor=None) -> Theme:
    """Extend the vocabulary of themes (or return the theme of that name or code).

    Side effects: inserts one Theme when none has this code."""
    name = " ".join(name.split())
    code = slugify(name)[:60]
    if not code:
        raise ValueError("A theme needs a name with letters or digits.")
    existing = Theme.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return Theme.objects.create(code=code, name=name[:120], created_by=actor)


@transaction.atomic
def commit_to(
    *,
    recommendation: Recommendation,
    organisation,
    action: str,
    due: datetime.date | None = None,
    actor=None,
) -> Commitment:
    """An organisation commits to act on a recommendation.

    Side effects: inserts a Commitment and its first update (the commitment itself)."""
    commitment = Commitment.objects.create(
        recommendation=recommendation,
        organisation=organisation,
        action=action.strip(),
        due=due,
        created_by=actor,
    )
    CommitmentUpdate.objects.create(
        commitment=commitment, status=commitment.status, text=commitment.action, author=actor
    )
    return commitment


@transaction.atomic
def update_commitment(*, commitment: Commitment, status: str, text: str, actor=None):
    """Report progress on a commitment and set its status.

    Side effects: inserts a CommitmentUpdate; updates the commitment's status."""
    update = CommitmentUpdate.objects.create(
        commitment=commitment, status=status, text=text.strip(), author=actor
    )
    commitment.status = status
    commitment.save(update_fields=["status", "updated_at"])
    return update


class HasCommitments(ValueError):
    """A recommendation organisations committed to stays: their follow-up points at it."""


@transaction.atomic
def delete_recommendation(*, recommendation: Recommendation) -> None:
    """Remove a recommendation entered by mistake; refused (``HasCommitments``) once an
    organisation has committed to act on it.

    Side effects: deletes the Recommendation (and its theme links)."""
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.commitments.exists():
        raise HasCommitments(recommendation.pk)
    locked.delete()


@transaction.atomic
def delete_priority(*, priority: Priority) -> None:
    """Remove a priority issue area. Side effects: deletes the Priority."""
    priority.delete()
