"""Reads of discussions that depend on who is asking: shared by the pages, the search
and the API, so that visibility is decided in one place (with ``rules.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from commons.core.errors import deny
from commons.core.queries import json_list_has
from commons.discussions import rules
from commons.discussions.models import (
    Attachment,
    Category,
    Message,
    Notification,
    Participant,
    ReadMark,
    Thread,
)

# The curated categories' names in every interface language (the database holds the
# English ones); a category added later is shown by its stored name.
CATEGORY_LABELS = {
    "field-updates": _("Field updates"),
    "help-requests": _("Requests for help and referrals"),
    "introductions": _("Introductions"),
    "research-data": _("Research and data"),
    "crisis-response": _("Crisis response"),
}
CATEGORY_DESCRIPTIONS = {
    "field-updates": _("News from the frontline: what you see, what changed, what worked."),
    "help-requests": _("Ask for a hand, a contact or a referral for someone you support."),
    "introductions": _("Who you are and what your organisation does."),
    "research-data": _("Studies, data sets and methods: share them and ask about them."),
    "crisis-response": _("Coordinating during a crisis: rescues, evacuations, emergencies."),
}


class SignInRequired(Exception):
    """A signed-out visitor asked for something members may read: the view sends them
    to the sign-in page."""


def category_label(category: Category) -> str:
    return str(CATEGORY_LABELS.get(category.slug, category.name))


def category_description(category: Category) -> str:
    return str(CATEGORY_DESCRIPTIONS.get(category.slug, category.description))


def labelled(category: Category) -> Category:
    """The category with ``label`` and ``blurb`` in the reader's language, for templates."""
    category.label = category_label(category)
    category.blurb = category_description(category)
    return category


def readable_categories(user) -> QuerySet[Category]:
    found = Category.objects.all()
    if not rules.is_member(user):
        found = found.filter(audience=Category.Audience.PUBLIC)
    return found.order_by("order", "name")


def visible_threads(user) -> QuerySet[Thread]:
    """Visible threads in the categories this person may read, latest activity first."""
    found = Thread.objects.filter(is_visible=True).select_related("category", "author")
    if not rules.is_member(user):
        found = found.filter(category__audience=Category.Audience.PUBLIC)
    return found.order_by("-last_activity_at", "-pk")


@dataclass
class ThreadFilters:
    category: str = ""  # a category's slug
    tag: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> ThreadFilters:
        return cls(**{n: str(params.get(n) or "").strip()[:200] for n in cls.__dataclass_fields__})


def threads_for(user, filters: ThreadFilters) -> QuerySet[Thread]:
    found = visible_threads(user)
    if filters.category:
        found = found.filter(category__slug=filters.category)
    if filters.tag:
        found = found.filter(json_list_has("tags", filters.tag))
    if filters.q:
        from commons.discussions import search

        found = found.filter(pk__in=search.matching_thread_pks(user, filters.q))
    return found


def _refuse(request, *, target, reason: str, not_found: bool = False):
    if not request.user.is_authenticated:
        raise SignInRequired
    deny(request, target=target, reason=reason, not_found=not_found)


def get_category_for_user(request, slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404
    if not rules.can_read_category(request.user, category):
        _refuse(request, target=category, reason="members-only category")
    return labelled(category)


def get_thread_for_user(request, pk: int) -> Thread:
    """A thread the person may read: a members-only one sends the signed-out to sign in
    and refuses others (403); a hidden or held one is not found (404) for those who may
    not see it."""
    thread = Thread.objects.select_related("category", "author").filter(pk=pk).first()
    if thread is None:
        raise Http404
    if not rules.can_read_category(request.user, thread.category):
        _refuse(request, target=thread, reason="members-only thread")
    if not rules.can_read_thread(request.user, thread):
        deny(request, target=thread, reason="thread not visible", not_found=True)
    labelled(thread.category)
    return thread


def can_see_message(user, message: Message) -> bool:
    """Whether the message's text is shown: published ones to the thread's readers,
    held ones to their author, every one to moderators."""
    if message.status == Message.Status.PUBLISHED:
        return True
    if rules.can_moderate(user):
        return True
    return (
        message.status == Message.Status.HELD
        and user.is_authenticated
        and message.author_id == user.pk
    )


def get_message_for_user(request, pk: int) -> Message:
    message = Message.objects.select_related("thread", "thread__category", "author").filter(pk=pk)
    message = message.first()
    if message is None:
        raise Http404
    get_thread_for_user(request, message.thread_id)
    if not can_see_message(request.user, message):
        deny(request, target=message, reason="message not visible", not_found=True)
    return message


def get_attachment_for_user(request, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    get_message_for_user(request, attachment.message_id)
    return attachment


def messages_of(user, thread: Thread) -> list[Message]:
    """The thread's messages in order, as this person sees them: held ones only for
    their author (and moderators); hidden and deleted ones stay in place, with
    ``shown`` False, so the conversation keeps its shape."""
    found = (
        thread.messages.select_related("author", "organisation", "quotes", "quotes__author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    messages = []
    for message in found:
        if message.status == Message.Status.HELD and not can_see_message(user, message):
            continue
        message.shown = can_see_message(user, message)
        messages.append(message)
    return messages


def read_marks(user, threads) -> dict[int, ReadMark]:
    if not user.is_authenticated:
        return {}
    pks = [thread.pk for thread in threads]
    return {mark.thread_id: mark for mark in ReadMark.objects.filter(user=user, thread_id__in=pks)}


def with_unread(user, threads: list[Thread]) -> list[Thread]:
    """Each thread with ``is_new`` (never opened) and ``unread`` (published replies
    since it was last opened) for a signed-in person; both empty for others."""
    for thread in threads:
        thread.is_new, thread.unread = False, 0
    if not user.is_authenticated or not threads:
        return threads
    marks = read_marks(user, threads)
    unread_of: dict[int, int] = {}
    condition = Q()
    for thread in threads:
        mark = marks.get(thread.pk)
        if mark is None:
            thread.is_new = True
        elif thread.last_activity_at and thread.last_activity_at > mark.read_at:
            condition |= Q(thread_id=thread.pk, published_at__gt=mark.read_at)
    if condition:
        unread_of = dict(
            Message.objects.filter(condition, status=Message.Status.PUBLISHED)
            .values("thread_id")
            .annotate(n=Count("pk"))
            .values_list("thread_id", "n")
        )
    for thread in threads:
        thread.unread = unread_of.get(thread.pk, 0)
    return threads


def people_to_mention(user, thread: Thread | None, q: str, *, limit: int = 10) -> list:
    """Participants whose handle or name starts with ``q``, among the people who may
    read the thread (members-only: active members and moderators)."""
    q = q.strip().lstrip("@")
    if not q:
        return []
    found = Participant.objects.select_related("user").filter(user__is_active=True)
    found = found.filter(Q(handle__istartswith=q) | Q(user__name__istartswith=q))
    if thread is None or thread.category.audience == Category.Audience.MEMBERS:
        found = found.filter(
            Q(user__memberships__status="active")
            | Q(user__is_moderator=True)
            | Q(user__is_staff=True)
        )
    return list(found.distinct().order_by("handle")[:limit])


def unread_notifications(user) -> int:
    """How many of the person's notifications they have not read (0 when signed out)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
