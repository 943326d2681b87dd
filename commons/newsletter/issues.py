"""Newsletter issues: opening a draft, proposing its content from the period's published
posts, new events and new library resources, editing it, and choosing what each
subscriber receives of it."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commons.events.models import Event
from commons.lib.geo import Region, regions_of
from commons.lib.text import render_markdown
from commons.library.queries import published
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
SECTION_ORDER = [
    Section.ANNOUNCEMENTS,
    Section.NEWS,
    Section.FIELD_REPORTS,
    Section.OPPORTUNITIES,
    Section.EVENTS,
    Section.RESOURCES,
]

# Every subscriber can read entries in this language, whatever language they chose.
COMMON_LANGUAGE = "en"
# Besides those announced in the period, an issue lists the events of the weeks after it.
EVENTS_AHEAD = datetime.timedelta(weeks=4)


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


def update_issue(issue: Issue, *, subject: str, introduction: str) -> Issue:
    """Side effects: saves the subject and the introduction, rendered again."""
    issue.subject = subject
    issue.introduction = introduction
    issue.introduction_html = render_markdown(introduction)
    issue.save(update_fields=["subject", "introduction", "introduction_html", "updated_at"])
    return issue


def _in_period(issue: Issue, field: str) -> Q:
    return Q(**{f"{field}__date__gte": issue.period_start, f"{field}__date__lte": issue.period_end})


def _post_entries(issue: Issue) -> list[IssueItem]:
    """Public posts published in the period; opportunities already closed are left out,
    as in the listings."""
    posts = published_posts(AnonymousUser()).filter(_in_period(issue, "published_at"))
    return [
        IssueItem(
            section=SECTION_OF_KIND[post.kind],
            title=post.title,
            summary=post.summary,
            languages=[post.language],
            topics=post.topics,
            regions=regions_of(post.countries),
            post=post,
        )
        for post in posts.order_by("-published_at", "-pk")
    ]


def _event_entries(issue: Issue) -> list[IssueItem]:
    """Published events still to come after the period that were announced in it, or
    that start within ``EVENTS_AHEAD`` of its end; soonest first."""
    end = timezone.make_aware(datetime.datetime.combine(issue.period_end, datetime.time.max))
    events = (
        Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=end)
        .filter(_in_period(issue, "created_at") | Q(starts_at__lte=end + EVENTS_AHEAD))
        .prefetch_related("themes")
        .order_by("starts_at", "pk")
    )
    entries = []
    for event in events:
        regions = [event.region] if event.region and event.region != Region.GLOBAL else []
        entries.append(
            IssueItem(
                section=Section.EVENTS,
                title=event.title,
                summary=event.summary[:1000],
                languages=list(event.languages),
                topics=[theme.code for theme in event.themes.all()],
                regions=regions or regions_of(event.countries),
                event=event,
            )
        )
    return entries


def _resource_entries(issue: Issue) -> list[IssueItem]:
    """Library resources (language versions) published in the period, newest first."""
    resources = (
        published()
        .filter(_in_period(issue, "approved_at"))
        .select_related("work")
        .order_by("-approved_at", "-pk")
    )
    return [
        IssueItem(
            section=Section.RESOURCES,
            title=resource.title,
            summary=resource.summary[:1000],
            languages=[resource.language],
            topics=resource.work.topics,
            regions=[
                region
                for region in resource.work.regions or regions_of(resource.work.countries)
                if region != Region.GLOBAL
            ],
            resource=resource,
        )
        for resource in resources
    ]


@transaction.atomic
def propose_items(issue: Issue) -> list[IssueItem]:
    """Fill a draft with what the period brought: public posts by section (announcements
    first), upcoming events and new library resources.

    Side effects: replaces the issue's entries, the editor's own ones included.
    """
    proposed = _post_entries(issue) + _event_entries(issue) + _resource_entries(issue)
    issue.items.all().delete()
    items = []
    for section in SECTION_ORDER:
        for item in proposed:
            if item.section == section:
                item.issue, item.order = issue, len(items)
                items.append(item)
    return IssueItem.objects.bulk_create(items)


def add_item(issue: Issue, **fields) -> IssueItem:
    """Side effects: adds an entry the editor wrote at the end of its section's entries
    (the order numbers of the issue's later entries are pushed back by one)."""
    item = IssueItem(issue=issue, **fields)
    section_index = SECTION_ORDER.index(item.section)
    later = set(SECTION_ORDER[section_index + 1 :])
    with transaction.atomic():
        entries = list(issue.items.select_for_update().order_by("order", "pk"))
        position = sum(1 for entry in entries if entry.section not in later)
        item.order = position
        for entry in entries[position:]:
            entry.order += 1
        IssueItem.objects.bulk_update(entries[position:], ["order"])
        item.save()
    return item


def move_item(item: IssueItem, *, up: bool) -> None:
    """Side effects: swaps the entry with the one before (``up``) or after it in its
    section; nothing happens at the section's edge."""
    with transaction.atomic():
        siblings = list(
            IssueItem.objects.select_for_update()
            .filter(issue_id=item.issue_id, section=item.section)
            .order_by("order", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        orders = sorted(sibling.order for sibling in siblings)
        # orders may repeat after an edit elsewhere: number them apart, in place
        if len(set(orders)) < len(orders):
            orders = [orders[0] + i for i in range(len(orders))]
        for sibling, order in zip(siblings, orders, strict=True):
            sibling.order = order
        IssueItem.objects.bulk_update(siblings, ["order"])


def issue_items(issue: Issue) -> list[IssueItem]:
    """The issue's entries with their sources, in order: load once, filter per
    subscriber."""
    return list(
        issue.items.select_related("post__organisation", "event", "resource__work").order_by(
            "order", "pk"
        )
    )


def _language(code: str) -> str:
    return (code or "").split("-")[0].lower()


def items_for(
    issue: Issue, subscriber: Subscriber, *, items: list[IssueItem] | None = None
) -> list[IssueItem]:
    """What ``subscriber`` receives of ``issue`` (``items`` from ``issue_items`` saves a
    query per subscriber when sending):

    - entries in the subscriber's language and entries in English, which every
      subscriber is assumed to read (posts in a third language are left out); an entry
      with no language (an event interpreted into many, say) is for everyone;
    - entries on at least one of the subscriber's topics, and entries about no topic in
      particular; no topics chosen means all of them;
    - entries about at least one of the subscriber's regions, and global entries (no
      region); no regions chosen means all of them;
    - announcements go to everyone who reads their language: they are what "major"
      means, and the only entries for a subscriber who asked for major announcements.
    """
    items = issue_items(issue) if items is None else items
    languages = {_language(subscriber.language), COMMON_LANGUAGE}
    topics = set(subscriber.topics or [])
    regions = set(subscriber.regions or []) - {Region.GLOBAL}
    major_only = subscriber.frequency == Subscriber.Frequency.MAJOR
    chosen = []
    for item in items:
        if item.languages and not languages.intersection(map(_language, item.languages)):
            continue
        if item.section == Section.ANNOUNCEMENTS:
            chosen.append(item)
            continue
        if major_only:
            continue
        if topics and item.topics and not topics.intersection(item.topics):
            continue
        if regions and item.regions and not regions.intersection(item.regions):
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
