"""Newsletter issues: opening a draft, proposing its content from the period's
published posts, and choosing what each subscriber receives of it."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from commons.lib.text import render_markdown
from commons.news.models import Post
from commons.news.queries import published_posts
from commons.newsletter.models import Issue, IssueItem, Subscriber

Section = IssueItem.Section

SECTION_OF_KIND = {
    Post.Kind.NEWS: Section.NEWS,
    Post.Kind.FIELD_REPORT: Section.FIELD_REPORTS,
    Post.Kind.OPPORTUNITY: Section.OPPORTUNITIES,
    Post.Kind.ANNOUNCEMENT: Section.ANNOUNCEMENTS,
}
SECTION_ORDER = [Section.ANNOUNCEMENTS, Section.NEWS, Section.FIELD_REPORTS, Section.OPPORTUNITIES]

# Every subscriber can read these posts, whatever language they chose.
COMMON_LANGUAGE = "en"


def create_issue(
    *,
    subject: str,
    period_start: datetime.date,
    period_end: datetime.date,
    introduction: str = "",
    created_by=None,
) -> Issue:
    """Side effects: creates a draft ``Issue`` with its introduction rendered to
    sanitised HTML."""
    return Issue.objects.create(
        subject=subject,
        introduction=introduction,
        introduction_html=render_markdown(introduction),
        period_start=period_start,
        period_end=period_end,
        created_by=created_by,
    )


@transaction.atomic
def propose_items(issue: Issue) -> list[IssueItem]:
    """Fill a draft with the public posts published in its period, one section per kind
    (announcements first), newest first within a section. Opportunities whose deadline
    has already passed are left out, as in the listings.

    Side effects: replaces the issue's items.
    """
    posts = published_posts(AnonymousUser()).filter(
        published_at__date__gte=issue.period_start, published_at__date__lte=issue.period_end
    )
    by_section: dict[str, list[Post]] = {section: [] for section in SECTION_ORDER}
    for post in posts:
        by_section[SECTION_OF_KIND[post.kind]].append(post)
    issue.items.all().delete()
    items = []
    for section in SECTION_ORDER:
        for post in by_section[section]:
            items.append(IssueItem(issue=issue, post=post, section=section, order=len(items)))
    return IssueItem.objects.bulk_create(items)


def issue_items(issue: Issue) -> list[IssueItem]:
    """The issue's items with their posts, in order: load once, filter per subscriber."""
    return list(issue.items.select_related("post").order_by("order", "pk"))


def _language(code: str) -> str:
    return (code or "").split("-")[0].lower()


def items_for(
    issue: Issue, subscriber: Subscriber, *, items: list[IssueItem] | None = None
) -> list[IssueItem]:
    """What ``subscriber`` receives of ``issue`` (``items`` from ``issue_items`` saves a
    query per subscriber when sending):

    - posts in the subscriber's language and posts in English, which every subscriber is
      assumed to read (a subscriber whose language has no post still gets the English
      ones; posts in a third language are left out);
    - posts on at least one of the subscriber's topics; no topics chosen means all of
      them. Announcements go to everyone: they are what "major" means;
    - only announcements for a subscriber who asked for major announcements only.
    """
    items = issue_items(issue) if items is None else items
    languages = {_language(subscriber.language), COMMON_LANGUAGE}
    topics = set(subscriber.topics or [])
    major_only = subscriber.frequency == Subscriber.Frequency.MAJOR
    chosen = []
    for item in items:
        post = item.post
        if _language(post.language) not in languages:
            continue
        if item.section == Section.ANNOUNCEMENTS:
            chosen.append(item)
            continue
        if major_only:
            continue
        if topics and not topics.intersection(post.topics or []):
            continue
        chosen.append(item)
    return chosen


def sections(items: list[IssueItem]) -> list[tuple[str, list[IssueItem]]]:
    """``items`` grouped by section, as (section label, items) in the issue's order."""
    grouped = []
    for section in SECTION_ORDER:
        found = [item for item in items if item.section == section]
        if found:
            grouped.append((Section(section).label, found))
    return grouped
