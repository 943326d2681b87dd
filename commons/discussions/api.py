"""Discussions endpoints: the threads a caller may read, and one thread with its published
messages. The pages' queries decide what a caller sees: members-only categories need a
member's personal API token (or session); held, hidden and deleted messages are never
listed."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema

from commons.core.api_schemas import ErrorOut, InvalidOut
from commons.discussions import queries
from commons.discussions.models import Message

router = Router(tags=["discussions"])
MAX_PAGE_SIZE = 100


class ThreadParams(Schema):
    category: str = Field("", description="A category's slug.")
    tag: str = Field("", description="A tag.")
    q: str = Field("", description="Words in the title, tags or messages.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class CategoryRef(Schema):
    slug: str
    name: str
    audience: str = Field(..., description="public, or members (members' tokens only).")


class ThreadOut(Schema):
    id: int
    url: str
    title: str
    category: CategoryRef
    tags: list[str]
    reply_count: int
    is_locked: bool
    last_activity_at: str | None = Field(..., description="ISO 8601, UTC.")


class ThreadsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ThreadOut]


class MessageOut(Schema):
    id: int
    author: str = Field(..., description="The author's display name.")
    organisation: str | None
    body_html: str = Field(..., description="The text as sanitised HTML.")
    published_at: str = Field(..., description="ISO 8601, UTC.")
    quotes: int | None = Field(..., description="The id of the message it quotes.")


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]


def _iso(value) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _thread(request, thread) -> dict:
    return {
        "id": thread.pk,
        "url": request.build_absolute_uri(thread.get_absolute_url()),
        "title": thread.title,
        "category": {
            "slug": thread.category.slug,
            "name": queries.category_label(thread.category),
            "audience": thread.category.audience,
        },
        "tags": thread.tags,
        "reply_count": thread.reply_count,
        "is_locked": thread.is_locked,
        "last_activity_at": _iso(thread.last_activity_at),
    }


@router.get(
    "/discussions/threads",
    response={200: ThreadsOut, 422: InvalidOut},
    url_name="discussion_threads",
    summary="Discussion threads the caller may read, latest activity first",
)
def threads(request, params: Query[ThreadParams]):
    filters = queries.ThreadFilters.from_query(params.dict())
    found = queries.threads_for(request.user, filters)
    paginated = Paginator(found, params.page_size).get_page(params.page)
    return {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
        "items": [_thread(request, thread) for thread in paginated.object_list],
    }


@router.get(
    "/discussions/threads/{id}",
    response={200: ThreadDetailOut, 404: ErrorOut, 422: InvalidOut},
    url_name="discussion_thread",
    summary="A discussion thread with its published messages",
)
def thread(request, id: int):
    found = queries.visible_threads(request.user).filter(pk=id).first()
    if found is None:
        raise Http404
    messages = (
        found.messages.filter(status=Message.Status.PUBLISHED)
        .select_related("author", "organisation")
        .order_by("created_at", "pk")
    )
    return {
        **_thread(request, found),
        "messages": [
            {
                "id": message.pk,
                "author": message.author.name if message.author else "",
                "organisation": message.organisation.name if message.organisation else None,
                "body_html": message.body_html,
                "published_at": _iso(message.published_at),
                "quotes": message.quotes_id,
            }
            for message in messages
        ],
    }
