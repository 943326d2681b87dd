"""Reads of journey records for the people allowed them: a contributing organisation's
own batches and routes (exact counts), never anyone else's."""

from __future__ import annotations

from django.db.models import Count, Sum

from commons.accounts.models import Membership, Organisation
from commons.core.errors import deny
from commons.journeys.models import Batch, Record


def contributing_organisations(user):
    """The verified organisations this person contributes for (and may manage)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        verified_at__isnull=False,
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def batches_for_user(user):
    return (
        Batch.objects.filter(organisation__in=contributing_organisations(user))
        .select_related("organisation", "created_by")
        .order_by("-created_at")
    )


def get_batch_for_user(request, batch_id: int) -> Batch:
    """A batch of the person's own organisation; 404 (audited) for any other."""
    batch = batches_for_user(request.user).filter(pk=batch_id).first()
    if batch is None:
        deny(request, reason="journey batch of another organisation", not_found=True)
    return batch


def own_routes(organisation) -> list[dict]:
    """The organisation's own routes with exact counts (people, records), largest
    first: recruitment country → exploitation country."""
    return list(
        Record.objects.filter(organisation=organisation)
        .values("recruitment_country", "exploitation_country")
        .annotate(people=Sum("count"), records=Count("id"))
        .order_by("-people", "recruitment_country", "exploitation_country")
    )


def import_progress(user, progress_id: int):
    """A background import's progress and report, for the person who uploaded the file
    only: its rejected rows quote the file's cells (not even staff see them)."""
    from django.urls import reverse

    from commons.core.queries import own_job_report

    return own_job_report(user, progress_id, reverse("journeys:import_report", args=[progress_id]))
