"""An in-memory index of the directory: the whole search, text included, without SQL.

Every organisation gets a bit position; every facet value (a country, a service, a
network …) is a Python integer used as a bitset of the organisations that have it, and
every word of the organisations' texts has its positions in a ``WordIndex``. Filtering is
AND/OR of integers and a facet count is ``(mask & value).bit_count()``, both done in C
over 100,000 bits in microseconds; a search with text, four facets and the counts of all
eleven facets reads the database once, for the 25 organisations of its page.

Keeping it current: every write to the directory's tables calls ``directory_changed``
with the organisations it touched (see ``signals.py``). The process that wrote refreshes
them at its next search (one inside a transaction that may yet roll back reads them
again at the following search); on commit the change is also published in the shared
cache as a numbered entry of a change log, which every other process applies at its
next search.
Refreshing an organisation retires its old position and indexes it afresh at a new one,
which costs milliseconds; the index is rebuilt from scratch (seconds at 100,000
organisations) only when it is first needed, when the change log has a gap (the cache
was cleared, or a process slept through more changes than the log keeps), after many
refreshes, or, with a cache that other processes cannot see (local memory), every
``live_index.LOCAL_MAX_AGE_SECONDS`` in case another process (a command-line import)
wrote. The change log and the keeping current are ``commons/lib/live_index.py``'s,
which the library's search shares.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import sys
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from commons.lib import live_index
from commons.lib.live_index import LiveIndex, set_positions, stream
from commons.lib.wordindex import WordIndex, positions_mask

TEXT_CACHE_SIZE = 512
SORT_DIRECTLY = 5_000  # results up to this many are sorted, not found along an order
WIDE_FACETS = ("network", "country", "hq")


# --- Telling the index about changes ----------------------------------------------------


def directory_changed(pks: Iterable[int] | None = None) -> None:
    """Organisations ``pks`` changed (``None``: anything may have). This process sees
    the change at its next search, even inside the writing transaction; other processes
    once it commits, through one entry of the change log per transaction."""
    _live.changed(pks)


def reset() -> None:
    """Forget this process's index (tests: the database was rolled back under it)."""
    _live.reset()


# --- The index ---------------------------------------------------------------------------


@dataclass
class DirectoryIndex:
    epoch: str
    sequence: int  # the last change of the log this index holds
    built_at: float = field(default_factory=time.monotonic)
    pks: list[int] = field(default_factory=list)  # position -> organisation
    position: dict[int, int] = field(default_factory=dict)  # organisation -> its position
    names: list[str] = field(default_factory=list)  # lower-cased, by position
    acronyms: list[str] = field(default_factory=list)
    updated: list[float] = field(default_factory=list)  # last update (a timestamp)
    everyone: int = 0  # current positions (retired ones are cleared)
    verified: int = 0
    frontline: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # For facets with many values: the values of each position, to count by walking the
    # few matching organisations instead of AND-ing thousands of bitsets.
    values_at: dict[str, list[tuple[str, ...]]] = field(
        default_factory=lambda: {name: [] for name in WIDE_FACETS}
    )
    network_names: dict[str, str] = field(default_factory=dict)  # slug -> name
    network_slugs: dict[int, str] = field(default_factory=dict)  # network -> its slug
    names_blob: str = ""  # every name, separated by newlines, for fast substring search
    names_starts: list[int] = field(default_factory=list)  # where each name starts in it
    acronyms_blob: str = ""
    acronyms_starts: list[int] = field(default_factory=list)
    text: WordIndex = field(default_factory=lambda: WordIndex({}, 0))
    by_name: list[int] = field(default_factory=list)  # current positions in name order
    by_updated: list[int] = field(default_factory=list)  # most recently updated first
    # Position -> a number that sorts as by_name does (refreshes insert between two).
    name_rank: list[float] = field(default_factory=list)
    retired: int = 0
    text_cache: OrderedDict = field(default_factory=OrderedDict)

    @property
    def size(self) -> int:
        return len(self.pks)

    def mask_of_positions(self, positions) -> int:
        return positions_mask(positions, self.size)

    def set_positions(self, mask: int) -> list[int]:
        """Every position set in ``mask`` (fast when few are)."""
        return set_positions(mask, self.size)

    def count_values(self, facet: str, mask: int) -> dict[str, int] | None:
        """Counts of a wide facet's values within ``mask`` by walking its positions, or
        None when AND-ing each value's bitset is cheaper."""
        if facet not in self.values_at or mask.bit_count() > 4 * len(self.facets.get(facet, ())):
            return None
        counts: dict[str, int] = {}
        values_at = self.values_at[facet]
        for where in self.set_positions(mask):
            for code in values_at[where]:
                counts[code] = counts.get(code, 0) + 1
        return counts

    def positions(
        self, mask: int, order: list[int], start: int, stop: int | None, *, first=()
    ) -> list[int]:
        """The positions set in ``mask`` from ``start`` to ``stop`` (None: the end):
        those of ``first`` in that order, then the others in ``order``."""
        if mask == 0:
            return []
        bits = mask.to_bytes((self.size + 7) // 8, "little")
        wanted = None if stop is None else stop - start
        found: list[int] = []
        seen = 0
        placed = set(first)
        for where in itertools.chain(first, (w for w in order if w not in placed)):
            if bits[where >> 3] >> (where & 7) & 1:
                if seen >= start:
                    found.append(where)
                    if len(found) == wanted:
                        break
                seen += 1
        return found

    def ordered(self, mask: int, sort: str, phrase: str, start: int, stop: int | None) -> list[int]:
        """The positions of ``mask`` from ``start`` to ``stop`` in the order of ``sort``
        ("relevance" to ``phrase``, "name" or "updated"). A few thousand are sorted
        directly; more are found by walking the precomputed orders, which stops as soon
        as the page is full."""
        relevance = sort == "relevance" and bool(phrase)
        if mask.bit_count() <= SORT_DIRECTLY:
            found = self.set_positions(mask)
            if sort == "updated":
                found.sort(key=self.updated_key)
            elif relevance:
                rank = self.name_rank
                found.sort(key=lambda where: (self.tier(where, phrase), rank[where]))
            else:
                found.sort(key=self.name_rank.__getitem__)
            return found[start:stop]
        first = (
            remembered(self, ("ranked", phrase), lambda: relevance_ranked(self, phrase))
            if relevance
            else ()
        )
        order = self.by_updated if sort == "updated" else self.by_name
        return self.positions(mask, order, start, stop, first=first)

    def name_key(self, where: int) -> tuple[str, int]:
        """What orders organisations by name (``by_name``)."""
        return self.names[where], self.pks[where]

    def updated_key(self, where: int) -> tuple[float, int]:
        """What orders organisations most recently updated first (``by_updated``)."""
        return -self.updated[where], -self.pks[where]

    def tier(self, where: int, phrase: str) -> int:
        """How well an organisation's name matches a search: 0 it is the phrase (or its
        acronym is), 1 it starts with it, 2 it contains it (or the acronym does), 3 not."""
        name, acronym = self.names[where], self.acronyms[where]
        if phrase in (name, acronym):
            return 0
        if name.startswith(phrase):
            return 1
        return 2 if phrase in name or phrase in acronym else 3

    def rank_names(self) -> None:
        rank = [0.0] * self.size
        for place, where in enumerate(self.by_name):
            rank[where] = float(place)
        self.name_rank = rank


# --- Reading the directory ----------------------------------------------------------------


def _timestamp(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, str):  # SQLite hands out text
        value = datetime.fromisoformat(value)
    return value.timestamp()


def _only(queryset, column: str, pks):
    return queryset if pks is None else queryset.filter(**{f"{column}__in": pks})


def _organisation_rows(pks: list[int] | None):
    from commons.accounts.models import Organisation

    return stream(
        _only(Organisation.objects.order_by("pk"), "pk", pks).values_list(
            "pk",
            "name",
            "acronym",
            "slug",
            "country",
            "type",
            "verified_at",
            "profile__is_frontline",
            "profile__size",
            "profile__updated_at",
            "updated_at",
            "profile__search_text",
        )
    )


def _facet_rows(pks: list[int] | None):
    """(organisation, facet, value, network, network's name): every term, country of
    operation and network membership."""
    from commons.directory.models import NetworkLink, Presence, Term

    terms = _only(Term.objects.all(), "organisation_id", pks)
    for pk, vocabulary, code in stream(terms.values_list("organisation_id", "vocabulary", "code")):
        yield pk, vocabulary, code, None, None
    presences = _only(Presence.objects.all(), "organisation_id", pks)
    for pk, country in stream(presences.values_list("organisation_id", "country")):
        yield pk, "country", country, None, None
    links = _only(NetworkLink.objects.all(), "member_id", pks).values_list(
        "member_id", "network__slug", "network_id", "network__name"
    )
    for pk, slug, network, name in stream(links):
        yield pk, "network", slug, network, name


class _Writer:
    """Indexes organisations at new positions, after the index's last one.

    Bits are collected in bytearrays that cover only the new positions and are OR-ed
    into the index's integers by ``finish``: building the whole index and refreshing
    three organisations are the same work.
    """

    def __init__(self, index: DirectoryIndex):
        self.index = index
        self.start = len(index.pks)
        self.offset = self.start & ~7  # whole bytes
        self.arrays: dict[tuple[str, str | None], bytearray] = {}
        self.singles: dict[str, tuple[str]] = {}

    def one(self, code: str) -> tuple[str]:
        """``(code,)``, one tuple per code however many organisations have just it."""
        single = self.singles.get(code)
        if single is None:
            single = self.singles[code] = (sys.intern(code),)
        return single

    def set(self, key: tuple[str, str | None], where: int) -> None:
        array = self.arrays.get(key)
        if array is None:
            array = self.arrays[key] = bytearray(64)
        byte = (where - self.offset) >> 3
        if byte >= len(array):
            array.extend(bytes(byte + 1))
        array[byte] |= 1 << (where & 7)

    def organisations(self, rows) -> Iterator[str]:
        """Index these organisation rows; yields each one's search text, in order."""
        index = self.index
        hq = index.values_at["hq"]
        for row in rows:
            pk, name, acronym, slug, country, type_, verified_at, frontline, size, *rest = row
            profile_updated, updated, text = rest
            where = len(index.pks)
            index.pks.append(pk)
            index.position[pk] = where
            index.names.append(name.lower())
            index.acronyms.append((acronym or "").lower())
            index.updated.append(_timestamp(profile_updated or updated))
            self.set(("everyone", None), where)
            if verified_at is not None:
                self.set(("verified", None), where)
            if frontline:
                self.set(("frontline", None), where)
            self.set(("hq", country), where)
            self.set(("type", type_), where)
            if size:
                self.set(("size", size), where)
            hq.append(self.one(country))
            for facet in ("country", "network"):
                index.values_at[facet].append(())
            if pk in index.network_slugs:
                index.network_slugs[pk] = slug
                index.network_names[slug] = name
            yield text or ""

    def facets(self, rows) -> None:
        """Index the facet rows of organisations already indexed by ``organisations``."""
        index = self.index
        position, values_at = index.position, index.values_at
        for pk, facet, code, network, network_name in rows:
            where = position.get(pk, -1)
            if where < self.start:  # deleted since its row was read
                continue
            self.set((facet, code), where)
            if facet in values_at:
                values = values_at[facet][where]
                if not values:
                    values_at[facet][where] = self.one(code)
                elif code not in values:
                    values_at[facet][where] = (*values, code)
            if network is not None:
                index.network_slugs[network] = code
                index.network_names[code] = network_name

    def finish(self) -> None:
        index = self.index
        for (facet, code), array in self.arrays.items():
            mask = int.from_bytes(array, "little") << self.offset
            if code is None:
                setattr(index, facet, getattr(index, facet) | mask)
            else:
                values = index.facets.setdefault(facet, {})
                values[code] = values.get(code, 0) | mask


def build(epoch: str | None = None, sequence: int = 0) -> DirectoryIndex:
    """Read the whole directory (a few seconds at 100,000 organisations); ``epoch`` and
    ``sequence``: the change log's position before reading (default: read it now)."""
    if epoch is None:
        epoch, sequence = _live.log_position()
    index = DirectoryIndex(epoch=epoch, sequence=sequence)
    writer = _Writer(index)
    # The organisations are read once, as the word index takes in their texts.
    index.text = WordIndex.build(writer.organisations(_organisation_rows(None)), prepared=True)
    writer.facets(_facet_rows(None))
    writer.finish()
    index.names_blob = _extend_blob("", index.names_starts, index.names)
    index.acronyms_blob = _extend_blob("", index.acronyms_starts, index.acronyms)
    index.by_name = sorted(range(index.size), key=index.name_key)
    index.by_updated = sorted(range(index.size), key=index.updated_key)
    index.rank_names()
    return index


def _extend_blob(blob: str, starts: list[int], texts: list[str]) -> str:
    """``blob`` with ``texts`` appended, each after a newline; where each one starts goes
    to ``starts``. One string holds every name, so a phrase is found among them in C."""
    pieces, end = [blob], len(blob)
    for text in texts:
        starts.append(end + 1)
        pieces.append("\n" + text)
        end += len(text) + 1
    return "".join(pieces)


def _network_slugs(pks: Iterable[int]) -> dict[int, str]:
    from commons.accounts.models import Organisation

    return dict(Organisation.objects.filter(pk__in=pks).values_list("pk", "slug"))


def _network_members(network_pks: Iterable[int]) -> set[int]:
    from commons.directory.models import NetworkLink

    return set(
        NetworkLink.objects.filter(network_id__in=network_pks).values_list("member_id", flat=True)
    )


def refreshed(index: DirectoryIndex, pks: set[int]) -> DirectoryIndex:
    """A copy of ``index`` in which these organisations are read afresh: each one's old
    position is retired (cleared from the flags and the orders; its facet bits stay but
    are never counted, as every count starts from ``everyone``) and the organisation,
    unless it was deleted, is indexed at a new position.

    The old index stays right for searches running on it, but it shares its growing
    lists and its ``position`` with the new one: refresh only the newest index."""
    # A network's members carry its slug: when the slug changes, they change too.
    renamed = {
        pk
        for pk, slug in _network_slugs(set(pks) & set(index.network_slugs)).items()
        if index.network_slugs[pk] != slug
    }
    pks = sorted(set(pks) | _network_members(renamed))
    # Lists that only grow are shared with the old index, which never reads past its
    # own positions; what changes in place is copied.
    new = dataclasses.replace(
        index,
        facets={name: dict(values) for name, values in index.facets.items()},
        network_names=dict(index.network_names),
        network_slugs=dict(index.network_slugs),
        text_cache=OrderedDict(),
    )
    retire = {new.position.pop(pk) for pk in pks if pk in new.position}
    if retire:
        kept = ~new.mask_of_positions(retire)
        new.everyone, new.verified, new.frontline = (
            new.everyone & kept,
            new.verified & kept,
            new.frontline & kept,
        )
        new.retired += len(retire)
    writer = _Writer(new)
    start = writer.start
    texts = dict(zip(itertools.count(start), writer.organisations(_organisation_rows(pks))))
    writer.facets(_facet_rows(pks))
    writer.finish()
    new.text = index.text.with_documents(texts, prepared=True)

    by_name, by_updated, rerank = list(index.by_name), list(index.by_updated), False
    for where in retire:
        by_name.remove(where)
        by_updated.remove(where)
    new.names_blob = _extend_blob(index.names_blob, new.names_starts, new.names[start:])
    new.acronyms_blob = _extend_blob(index.acronyms_blob, new.acronyms_starts, new.acronyms[start:])
    for where in range(start, new.size):
        place = bisect.bisect(by_name, new.name_key(where), key=new.name_key)
        by_name.insert(place, where)
        rank = _rank_between(new.name_rank, by_name, place)
        rerank = rerank or rank is None
        new.name_rank.append(rank or 0.0)
        bisect.insort(by_updated, where, key=new.updated_key)
    new.by_name, new.by_updated = by_name, by_updated
    if rerank:
        new.rank_names()
    return new


def _rank_between(rank: list[float], by_name: list[int], place: int) -> float | None:
    """A rank for the position at ``place`` of ``by_name``, between its neighbours'
    (None when no float is left between them: then everything is ranked afresh)."""
    before = rank[by_name[place - 1]] if place > 0 else None
    after = rank[by_name[place + 1]] if place + 1 < len(by_name) else None
    if before is None:
        return 0.0 if after is None else after - 1.0
    if after is None:
        return before + 1.0
    middle = (before + after) / 2
    return middle if before < middle < after else None


_live = LiveIndex("directory", build=build, refresh=lambda index, pks: refreshed(index, pks))
EPOCH_KEY, SEQUENCE_KEY, CHANGE_KEY = _live.epoch_key, _live.sequence_key, _live.change_key
# Organisations this process changed and has not refreshed yet (None: everything).
_pending = _live.pending


def current() -> DirectoryIndex:
    """The index for the directory as it is now: built, refreshed or rebuilt first if
    needed (see the module's docstring)."""
    return _live.current()


def remembered(index: DirectoryIndex, key, compute):
    """``compute()``, remembered for this index (a small LRU: text matches and
    relevance orders of recent queries)."""
    return live_index.remembered(index, key, compute, size=TEXT_CACHE_SIZE)


def relevance_ranked(index: DirectoryIndex, phrase: str) -> list[int]:
    """Positions whose name or acronym contains the phrase, best first: the name or
    acronym itself, then names starting with the phrase, then the others; by name within
    each group. Everything else follows in name order (see ``DirectoryIndex.positions``).

    The names are searched as one string (in C), not one by one: a common word is found
    in tens of thousands of names in a few milliseconds.
    """
    found: set[int] = set()
    for blob, starts in (
        (index.names_blob, index.names_starts),
        (index.acronyms_blob, index.acronyms_starts),
    ):
        offset = blob.find(phrase)
        while offset != -1:
            where = bisect.bisect_right(starts, offset) - 1
            found.add(where)
            # Continue after the end of this name: one hit per name is enough.
            offset = blob.find(phrase, starts[where + 1]) if where + 1 < len(starts) else -1
    rank = index.name_rank
    return sorted(found, key=lambda where: (index.tier(where, phrase), rank[where]))
