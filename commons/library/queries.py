"""Reads of the library that depend on who is asking: shared by pages, feeds and API.

Searching (text, facets, ranking) is ``search.py``; this module says what a person may
see and which language version they are shown.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from commons.accounts.models import Membership
from commons.core.errors import deny
from commons.library import rules
from commons.library.models import Collection, Resource, TranslationRequest, Work


def published() -> QuerySet[Resource]:
    """What everyone sees: approved versions."""
    return Resource.objects.filter(status=Resource.Status.APPROVED)


def resources_for(user) -> QuerySet[Resource]:
    """Versions this person may see: the published ones, their own submissions, those
    submitted for their organisations; every version for moderators."""
    if rules.can_moderate(user):
        return Resource.objects.all()
    visible = Q(status=Resource.Status.APPROVED)
    if user.is_authenticated:
        mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
            "organisation"
        )
        visible |= Q(submitted_by=user) | Q(submitted_for__in=mine)
    return Resource.objects.filter(visible)


def version_for(versions: list[Resource], language: str) -> Resource | None:
    """The version to show a reader of ``language``: theirs when it exists, else English,
    else the first published; ``versions`` are those the reader may see."""
    if not versions:
        return None
    by_language = {v.language: v for v in versions}
    base = language.split("-")[0]
    for code in (language, base, "en"):
        if code in by_language:
            return by_language[code]
    return sorted(versions, key=lambda v: (v.approved_at is None, v.pk))[0]


def get_work_for_user(request, slug: str) -> tuple[Work, list[Resource]]:
    """The work and the versions this person may see; 404 when they may see none."""
    work = Work.objects.filter(slug=slug).select_related("publisher").first()
    if work is None:
        raise Http404
    versions = list(resources_for(request.user).filter(work=work).order_by("language"))
    if not versions:
        deny(request, target=work, reason="no visible version", not_found=True)
    return work, versions


def get_resource_for_user(request, slug: str, language: str) -> Resource:
    resource = (
        Resource.objects.select_related("work", "work__publisher")
        .filter(work__slug=slug, language=language)
        .first()
    )
    if resource is None:
        raise Http404
    if not rules.can_see_resource(request.user, resource):
        deny(request, target=resource, reason="unpublished resource", not_found=True)
    return resource


def get_resource_to_edit(request, slug: str, language: str) -> Resource:
    resource = get_resource_for_user(request, slug, language)
    if not rules.can_edit_resource(request.user, resource):
        deny(request, target=resource, reason="cannot edit this resource")
    return resource


def moderation_queue() -> QuerySet[Resource]:
    return (
        Resource.objects.filter(status=Resource.Status.SUBMITTED)
        .select_related("work", "submitted_by", "submitted_for")
        .order_by("created_at", "pk")
    )


def submissions_of(user) -> QuerySet[Resource]:
    if not user.is_authenticated:
        return Resource.objects.none()
    return (
        Resource.objects.filter(submitted_by=user)
        .select_related("work")
        .order_by("-created_at", "-pk")
    )


def translation_requests(work: Work) -> list[tuple[str, int]]:
    """(language, how many people asked) for the languages the work lacks, most asked
    first."""
    existing = set(work.versions.values_list("language", flat=True))
    rows = (
        TranslationRequest.objects.filter(work=work)
        .exclude(language__in=existing)
        .values_list("language")
        .annotate(n=Count("pk"))
        .order_by("-n", "language")
    )
    return list(rows)


def collections_for(user) -> QuerySet[Collection]:
    if rules.can_moderate(user):
        return Collection.objects.all()
    visible = Q(is_published=True)
    if user.is_authenticated:
        visible |= Q(curator=user)
    return Collection.objects.filter(visible)


def get_collection_for_user(request, slug: str) -> Collection:
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None:
        raise Http404
    if not rules.can_see_collection(request.user, collection):
        deny(request, target=collection, reason="unpublished collection", not_found=True)
    return collection


def get_collection_to_edit(request, slug: str) -> Collection:
    collection = get_collection_for_user(request, slug)
    if not rules.can_edit_collection(request.user, collection):
        deny(request, target=collection, reason="cannot edit this collection")
    return collection
