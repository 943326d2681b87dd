"""Who receives the newsletter. Only confirmed subscribers ever do."""

from django.db.models import Q, QuerySet
from django.http import Http404

from commons.core.errors import deny
from commons.events.models import Event
from commons.library.models import Resource
from commons.news.models import Post
from commons.newsletter import rules
from commons.newsletter.issues import issue_items
from commons.newsletter.models import Issue, IssueItem, Subscriber


def confirmed_subscribers() -> QuerySet[Subscriber]:
    """Every confirmed subscriber: the only addresses an issue may be sent to."""
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)


def _any_of(field: str, codes) -> Q:
    """Subscribers who chose none (they want everything) or at least one of ``codes``.
    A JSON list of codes serialises each as ``"code"``: matching the quoted code works
    on SQLite and PostgreSQL alike."""
    wanted = Q(**{field: []})
    for code in codes:
        wanted |= Q(**{f"{field}__icontains": f'"{code}"'})
    return wanted


def subscribers_for(
    *,
    topics=None,
    regions=None,
    language: str | None = None,
    frequency: str | None = None,
) -> QuerySet[Subscriber]:
    """Confirmed subscribers interested in something about any of ``topics`` and any of
    ``regions`` (a subscriber who chose no topics or no regions takes them all), reading
    ``language`` and receiving ``frequency``, each when given."""
    found = confirmed_subscribers()
    if topics:
        found = found.filter(_any_of("topics", topics))
    if regions:
        found = found.filter(_any_of("regions", regions))
    if language:
        found = found.filter(language=language)
    if frequency:
        found = found.filter(frequency=frequency)
    return found


def subscription_of(user) -> Subscriber | None:
    """The subscription of a member's account address, if there is one."""
    if not user.is_authenticated or not user.email:
        return None
    return Subscriber.objects.filter(email__iexact=user.email).first()


# --- Issues ---------------------------------------------------------------------------


def get_issue_for_editor(request, pk: int) -> Issue:
    """An issue, for the news editors only (403 for anyone else, 404 if there is none)."""
    if not rules.can_edit_issues(request.user):
        deny(request, reason="newsletter issues are for editors")
    issue = Issue.objects.filter(pk=pk).first()
    if issue is None:
        raise Http404
    return issue


def sent_issues() -> QuerySet[Issue]:
    """The public archive: issues that have gone out, newest first."""
    return Issue.objects.filter(status=Issue.Status.SENT).order_by("-sent_at", "-pk")


def get_sent_issue(pk: int) -> Issue:
    """A sent issue of the archive; drafts and issues still going out are 404."""
    issue = sent_issues().filter(pk=pk).first()
    if issue is None:
        raise Http404
    return issue


def _still_public(item: IssueItem) -> bool:
    post, event, resource = item.post, item.event, item.resource
    if post is not None:
        return post.status == Post.Status.PUBLISHED and post.audience == Post.Audience.PUBLIC
    if event is not None:
        return event.status != Event.Status.DRAFT
    if resource is not None:
        return resource.status == Resource.Status.APPROVED
    return True


def archived_items(issue: Issue) -> list[IssueItem]:
    """The entries of a sent issue that the archive (page and API) shows everyone, in
    order: every entry, not one subscriber's share, less those whose source is no longer
    public: a post unpublished since or now for members only, an event back to draft, a
    library resource no longer approved. Entries the editor wrote (no source) stay. A
    cancelled event stays: its page still says so. What went out by e-mail is not
    changed, only what the archive shows from now on."""
    return [item for item in issue_items(issue) if _still_public(item)]
