"""Library endpoints: the search page's filters and facets, and one work with its language
versions. The same search and visibility queries as the pages decide what a caller sees:
the list holds published versions only; a work's answer adds the unpublished versions
the caller may see (their own submissions, their organisation's, every one for
moderators).

Unlike the pages, which show the works in the reader's interface language by default,
the list shows every work in every language unless ``language`` is given: a script has
no interface language, and one language is a parameter away.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from commons.core.api_schemas import ErrorOut, InvalidOut
from commons.lib.languages import canonical_language
from commons.library import queries
from commons.library import search as library_search
from commons.library.models import Author, Resource, Work

router = Router(tags=["library"])
MAX_PAGE_SIZE = library_search.MAX_PAGE_SIZE


class ResourceParams(Schema):
    """Every facet takes one or more values (repeat the parameter: ``type=toolkit&type=guide``);
    values within a facet are alternatives, facets combine."""

    q: str = Field(
        "",
        description="Words to find in titles, summaries and the text of files, in any "
        "script (also inside Thai, Khmer, Lao or Burmese text written without spaces). "
        "Titles rank above summaries, summaries above file text.",
    )
    language: list[str] = Field(
        [],
        description="ISO 639-1: only works with a published version in one of these "
        "languages, each shown in that version (the first given when it has several). "
        "Without it: every work, shown in English when it exists, else in its first "
        "published language.",
    )
    type: list[str] = Field([], description=", ".join(Work.Type.values))
    topic: list[str] = Field(
        [], description="Topic codes: forms of exploitation and themes (see the facets)."
    )
    country: list[str] = Field([], description="Countries covered, ISO 3166-1 alpha-2.")
    year: list[int] = Field([], description="Years of publication.")
    publisher: list[str] = Field(
        [],
        description="A publisher's organisation slug, or its name when it is not on the "
        "platform (see the facets).",
    )
    sort: str = Field(
        "",
        description="Empty: by relevance with q, else most recently added; recent; title.",
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(library_search.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class PublisherOut(Schema):
    slug: str | None = Field(..., description="When the publisher is on the platform.")
    name: str


class AuthorOut(Schema):
    name: str
    organisation: str | None = Field(..., description="The organisation's slug, when linked.")


class ResourceSummary(Schema):
    work: str = Field(..., description="The work's slug (one work, many language versions).")
    language: str = Field(..., description="This version's language, ISO 639-1.")
    title: str
    summary: str
    type: str
    topics: list[str]
    countries: list[str]
    regions: list[str]
    publisher: PublisherOut | None
    authors: list[AuthorOut]
    published_on: str | None = Field(..., description="ISO 8601 date.")
    licence: str
    url: str = Field(..., description="This version's page.")
    file_url: str | None = Field(..., description="Download of its file, when it has one.")
    external_url: str | None = Field(..., description="Its link, when it has one.")
    other_languages: list[str] = Field(..., description="Other published versions.")


class FacetValueOut(Schema):
    code: str
    label: str
    count: int
    selected: bool


class ResourcesOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ResourceSummary]
    facets: dict[str, list[FacetValueOut]] = Field(
        ...,
        description="language, type, topic, country, year, publisher: the works each value "
        "would give with every other filter applied.",
    )


class VersionOut(Schema):
    language: str
    title: str
    summary: str
    status: str = Field(
        ...,
        description="approved; submitted or rejected only for its submitter, the "
        "organisation it was submitted for and moderators.",
    )
    approved_at: str | None = Field(..., description="When it was published, ISO 8601.")
    url: str
    file_url: str | None
    file_name: str
    file_type: str
    file_size: int | None
    external_url: str | None
    cover_url: str | None


class RequestedOut(Schema):
    language: str
    count: int = Field(..., description="How many people asked for it.")


class WorkOut(Schema):
    slug: str
    url: str
    type: str
    topics: list[str]
    countries: list[str]
    regions: list[str]
    publisher: PublisherOut | None
    authors: list[AuthorOut]
    published_on: str | None
    licence: str
    versions: list[VersionOut] = Field(..., description="By language.")
    translations_requested: list[RequestedOut] = Field(
        ..., description="Languages people asked for that the work lacks, most asked first."
    )


def _publisher(work: Work) -> dict | None:
    if work.publisher_id:
        return {"slug": work.publisher.slug, "name": work.publisher.name}
    if work.publisher_name:
        return {"slug": None, "name": work.publisher_name}
    return None


def _authors_of(work_ids) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for author in Author.objects.filter(work_id__in=work_ids).select_related("organisation"):
        found.setdefault(author.work_id, []).append(
            {
                "name": author.name,
                "organisation": author.organisation.slug if author.organisation_id else None,
            }
        )
    return found


def _work_fields(work: Work, authors: list[dict]) -> dict:
    return {
        "type": work.type,
        "topics": work.topics,
        "countries": work.countries,
        "regions": work.regions,
        "publisher": _publisher(work),
        "authors": authors,
        "published_on": work.published_on.isoformat() if work.published_on else None,
        "licence": work.licence,
    }


def _utc(moment) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _links(request, resource: Resource, slug: str) -> dict:
    kwargs = {"slug": slug, "language": resource.language}
    return {
        "url": request.build_absolute_uri(reverse("library:resource", kwargs=kwargs)),
        "file_url": request.build_absolute_uri(reverse("library:file", kwargs=kwargs))
        if resource.file
        else None,
        "external_url": resource.external_url or None,
    }


@router.get(
    "/resources",
    response={200: ResourcesOut, 422: InvalidOut},
    url_name="resources",
    summary="Search the library: published resources with facet counts",
)
def resources(request, params: Query[ResourceParams]):
    query = library_search.LibraryQuery.from_query(request.GET, language="en")
    # An unknown language code matches nothing, rather than dropping the filter and
    # answering with every language.
    query.languages = list(
        dict.fromkeys(canonical_language(code) or code.lower() for code in params.language)
    )
    query.all_languages = not query.languages
    query.language = query.languages[0] if query.languages else "en"
    query.page, query.page_size = params.page, params.page_size
    result = library_search.search(query)
    work_ids = [item.work_id for item in result.items]
    authors = _authors_of(work_ids)
    languages: dict[int, list[str]] = {}
    for work_id, language in (
        queries.published().filter(work_id__in=work_ids).values_list("work_id", "language")
    ):
        languages.setdefault(work_id, []).append(language)
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "items": [
            {
                "work": item.work.slug,
                "language": item.language,
                "title": item.title,
                "summary": item.summary,
                **_work_fields(item.work, authors.get(item.work_id, [])),
                **_links(request, item, item.work.slug),
                "other_languages": sorted(
                    code for code in languages.get(item.work_id, []) if code != item.language
                ),
            }
            for item in result.items
        ],
        "facets": {
            name: [
                {"code": v.code, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in result.facets.items()
        },
    }


@router.get(
    "/resources/{slug:slug}",
    response={200: WorkOut, 404: ErrorOut},
    url_name="resource_detail",
    summary="One work with the language versions the caller may see",
)
def resource_detail(request, slug: str):
    work, versions = queries.get_work_for_user(request, slug)
    return {
        "slug": work.slug,
        "url": request.build_absolute_uri(work.get_absolute_url()),
        **_work_fields(work, _authors_of([work.pk]).get(work.pk, [])),
        "versions": [
            {
                "language": version.language,
                "title": version.title,
                "summary": version.summary,
                "status": version.status,
                "approved_at": _utc(version.approved_at),
                **_links(request, version, work.slug),
                "file_name": version.file_name,
                "file_type": version.file_type,
                "file_size": version.file_size,
                "cover_url": request.build_absolute_uri(
                    reverse(
                        "library:cover",
                        kwargs={"slug": work.slug, "language": version.language},
                    )
                )
                if version.cover
                else None,
            }
            for version in versions
        ],
        "translations_requested": [
            {"language": language, "count": count}
            for language, count in queries.translation_requests(work)
        ],
    }
