"""Finding things in the library: full-text search with facets, related works, recently
added.

The interface (pages, API and feeds call only these)::

    query = LibraryQuery.from_query(request.GET, language="km")
    result = search(query)   # SearchResult: total, items, facets, page, pages,
                             # searched_languages
    related(work, language="km", limit=5)
    recent(language="km", limit=10)
    library_changed([work.pk])  # after writes that skip signals (QuerySet.update)

One row per work: ``items`` are ``Resource`` objects (one language version each, with
``.work`` and its publisher loaded; ``extracted_text`` is deferred).

Which works, and which version of each:

- By default a reader sees the works that have a version in their language (the
  interface language), and that version. ``all_languages`` shows every work, each in
  the version ``queries.version_for`` picks for the reader (theirs, else English, else
  the first published).
- Ticking languages in the language facet replaces the default: the works that have a
  version in one of those languages, shown in one of them. The language facet's counts
  are the works with a (matching) version in each language, with every other filter
  applied, whatever languages are searched.
- A text query matches a version when every word of it occurs in the version's title,
  summary or extracted text, also inside longer runs of scripts written without spaces
  (Thai, Khmer, Lao, Burmese): "เด็ก" finds "การคุ้มครองเด็ก". A work matches when one
  of its versions in the languages searched matches, and is shown in one that matches.
- Only approved versions are ever indexed: an unapproved one is in no result and no
  count.

Facets (``FACETS``: language, type, topic, country, year, publisher) combine with AND
across facets and OR within one; each facet's counts apply every filter but its own.
Each facet lists its ticked values and its ``FACET_LIMIT`` most frequent ones. Publisher
values are the organisation's slug for publishers on the platform and the name as typed
(``Work.publisher_name``) for the others; years are ``published_on``'s.

Order: with a text query, by relevance: first the works with a version (in the languages
searched) that has every word in its title, then those with one that has every word in
its title or summary, then the others; each shown in such a version; most recently added
(the shown version's approval) first within each group. Without a query, or with
``sort="recent"``, most recently added first; ``sort="title"`` by the shown title.

How: every process holds an index of the published versions in memory (``current()``):
bitsets of works per facet value and per language, and per language a ``TextIndex``
each of titles, summaries and extracted texts (``commons/lib/textindex.py``). A search
is AND/OR of Python integers and reads the database once, for its page's rows. Writes
reach the index through signals (``signals.py``) and, in other processes, the change log
in the shared cache (``commons/lib/live_index.py``). At 100,000 versions with a few
hundred words of text each, a build takes about 15 s and 300-400 MB, a search with a
word and two facets under 10 ms, one with a common Thai word about 30 ms
(``bench/library.py``).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import json
import math
import sys
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commons.lib.geo import country_name
from commons.lib.languages import canonical_language, language_name
from commons.lib.live_index import LiveIndex, remembered, set_positions, stream
from commons.lib.textindex import TextIndex, TextIndexBuilder, distinct_words
from commons.lib.wordindex import positions_mask, words
from commons.library.models import Resource, Work

FACETS = {
    "language": _("Language"),
    "type": _("Type"),
    "topic": _("Topic"),
    "country": _("Country"),
    "year": _("Year"),
    "publisher": _("Publisher"),
}
SORTS = ("", "recent", "title")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_TERMS = 10


@dataclass
class LibraryQuery:
    q: str = ""
    language: str = ""  # the reader's language, for "available in my language" ("": any)
    all_languages: bool = False
    languages: list[str] = field(default_factory=list)  # the language facet (ISO 639)
    types: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)  # organisation slug or name
    sort: str = ""  # "" (relevance with a query, else recent), "recent", "title"
    page: int = 1
    page_size: int = PAGE_SIZE

    @classmethod
    def from_query(cls, params: Mapping, *, language: str) -> LibraryQuery:
        """A query from request parameters (``request.GET`` or a dict of lists):
        ``q``, ``all`` (1: all languages), ``sort``, ``page``, and the facets
        ``language``, ``type``, ``topic``, ``country``, ``year``, ``publisher``, each
        repeatable. Values that cannot be valid are dropped, never an error."""

        def many(name: str) -> list[str]:
            if hasattr(params, "getlist"):
                values = params.getlist(name)
            else:
                values = params.get(name) or []
                values = [values] if isinstance(values, str) else list(values)
            found = []
            for value in values:
                value = str(value).strip()[:200]
                if value and value not in found:
                    found.append(value)
            return found[:50]

        def one(name: str) -> str:
            values = many(name)
            return values[0] if values else ""

        languages = []
        for code in many("language"):
            canonical = canonical_language(code)
            if canonical and canonical not in languages:
                languages.append(canonical)
        page = one("page")
        sort = one("sort")
        return cls(
            q=one("q")[:200],
            language=(language or "en").split("-")[0].lower(),
            all_languages=one("all") in ("1", "true", "on", "yes"),
            languages=languages,
            types=[code for code in many("type") if code in Work.Type.values],
            topics=many("topic"),
            countries=[code.upper() for code in many("country") if len(code) == 2],
            years=[int(year) for year in many("year") if year.isdigit() and len(year) == 4],
            publishers=many("publisher"),
            sort=sort if sort in SORTS else "",
            page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    @property
    def terms(self) -> list[str]:
        """The words of the text query (at most ten)."""
        return words(self.q)[:MAX_TERMS]

    def filters(self) -> dict[str, list]:
        """Facet name -> the values ticked (the language facet included)."""
        return {
            "language": self.languages,
            "type": self.types,
            "topic": self.topics,
            "country": self.countries,
            "year": self.years,
            "publisher": self.publishers,
        }


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    total: int
    items: list[Resource]
    facets: dict[str, list[FacetValue]]  # FACETS' names, in that order
    page: int
    pages: int
    # The languages searched (the ticked ones, else the reader's); empty: every language.
    searched_languages: list[str] = field(default_factory=list)


# --- Labels -------------------------------------------------------------------------------


def facet_labels(name: str, codes, *, publishers: Mapping[str, str] | None = None) -> dict:
    """The label of each code of a facet, in the active language (``publishers``: the
    names of organisations by slug, when known)."""
    codes = [str(code) for code in codes]
    if name in ("language", "country"):
        active = get_language() or "en"
        return {code: _place_or_language_name(name, code, active) for code in codes}
    if name == "type":
        return {code: str(Work.Type(code).label) for code in codes if code in Work.Type.values}
    if name == "topic":
        return _topic_labels(codes)
    if name == "publisher":
        if publishers is not None:
            return {code: publishers.get(code, code) for code in codes}
        return _publisher_labels(codes)
    return {code: code for code in codes}


@functools.lru_cache(maxsize=8192)
def _place_or_language_name(facet: str, code: str, active: str) -> str:
    return country_name(code, active) if facet == "country" else language_name(code, active)


def _topic_labels(codes: list[str]) -> dict[str, str]:
    from commons.directory.vocabularies import Exploitation
    from commons.events.models import Theme

    labels = {}
    for code in codes:
        if code in Exploitation.values:
            labels[code] = str(Exploitation(code).label)
        elif code in Theme.CURATED:
            labels[code] = str(Theme.CURATED[code])
    others = [code for code in codes if code not in labels]
    if others:
        for theme in Theme.objects.filter(code__in=others):
            labels[theme.code] = theme.label
    return {code: labels.get(code, code) for code in codes}


def _publisher_labels(codes: list[str]) -> dict[str, str]:
    from commons.accounts.models import Organisation

    names = dict(Organisation.objects.filter(slug__in=codes).values_list("slug", "name"))
    return {code: names.get(code, code) for code in codes}


def publisher_code(work: Work) -> str:
    """The publisher facet's value of a work ("" when it has none)."""
    if work.publisher_id:
        return work.publisher.slug
    return work.publisher_name.strip()


# --- The interface ------------------------------------------------------------------------


def search(query: LibraryQuery) -> SearchResult:
    """Works matching the query, a page of them (one version each, without its
    ``extracted_text``, which is loaded only if read), with every facet's counts."""
    matching = _Matching(_live.current(), query)
    selected = matching.narrowed()
    total = selected.bit_count()
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    pages = page_count(total, size)
    page = min(max(query.page, 1), pages)
    order = "title" if query.sort == "title" else "recent"
    found: list[int] = []
    start, stop = (page - 1) * size, page * size
    for mask, candidates in matching.buckets(selected):
        count = mask.bit_count()
        if start < count:
            found += _take(matching.index, mask, candidates, query.language, order, start, stop)
        start, stop = max(0, start - count), stop - count
        if stop <= 0:
            break
    return SearchResult(
        total=total,
        items=_load(matching.index, found),
        facets=matching.facets(),
        page=page,
        pages=pages,
        searched_languages=matching.searched,
    )


def related(work: Work, *, language: str, limit: int = 5) -> list[Resource]:
    """Other works sharing the most topics, countries and type with ``work`` (a topic
    weighs three, a country or the type one), best overlap first; at equal overlap those
    with a version in the reader's language first, then the most recently added. Each
    in the version the reader is shown.

    The overlap is counted with bitsets: each shared value adds its works' bitset to a
    binary counter held as one bitset per binary digit, so that every score is a few
    operations on integers, whatever the number of works."""
    index = _live.current()
    allowed = index.everyone
    if work.pk in index.position:
        allowed &= ~(1 << index.position[work.pk])
    counter: list[int] = []
    facets = index.facets
    weighted = [(facets["topic"].get(code, 0), 3) for code in set(work.topics or ())]
    weighted += [(facets["country"].get(code, 0), 1) for code in set(work.countries or ())]
    weighted.append((facets["type"].get(work.type, 0), 1))
    for mask, weight in weighted:
        for _time in range(weight):
            _add(counter, mask & allowed)
    lane = index.lanes.get(language)
    mine = lane.present if lane is not None else 0
    found: list[int] = []
    for score in range((1 << len(counter)) - 1, 0, -1):
        exact = allowed
        for digit, bits in enumerate(counter):
            exact &= bits if score >> digit & 1 else ~bits
        for group in (exact & mine, exact & ~mine):
            if group and len(found) < limit:
                found += _take(index, group, None, language, "recent", 0, limit - len(found))
        if len(found) >= limit:
            break
    return _load(index, found)


def recent(*, language: str, limit: int = 10) -> list[Resource]:
    """The most recently added works that have a version in ``language``, in it."""
    index = _live.current()
    lane = index.lanes.get(language)
    if lane is None:
        return []
    mask = lane.present & index.everyone
    return _load(index, _take(index, mask, {language: mask}, language, "recent", 0, limit))


def library_changed(pks: Iterable[int] | None = None) -> None:
    """Works ``pks`` (or any, with None) changed: the index reads them again (this
    process at its next search, the others once the transaction commits)."""
    _live.changed(pks)


def reset() -> None:
    """Forget this process's index."""
    _live.reset()


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def _add(counter: list[int], mask: int) -> None:
    """Add one to the counter (a bitset per binary digit) at every position of
    ``mask``."""
    carry = mask
    for digit, bits in enumerate(counter):
        if not carry:
            return
        counter[digit], carry = bits ^ carry, bits & carry
    if carry:
        counter.append(carry)


# --- Answering a query from the index --------------------------------------------------------


class _Matching:
    """What a query selects in the index: the works, the versions to show, the counts."""

    def __init__(self, index: LibraryIndex, query: LibraryQuery):
        self.index, self.query = index, query
        self.terms = query.terms
        if query.languages:
            self.searched = list(query.languages)
        elif query.all_languages or not query.language:
            self.searched = []
        else:
            self.searched = [query.language]
        self.lanes = self.searched or list(index.lanes)
        self.chosen: dict[str, int] = {}
        for name, codes in query.filters().items():
            if codes and name != "language":
                values = index.facets.get(name, {})
                mask = 0
                for code in codes:
                    mask |= values.get(str(code), 0)
                self.chosen[name] = mask
        self._base: int | None = None

    def matched(self, language: str) -> tuple[int, int, int]:
        """The works whose version in ``language`` has every word of the text: anywhere,
        in the title, in the title or summary."""
        lane = self.index.lanes.get(language)
        if lane is None:
            return 0, 0, 0
        if not self.terms:
            return lane.present, lane.present, lane.present
        return remembered(
            self.index, ("text", language, *self.terms), lambda: lane.match(self.terms)
        )

    def base(self) -> int:
        """The works with a matching version in the languages searched."""
        if self._base is None:
            if not self.searched and not self.terms:
                mask = self.index.everyone
            else:
                mask = 0
                for language in self.lanes:
                    mask |= self.matched(language)[0]
            self._base = mask & self.index.everyone
        return self._base

    def narrowed(self, *, without: str = "") -> int:
        """The works of every filter but ``without``'s (the language facet's counts see
        the works matching in any language)."""
        if without == "language":
            if self.terms:
                mask = 0
                for language in self.index.lanes:
                    mask |= self.matched(language)[0]
                mask &= self.index.everyone
            else:
                mask = self.index.everyone
        else:
            mask = self.base()
        for name, chosen in self.chosen.items():
            if name != without:
                mask &= chosen
        return mask

    def buckets(self, selected: int) -> list[tuple[int, dict[str, int]]]:
        """The works in the order of their groups (by relevance: every word in the
        title, then in the title or summary, then anywhere), each group with the
        versions that may be shown for it, by language."""
        relevance = bool(self.terms) and self.query.sort == ""
        if not relevance:
            return [(selected, {language: self.matched(language)[0] for language in self.lanes})]
        titles = {language: self.matched(language)[1] for language in self.lanes}
        summaries = {language: self.matched(language)[2] for language in self.lanes}
        in_titles = in_summaries = 0
        for language in self.lanes:
            in_titles |= titles[language]
            in_summaries |= summaries[language]
        first = selected & in_titles
        second = selected & in_summaries & ~first
        rest = selected & ~in_titles & ~in_summaries
        anywhere = {language: self.matched(language)[0] for language in self.lanes}
        return [(first, titles), (second, summaries), (rest, anywhere)]

    def facets(self) -> dict[str, list[FacetValue]]:
        """Each facet's values with their counts (every filter applied but the facet's
        own), the ticked ones first, then the most frequent (at most ``FACET_LIMIT``)."""
        index = self.index
        facets = {}
        for name in FACETS:
            mask = self.narrowed(without=name)
            counts: dict[str, int] = {}
            if mask and name == "language":
                for language in index.lanes:
                    if count := (mask & self.matched(language)[0]).bit_count():
                        counts[language] = count
            elif mask:
                counts = index.count_values(name, mask)
            selected = {str(code) for code in self.query.filters()[name]}
            shown = sorted(counts, key=lambda code: -counts[code])[:FACET_LIMIT]
            codes = set(shown) | selected
            labels = facet_labels(name, codes, publishers=index.publisher_names)
            found = [
                FacetValue(
                    code=code,
                    label=labels.get(code, code),
                    count=counts.get(code, 0),
                    selected=code in selected,
                )
                for code in codes
            ]
            if name == "year":
                found.sort(key=lambda value: value.code, reverse=True)
            else:
                found.sort(key=lambda value: (not value.selected, -value.count, value.label))
            facets[name] = found
        return facets


def _take(
    index: LibraryIndex,
    mask: int,
    candidates: dict[str, int] | None,
    reader: str,
    order: str,
    start: int,
    stop: int,
) -> list[int]:
    """The versions to show for the works of ``mask``, from ``start`` to ``stop`` in
    ``order`` ("recent" or "title") of the version shown. The version shown for a work
    is chosen among ``candidates`` (language -> the works whose version in it may be
    shown; None: any version) as ``queries.version_for`` chooses: the reader's, else
    English, else the first published.

    A few thousand works are sorted directly; more are found by walking the versions in
    that order, which stops as soon as the page is full."""
    size = (index.size + 7) // 8
    allowed = (
        None
        if candidates is None
        else {language: bits.to_bytes(size, "little") for language, bits in candidates.items()}
    )

    def shown(where: int) -> int | None:
        first = english = None
        for version in index.versions_of[where]:
            language = index.version_language[version]
            if allowed is not None:
                bits = allowed.get(language)
                if bits is None or not bits[where >> 3] >> (where & 7) & 1:
                    continue
            if language == reader:
                return version
            if first is None:
                first = version
            if language == "en":
                english = version
        return english if english is not None else first

    key = index.title_key if order == "title" else index.recent_key
    walk = index.by_title if order == "title" else index.by_recent
    count = mask.bit_count()
    # Sorting costs about six steps of a walk a work; a walk takes about
    # len(walk) * stop / count steps to fill the page.
    if count <= SORT_DIRECTLY and 6 * count * count <= stop * len(walk):
        versions = [shown(where) for where in set_positions(mask, index.size)]
        versions = sorted((v for v in versions if v is not None), key=key)
        return versions[start:stop]
    bits = mask.to_bytes(size, "little")
    found: list[int] = []
    seen = 0
    positions = index.version_position
    for version in walk:
        where = positions[version]
        if bits[where >> 3] >> (where & 7) & 1 and shown(where) == version:
            if seen >= start:
                found.append(version)
                if len(found) >= stop - start:
                    break
            seen += 1
    return found


def _load(index: LibraryIndex, versions: list[int]) -> list[Resource]:
    """The versions' rows, in that order (those unpublished since the index read them
    are left out)."""
    pks = [index.version_pk[version] for version in versions]
    # By key alone: a filter on the status may lead SQLite to read every published row.
    found = (
        Resource.objects.select_related("work", "work__publisher")
        .defer("extracted_text")
        .in_bulk(pks)
    )
    return [found[pk] for pk in pks if pk in found and found[pk].status == Resource.Status.APPROVED]


# --- The index --------------------------------------------------------------------------------


@dataclass
class Lane:
    """The versions in one language: the works that have one, and their words (the
    title's, the summary's, the extracted text's), by work position."""

    present: int = 0
    title: TextIndex = field(default_factory=TextIndex)
    summary: TextIndex = field(default_factory=TextIndex)
    body: TextIndex = field(default_factory=TextIndex)

    def match(self, terms: list[str]) -> tuple[int, int, int]:
        """(every term anywhere, every term in the title, every term in the title or
        summary), as bitsets of works."""
        anywhere = titles = summaries = -1  # every bit set
        for term in terms:
            title = self.title.match(term)
            summary = title | self.summary.match(term)
            titles &= title
            summaries &= summary
            anywhere &= summary | self.body.match(term)
            if not anywhere:
                return 0, 0, 0
        return anywhere & self.present, titles & self.present, summaries & self.present


@dataclass
class LibraryIndex:
    """Every work with a published version, at a position (a bit of every bitset), and
    its published versions, by an id (their place in the ``version_*`` lists).

    Retiring a work (it changed) clears its position from ``everyone`` only: every
    answer is AND-ed with it, so the old bits elsewhere are never counted. The lists
    only grow and are shared with the index refreshed from this one."""

    epoch: str
    sequence: int
    built_at: float = field(default_factory=time.monotonic)
    pks: list[int] = field(default_factory=list)  # position -> work
    position: dict[int, int] = field(default_factory=dict)  # work -> its position
    versions_of: list[tuple[int, ...]] = field(default_factory=list)  # by resource pk
    everyone: int = 0
    facets: dict[str, dict[str, int]] = field(
        default_factory=lambda: {name: {} for name in WORK_FACETS}
    )
    # For each facet, the values of each position: counting a few works' values is
    # cheaper than AND-ing thousands of bitsets (publishers).
    values_at: dict[str, list[tuple[str, ...]]] = field(
        default_factory=lambda: {name: [] for name in WORK_FACETS}
    )
    publisher_names: dict[str, str] = field(default_factory=dict)  # slug -> organisation
    lanes: dict[str, Lane] = field(default_factory=dict)
    version_pk: list[int] = field(default_factory=list)
    version_position: list[int] = field(default_factory=list)
    version_language: list[str] = field(default_factory=list)
    version_stamp: list[float] = field(default_factory=list)  # approval, as a timestamp
    version_title: list[str] = field(default_factory=list)  # case-folded
    by_recent: list[int] = field(default_factory=list)  # current versions, newest first
    by_title: list[int] = field(default_factory=list)
    retired: int = 0
    text_cache: OrderedDict = field(default_factory=OrderedDict)

    @property
    def size(self) -> int:
        return len(self.pks)

    def count_values(self, facet: str, mask: int) -> dict[str, int]:
        """How many works of ``mask`` have each value of ``facet`` (none with 0)."""
        values = self.facets[facet]
        counts: dict[str, int] = {}
        if mask.bit_count() < 3 * len(values):
            values_at = self.values_at[facet]
            for where in set_positions(mask, self.size):
                for code in values_at[where]:
                    counts[code] = counts.get(code, 0) + 1
            return counts
        for code, bits in values.items():
            if count := (mask & bits).bit_count():
                counts[code] = count
        return counts

    def recent_key(self, version: int) -> tuple[float, int]:
        return -self.version_stamp[version], -self.version_pk[version]

    def title_key(self, version: int) -> tuple[str, int]:
        return self.version_title[version], self.version_pk[version]


WORK_FACETS = ("type", "topic", "country", "year", "publisher")
# A file's text is read up to here, and its distinct words up to this many.
MAX_TEXT_CHARACTERS = 2_000_000
MAX_BODY_WORDS = 20_000
SORT_DIRECTLY = 5_000  # works up to this many are sorted, not found along an order
FACET_LIMIT = 100  # values of a facet listed (and any ticked one)


def _work_rows(pks: list[int] | None):
    works = Work.objects.order_by("pk")
    if pks is not None:
        works = works.filter(pk__in=pks)
    return stream(
        works.values_list(
            "pk",
            "type",
            "topics",
            "countries",
            "published_on",
            "publisher__slug",
            "publisher__name",
            "publisher_name",
        )
    )


def _version_rows(pks: list[int] | None):
    versions = Resource.objects.filter(status=Resource.Status.APPROVED).order_by("work_id", "pk")
    if pks is not None:
        versions = versions.filter(work_id__in=pks)
    return stream(
        versions.values_list(
            "pk", "work_id", "language", "title", "summary", "extracted_text", "approved_at"
        ),
        chunk=1_000,
    )


def _json_list(value) -> list:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else []


def _year(value) -> str:
    if value is None:
        return ""
    return value[:4] if isinstance(value, str) else str(value.year)


def _timestamp(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, str):  # SQLite hands out text
        value = datetime.fromisoformat(value)
    return value.timestamp()


class _Writer:
    """Indexes works at new positions, after the index's last one.

    Facet bits are collected in bytearrays that cover only the new positions and are
    OR-ed into the index's integers by ``finish``. Words go straight into postings when
    the index is new (a build), or into each lane's word index as new documents (a
    refresh)."""

    def __init__(self, index: LibraryIndex):
        self.index = index
        self.start = index.size
        self.offset = self.start & ~7  # whole bytes
        self.arrays: dict[tuple[str, str], bytearray] = {}
        self.words: dict[tuple[str, str], TextIndexBuilder] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.new_versions: list[int] = []

    def shared(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """``codes``, as one tuple however many works have just these."""
        found = self.tuples.get(codes)
        if found is None:
            found = self.tuples[codes] = tuple(sys.intern(code) for code in codes)
        return found

    def set(self, key: tuple[str, str], where: int) -> None:
        array = self.arrays.get(key)
        if array is None:
            array = self.arrays[key] = bytearray(64)
        byte = (where - self.offset) >> 3
        if byte >= len(array):
            array.extend(bytes(byte + 1))
        array[byte] |= 1 << (where & 7)

    def add_words(self, language: str, part: str, where: int, found: list[str]) -> None:
        builder = self.words.get((language, part))
        if builder is None:
            builder = self.words[(language, part)] = TextIndexBuilder()
        builder.add(where, found)

    def work(self, row, versions: list[tuple]) -> None:
        """Index one work and its published versions (rows of ``_version_rows``)."""
        pk, type_, topics, countries, published_on, slug, organisation, publisher = row
        index = self.index
        where = index.size
        index.pks.append(pk)
        index.position[pk] = where
        self.set(("everyone", ""), where)
        if slug:
            index.publisher_names[slug] = organisation
        year = _year(published_on)
        values = {
            "type": (type_,),
            "topic": tuple(dict.fromkeys(str(topic) for topic in _json_list(topics))),
            "country": tuple(dict.fromkeys(str(country) for country in _json_list(countries))),
            "year": (year,) if year else (),
            "publisher": (slug,) if slug else (publisher.strip(),) if publisher.strip() else (),
        }
        for name, codes in values.items():
            index.values_at[name].append(self.shared(codes))
            for code in codes:
                self.set((name, code), where)
        ids = []
        for version_pk, _work, language, title, summary, text, approved_at in versions:
            language = sys.intern(language)
            version = len(index.version_pk)
            ids.append(version)
            index.version_pk.append(version_pk)
            index.version_position.append(where)
            index.version_language.append(language)
            index.version_stamp.append(_timestamp(approved_at))
            index.version_title.append(title.casefold())
            self.new_versions.append(version)
            self.set(("lane", language), where)
            self.add_words(language, "title", where, distinct_words(title))
            self.add_words(language, "summary", where, distinct_words(summary))
            body = (text or "")[:MAX_TEXT_CHARACTERS]
            self.add_words(language, "body", where, distinct_words(body, MAX_BODY_WORDS))
        index.versions_of.append(tuple(ids))

    def works(self, work_rows, version_rows) -> None:
        """Index the works of ``work_rows`` (by pk) that have published versions
        (``version_rows``, by work): a work without one is in no answer."""
        versions = itertools.groupby(version_rows, key=lambda row: row[1])
        rows = iter(work_rows)
        row = next(rows, None)
        for work_pk, group in versions:
            while row is not None and row[0] < work_pk:
                row = next(rows, None)
            if row is not None and row[0] == work_pk:
                self.work(row, list(group))

    def finish(self) -> None:
        index = self.index
        for (name, code), bits in self.arrays.items():
            mask = int.from_bytes(bits, "little") << self.offset
            if name == "everyone":
                index.everyone |= mask
            elif name == "lane":
                lane = index.lanes[code] = dataclasses.replace(index.lanes.get(code) or Lane())
                lane.present |= mask
            else:
                values = index.facets[name]
                values[code] = values.get(code, 0) | mask
        for (language, part), builder in self.words.items():
            lane = index.lanes[language]
            before = getattr(lane, part)
            setattr(lane, part, builder.index(before if before.size else None))


def build(epoch: str, sequence: int) -> LibraryIndex:
    """Read every published version (tens of seconds at 100,000 with their texts)."""
    index = LibraryIndex(epoch=epoch, sequence=sequence)
    writer = _Writer(index)
    works = _work_rows(None)
    writer.works(works, _version_rows(None))
    for _rest in works:  # let the cursor finish
        pass
    writer.finish()
    index.by_recent = sorted(writer.new_versions, key=index.recent_key)
    index.by_title = sorted(writer.new_versions, key=index.title_key)
    return index


def refreshed(index: LibraryIndex, pks: set[int]) -> LibraryIndex:
    """A copy of ``index`` in which these works are read afresh: each one's old position
    is retired and the work, if it still has a published version, indexed at a new
    one."""
    pks = sorted(pk for pk in pks if pk is not None)
    new = dataclasses.replace(
        index,
        facets={name: dict(values) for name, values in index.facets.items()},
        publisher_names=dict(index.publisher_names),
        lanes=dict(index.lanes),
        text_cache=OrderedDict(),
    )
    retire = [new.position.pop(pk) for pk in pks if pk in new.position]
    gone = {version for where in retire for version in index.versions_of[where]}
    if retire:
        new.everyone &= ~positions_mask(retire, new.size)
        new.retired += len(retire)
    writer = _Writer(new)
    writer.works(list(_work_rows(pks)), list(_version_rows(pks)))
    writer.finish()
    new.by_recent = [version for version in index.by_recent if version not in gone]
    new.by_title = [version for version in index.by_title if version not in gone]
    for version in writer.new_versions:
        bisect.insort(new.by_recent, version, key=new.recent_key)
        bisect.insort(new.by_title, version, key=new.title_key)
    return new


_live = LiveIndex("library", build=build, refresh=refreshed)


def current() -> LibraryIndex:
    """The index as the library is now (built, refreshed or rebuilt first if needed)."""
    return _live.current()
