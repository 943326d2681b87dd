"""Newsletter endpoint: the archive of sent issues. What a caller sees is what the
archive page shows everyone (queries.sent_issues, queries.archived_items): drafts and
issues being sent are 404, and entries whose source is no longer public are left out."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from commons.core.api_schemas import ErrorOut, InvalidOut
from commons.newsletter import issues, queries
from commons.newsletter.models import Issue, IssueItem

router = Router(tags=["newsletter"])
MAX_PAGE_SIZE = 100


class IssueParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class IssueSummaryOut(Schema):
    id: int
    url: str = Field(..., description="The issue's page in the archive.")
    subject: str
    sent_at: str = Field(..., description="ISO 8601, UTC.")
    period_start: str = Field(..., description="ISO 8601 date.")
    period_end: str = Field(..., description="ISO 8601 date.")


class IssuesOut(Schema):
    count: int
    page: int
    pages: int
    items: list[IssueSummaryOut]


class EntryOut(Schema):
    title: str
    summary: str
    url: str = Field(..., description="The page of its post, event or resource, or a link.")
    section: str = Field(..., description=", ".join(IssueItem.Section.values))
    languages: list[str] = Field(..., description="ISO 639-1; empty for any language.")
    topics: list[str]
    regions: list[str]


class SectionOut(Schema):
    section: str
    label: str = Field(..., description="The section's name in the request's language.")
    entries: list[EntryOut]


class IssueOut(IssueSummaryOut):
    introduction_html: str = Field(..., description="The introduction as sanitised HTML.")
    sections: list[SectionOut]


def _summary(request, issue: Issue) -> dict:
    return {
        "id": issue.pk,
        "url": request.build_absolute_uri(reverse("newsletter:archived_issue", args=[issue.pk])),
        "subject": issue.subject,
        "sent_at": issue.sent_at.astimezone(datetime.UTC).isoformat(),
        "period_start": issue.period_start.isoformat(),
        "period_end": issue.period_end.isoformat(),
    }


def _entry(item: IssueItem) -> dict:
    return {
        "title": item.title,
        "summary": item.summary,
        "url": item.href,
        "section": item.section,
        "languages": item.languages,
        "topics": item.topics,
        "regions": item.regions,
    }


@router.get(
    "/newsletter/issues",
    response={200: IssuesOut, 422: InvalidOut},
    url_name="newsletter_issues",
    summary="Newsletter issues that have gone out, newest first",
)
def issue_list(request, params: Query[IssueParams]):
    paginated = Paginator(queries.sent_issues(), params.page_size).get_page(params.page)
    return {
        "count": paginated.paginator.count,
        "page": paginated.number,
        "pages": paginated.paginator.num_pages,
        "items": [_summary(request, issue) for issue in paginated.object_list],
    }


@router.get(
    "/newsletter/issues/{id}",
    response={200: IssueOut, 404: ErrorOut, 422: InvalidOut},
    url_name="newsletter_issue",
    summary="One sent issue: its introduction and its public entries by section",
)
def issue_detail(request, id: int):
    issue = queries.get_sent_issue(id)
    items = queries.archived_items(issue)
    return {
        **_summary(request, issue),
        "introduction_html": issue.introduction_html,
        "sections": [
            {
                "section": entries[0].section,
                "label": str(label),
                "entries": [_entry(item) for item in entries],
            }
            for label, entries in issues.sections(items)
        ],
    }
