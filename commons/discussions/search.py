"""Finding threads: the words of their titles, tags and published messages, with the
platform's search engine (``lib/textindex.TextIndex`` kept current in every process by
``lib/live_index.LiveIndex``, as the library's search).

The interface::

    result = search(user, q="hotline", category="field-updates", page=1)
    # SearchResult: total, items (threads), page, pages
    matching_thread_pks(user, "hotline")   # for the API's ``q``
    discussions_changed([thread.pk])        # after writes that skip signals

Only visible threads are indexed, and only the published messages of each (held,
hidden and deleted ones are in no answer). A thread matches when every word of the
query occurs in its title, tags or one of its published messages, also inside longer
runs of scripts written without spaces. Results are the threads of the categories the
person may read (a bitset per category), latest activity first; the page's rows are
read again through ``queries.visible_threads`` so that nothing the person may not read
is ever shown, even from an index a moment old.

Writes reach the index through the signals below (any save of a thread or message);
``QuerySet.update`` callers call ``discussions_changed`` themselves.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commons.discussions import queries, rules
from commons.discussions.models import Category, Message, Thread
from commons.lib.live_index import LiveIndex, remembered, set_positions, stream
from commons.lib.textindex import TextIndex, distinct_words
from commons.lib.wordindex import positions_mask, words

PAGE_SIZE = 20
MAX_TERMS = 10
MAX_WORDS = 20_000  # distinct words of one thread


@dataclass
class DiscussionIndex:
    epoch: str
    sequence: int
    built_at: float = field(default_factory=time.monotonic)
    retired: int = 0
    pks: list[int] = field(default_factory=list)  # position -> thread pk
    position: dict[int, int] = field(default_factory=dict)
    stamps: list[float] = field(default_factory=list)  # position -> last activity
    live: int = 0  # positions of threads indexed now
    categories: dict[int, int] = field(default_factory=dict)  # category pk -> positions
    text: TextIndex = field(default_factory=TextIndex)
    text_cache: OrderedDict = field(default_factory=OrderedDict)

    @property
    def size(self) -> int:
        return len(self.pks)


@dataclass
class SearchResult:
    total: int
    items: list[Thread]
    page: int
    pages: int


def _timestamp(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, str):  # SQLite hands out text
        value = datetime.fromisoformat(value)
    return value.timestamp()


def _rows(pks: list[int] | None):
    threads = Thread.objects.filter(is_visible=True).order_by("pk")
    messages = Message.objects.filter(
        status=Message.Status.PUBLISHED, thread__is_visible=True
    ).order_by("thread_id", "pk")
    if pks is not None:
        threads, messages = threads.filter(pk__in=pks), messages.filter(thread_id__in=pks)
    bodies: defaultdict[int, list[str]] = defaultdict(list)
    for thread_pk, body in stream(messages.values_list("thread_id", "body")):
        bodies[thread_pk].append(body)
    for pk, category, title, tags, last in stream(
        threads.values_list("pk", "category_id", "title", "tags", "last_activity_at")
    ):
        if isinstance(tags, str):
            tags = json.loads(tags)
        text = " ".join([title, " ".join(tags or []), *bodies.get(pk, [])])
        yield pk, category, _timestamp(last), distinct_words(text, MAX_WORDS)


def _add(index: DiscussionIndex, rows) -> None:
    documents = {}
    for pk, category, stamp, found in rows:
        where = index.size
        index.pks.append(pk)
        index.position[pk] = where
        index.stamps.append(stamp)
        index.live |= 1 << where
        index.categories[category] = index.categories.get(category, 0) | 1 << where
        documents[where] = found
    if documents:
        index.text = index.text.with_documents(documents)


def build(epoch: str, sequence: int) -> DiscussionIndex:
    index = DiscussionIndex(epoch=epoch, sequence=sequence)
    _add(index, list(_rows(None)))
    return index


def refreshed(index: DiscussionIndex, pks: set[int]) -> DiscussionIndex:
    """A copy in which these threads are read afresh (old positions retired)."""
    pks_list = sorted(pk for pk in pks if pk is not None)
    new = dataclasses.replace(
        index,
        pks=list(index.pks),
        position=dict(index.position),
        stamps=list(index.stamps),
        categories=dict(index.categories),
        text_cache=OrderedDict(),
    )
    retire = [new.position.pop(pk) for pk in pks_list if pk in new.position]
    if retire:
        new.live &= ~positions_mask(retire, new.size)
        new.retired += len(retire)
    _add(new, list(_rows(pks_list)))
    return new


_live = LiveIndex("discussions", build=build, refresh=refreshed)


def current() -> DiscussionIndex:
    return _live.current()


def discussions_changed(pks: Iterable[int] | None = None) -> None:
    """Threads ``pks`` (None: any) changed: the index reads them again."""
    _live.changed(pks)


def reset() -> None:
    _live.reset()


def _allowed(index: DiscussionIndex, user, category: Category | None) -> int:
    if category is not None:
        if not rules.can_read_category(user, category):
            return 0
        return index.live & index.categories.get(category.pk, 0)
    readable = queries.readable_categories(user).values_list("pk", flat=True)
    mask = 0
    for pk in readable:
        mask |= index.categories.get(pk, 0)
    return index.live & mask


def _matching(index: DiscussionIndex, terms: list[str]) -> int:
    mask = index.live
    for term in terms:
        mask &= remembered(index, term, lambda term=term: index.text.match(term))
        if not mask:
            break
    return mask


def _ordered(index: DiscussionIndex, user, q: str, category: Category | None) -> list[int]:
    terms = words(q)[:MAX_TERMS]
    mask = _allowed(index, user, category)
    if terms:
        mask &= _matching(index, terms)
    positions = set_positions(mask, index.size) if mask else []
    positions.sort(key=lambda where: (-index.stamps[where], -index.pks[where]))
    return [index.pks[where] for where in positions]


def matching_thread_pks(user, q: str, *, category: Category | None = None) -> list[int]:
    """The pks of the threads this person may read that match ``q``, latest first."""
    return _ordered(current(), user, q, category)


def search(
    user, *, q: str, category: Category | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchResult:
    found = matching_thread_pks(user, q, category=category)
    total = len(found)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    chosen = found[(page - 1) * page_size : page * page_size]
    rows = queries.visible_threads(user).filter(pk__in=chosen).select_related("category")
    by_pk = {thread.pk: thread for thread in rows}
    items = [by_pk[pk] for pk in chosen if pk in by_pk]
    for thread in items:
        queries.labelled(thread.category)
    return SearchResult(total=total, items=items, page=page, pages=pages)


@receiver(post_save, sender=Thread, dispatch_uid="discussions_index_thread_saved")
@receiver(post_delete, sender=Thread, dispatch_uid="discussions_index_thread_deleted")
def thread_changed(sender, instance, **kwargs):
    discussions_changed([instance.pk])


@receiver(post_save, sender=Message, dispatch_uid="discussions_index_message_saved")
@receiver(post_delete, sender=Message, dispatch_uid="discussions_index_message_deleted")
def message_changed(sender, instance, **kwargs):
    discussions_changed([instance.thread_id])
