"""News endpoint: published posts with the listing's filters. The same query as the news
page decides what a caller sees: members-only posts need a signed-in caller (a personal
API token), and opportunities past their deadline are no longer listed."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from commons.core.api_schemas import InvalidOut
from commons.news import queries
from commons.news.models import Post

router = Router(tags=["news"])
MAX_PAGE_SIZE = 100


class PostParams(Schema):
    kind: str = Field("", description=", ".join(Post.Kind.values))
    language: str = Field("", description="ISO 639-1.")
    topic: str = Field("", description="A topic code (as for the library).")
    country: str = Field("", description="ISO 3166-1 alpha-2.")
    organisation: str = Field("", description="The slug of the organisation that wrote it.")
    q: str = Field("", description="Words in the title or summary.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class OrganisationRef(Schema):
    slug: str
    name: str


class PostOut(Schema):
    slug: str
    url: str
    kind: str
    opportunity_type: str = Field(
        ..., description="For opportunities: " + ", ".join(Post.Opportunity.values)
    )
    title: str
    summary: str
    body_html: str = Field(..., description="The text as sanitised HTML.")
    source_url: str
    deadline: str | None = Field(..., description="For opportunities, ISO 8601 date.")
    how_to_apply: str
    language: str
    countries: list[str]
    topics: list[str]
    audience: str = Field(..., description="public, or members (signed-in callers only).")
    organisation: OrganisationRef | None
    published_at: str = Field(..., description="ISO 8601, UTC.")


class PostsOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PostOut]


def _post(request, post: Post) -> dict:
    organisation = post.organisation
    return {
        "slug": post.slug,
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "kind": post.kind,
        "opportunity_type": post.opportunity_type,
        "title": post.title,
        "summary": post.summary,
        "body_html": post.body_html,
        "source_url": post.source_url,
        "deadline": post.deadline.isoformat() if post.deadline else None,
        "how_to_apply": post.how_to_apply,
        "language": post.language,
        "countries": post.countries,
        "topics": post.topics,
        "audience": post.audience,
        "organisation": (
            {"slug": organisation.slug, "name": organisation.name} if organisation else None
        ),
        "published_at": post.published_at.astimezone(datetime.UTC).isoformat(),
    }


@router.get(
    "/posts",
    response={200: PostsOut, 422: InvalidOut},
    url_name="posts",
    summary="Published news, field reports, opportunities and announcements",
)
def posts(request, params: Query[PostParams]):
    filters = queries.PostFilters.from_query(params.dict())
    found = queries.posts_for(request.user, filters)
    paginated = Paginator(found, params.page_size).get_page(params.page)
    return {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
        "items": [_post(request, post) for post in paginated.object_list],
    }
