"""Reads of posts that depend on who is asking: shared by listings, feeds and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commons.core.errors import deny
from commons.core.queries import json_list_has
from commons.news import rules
from commons.news.models import Post


def published_posts(user, *, today: datetime.date | None = None) -> QuerySet[Post]:
    """Published posts this person may read, newest first. An opportunity whose deadline
    has passed is no longer listed (its page still answers)."""
    today = today or timezone.localdate()
    found = Post.objects.filter(status=Post.Status.PUBLISHED)
    if not user.is_authenticated:
        found = found.filter(audience=Post.Audience.PUBLIC)
    found = found.exclude(kind=Post.Kind.OPPORTUNITY, deadline__lt=today)
    return found.select_related("organisation").order_by("-published_at", "-pk")


@dataclass
class PostFilters:
    kind: str = ""
    language: str = ""
    topic: str = ""
    country: str = ""
    organisation: str = ""  # an organisation's slug
    q: str = ""

    @classmethod
    def from_query(cls, params) -> PostFilters:
        return cls(**{name: (params.get(name) or "").strip() for name in cls.__dataclass_fields__})

    def as_query(self) -> dict[str, str]:
        return {n: getattr(self, n) for n in self.__dataclass_fields__ if getattr(self, n)}


def posts_for(user, filters: PostFilters) -> QuerySet[Post]:
    found = published_posts(user)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.topic:
        found = found.filter(json_list_has("topics", filters.topic))
    if filters.country:
        found = found.filter(json_list_has("countries", filters.country))
    if filters.organisation:
        found = found.filter(organisation__slug=filters.organisation)
    if filters.q:
        found = found.filter(Q(title__icontains=filters.q) | Q(summary__icontains=filters.q))
    return found


def get_post_for_user(request, slug: str) -> Post:
    post = Post.objects.select_related("organisation", "author").filter(slug=slug).first()
    if post is None:
        raise Http404
    if not rules.can_read_post(request.user, post):
        deny(request, target=post, reason="post not visible", not_found=True)
    return post


def get_post_to_edit(request, slug: str) -> Post:
    post = get_post_for_user(request, slug)
    if not rules.can_edit_post(request.user, post):
        deny(request, target=post, reason="cannot edit this post")
    return post


def editors_queue() -> QuerySet[Post]:
    return (
        Post.objects.filter(status=Post.Status.SUBMITTED)
        .select_related("author", "organisation")
        .order_by("created_at", "pk")
    )


def posts_of(user) -> QuerySet[Post]:
    if not user.is_authenticated:
        return Post.objects.none()
    return Post.objects.filter(author=user).order_by("-created_at", "-pk")
