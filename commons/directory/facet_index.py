"""An in-memory bitmap index of the directory for fast faceted search.

Every organisation gets a bit position; every facet value (a country, a service, a
network …) is a Python integer used as a bitset of the organisations that have it.
Filtering is AND/OR of integers and a facet count is ``(mask & value).bit_count()``,
both done in C over 100,000 bits in microseconds, so a search with text, four facets and
the counts of all eleven facets needs one database query (for the text) instead of
sixteen.

The index is rebuilt lazily when the directory changes: writers call
``directory_changed()``, which stores a new version in the shared cache; each process
compares its index's version on every search. With several processes, the cache must be
shared (Redis, ``REDIS_URL``) for them to notice each other's changes; as a safety net
an index is never used for longer than ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from django.core.cache import cache

VERSION_KEY = "directory:index:version"
MAX_AGE_SECONDS = 300
TEXT_CACHE_SIZE = 512
WIDE_FACETS = ("network", "country", "hq")

_lock = threading.Lock()
_index: DirectoryIndex | None = None


def directory_changed() -> None:
    """Tell every process that its index is stale (call after any directory write)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


class _Bits:
    """Collects bit positions per key, then turns each into one integer."""

    def __init__(self, size: int):
        self.size = size
        self.arrays: dict = {}

    def set(self, key, position: int) -> None:
        array = self.arrays.get(key)
        if array is None:
            array = self.arrays[key] = bytearray((self.size + 7) // 8)
        array[position >> 3] |= 1 << (position & 7)

    def masks(self) -> dict:
        return {key: int.from_bytes(array, "little") for key, array in self.arrays.items()}


@dataclass
class DirectoryIndex:
    version: str
    built_at: float
    pks: list[int]
    names: list[str]  # lower-cased, by position
    acronyms: list[str]
    everyone: int
    verified: int
    frontline: int
    facets: dict[str, dict[str, int]]
    # For facets with many values: the values of each position, to count by walking the
    # few matching organisations instead of AND-ing thousands of bitsets.
    values_at: dict[str, list[tuple[str, ...]]]
    network_names: dict[str, str]
    by_name: list[int]  # positions in name order
    name_rank: list[int]  # position -> place in by_name
    names_blob: str  # every name, separated by newlines, for fast substring search
    names_starts: list[int]  # where each position's name starts in names_blob
    acronyms_blob: str
    acronyms_starts: list[int]
    by_updated: list[int]  # positions, most recently updated first
    position: dict[int, int] = field(default_factory=dict)
    text_cache: OrderedDict = field(default_factory=OrderedDict)

    def mask_of_positions(self, positions) -> int:
        array = bytearray((len(self.pks) + 7) // 8)
        for where in positions:
            array[where >> 3] |= 1 << (where & 7)
        return int.from_bytes(array, "little")

    def set_positions(self, mask: int) -> list[int]:
        """Every position set in ``mask`` (fast when few are)."""
        bits = mask.to_bytes((len(self.pks) + 7) // 8, "little")
        found = []
        start = 0
        while True:
            start = _next_nonzero(bits, start)
            if start < 0:
                return found
            byte = bits[start]
            base = start << 3
            for bit in range(8):
                if byte >> bit & 1:
                    found.append(base + bit)
            start += 1

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
        self, mask: int, order: list[int], start: int, stop: int, *, first: list[int] = ()
    ) -> list[int]:
        """The positions set in ``mask`` from ``start`` to ``stop``: those of ``first``
        in that order, then the others in ``order``."""
        if mask == 0:
            return []
        bits = mask.to_bytes((len(self.pks) + 7) // 8, "little")
        found: list[int] = []
        seen = 0
        placed = set(first)
        for where in itertools.chain(first, (w for w in order if w not in placed)):
            if bits[where >> 3] >> (where & 7) & 1:
                if seen >= start:
                    found.append(where)
                    if len(found) == stop - start:
                        break
                seen += 1
        return found


_NONZERO = re.compile(rb"[^\x00]")


def _next_nonzero(data: bytes, start: int) -> int:
    found = _NONZERO.search(data, start)
    return found.start() if found else -1


def _blob(prefix: str, texts: list[str]) -> dict:
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    return {f"{prefix}_blob": "\n".join(texts), f"{prefix}_starts": starts}


def build() -> DirectoryIndex:
    """Read the whole directory into bitsets (a few seconds at 100,000 organisations)."""
    from commons.accounts.models import Organisation
    from commons.directory.models import NetworkLink, Presence, Term

    rows = list(
        Organisation.objects.order_by("pk").values_list(
            "pk",
            "name",
            "acronym",
            "country",
            "type",
            "verified_at",
            "profile__is_frontline",
            "profile__size",
            "profile__updated_at",
            "updated_at",
        )
    )
    size = len(rows)
    position = {row[0]: where for where, row in enumerate(rows)}
    flags = _Bits(size)
    facet_bits = _Bits(size)
    values_at: dict[str, list[list[str]]] = {
        name: [[] for _ in range(size)] for name in WIDE_FACETS
    }
    for where, (
        _pk,
        _name,
        _acronym,
        country,
        type_,
        verified_at,
        frontline,
        size_band,
        *_dates,
    ) in enumerate(rows):
        flags.set("everyone", where)
        if verified_at is not None:
            flags.set("verified", where)
        if frontline:
            flags.set("frontline", where)
        facet_bits.set(("hq", country), where)
        values_at["hq"][where].append(country)
        facet_bits.set(("type", type_), where)
        if size_band:
            facet_bits.set(("size", size_band), where)
    for pk, vocabulary, code in Term.objects.values_list(
        "organisation_id", "vocabulary", "code"
    ).iterator(chunk_size=20_000):
        facet_bits.set((vocabulary, code), position[pk])
    for pk, country in Presence.objects.values_list("organisation_id", "country").iterator(
        chunk_size=20_000
    ):
        facet_bits.set(("country", country), position[pk])
        values_at["country"][position[pk]].append(country)
    network_names = {}
    for member, slug, name in NetworkLink.objects.values_list(
        "member_id", "network__slug", "network__name"
    ).iterator(chunk_size=20_000):
        facet_bits.set(("network", slug), position[member])
        values_at["network"][position[member]].append(slug)
        network_names[slug] = name
    facets: dict[str, dict[str, int]] = {}
    for (facet, code), mask in facet_bits.masks().items():
        facets.setdefault(facet, {})[code] = mask
    masks = flags.masks()
    names = [row[1].lower() for row in rows]
    acronyms = [(row[2] or "").lower() for row in rows]
    by_name = sorted(range(size), key=lambda where: (names[where], rows[where][0]))
    name_rank = [0] * size
    for rank, where in enumerate(by_name):
        name_rank[where] = rank
    updated = [row[8] or row[9] for row in rows]
    return DirectoryIndex(
        version="",
        built_at=time.monotonic(),
        pks=[row[0] for row in rows],
        names=names,
        acronyms=acronyms,
        everyone=masks.get("everyone", 0),
        verified=masks.get("verified", 0),
        frontline=masks.get("frontline", 0),
        facets=facets,
        values_at={name: [tuple(set(v)) for v in lists] for name, lists in values_at.items()},
        network_names=network_names,
        by_name=by_name,
        name_rank=name_rank,
        **_blob("names", names),
        **_blob("acronyms", acronyms),
        by_updated=sorted(
            range(size), key=lambda where: (updated[where], rows[where][0]), reverse=True
        ),
        position=position,
    )


def current() -> DirectoryIndex:
    """The index for the directory as it is now, rebuilt first if it is stale."""
    global _index
    version = _current_version()
    index = _index
    if (
        index is not None
        and index.version == version
        and time.monotonic() - index.built_at < MAX_AGE_SECONDS
    ):
        return index
    with _lock:
        index = _index
        if (
            index is None
            or index.version != version
            or time.monotonic() - index.built_at >= MAX_AGE_SECONDS
        ):
            index = build()
            index.version = version
            _index = index
    return index


def remembered(index: DirectoryIndex, key, compute):
    """``compute()``, remembered for this index version (a small LRU: text matches and
    relevance orders of recent queries)."""
    value = index.text_cache.get(key)
    if value is None:
        value = compute()
        index.text_cache[key] = value
        if len(index.text_cache) > TEXT_CACHE_SIZE:
            index.text_cache.popitem(last=False)
    else:
        index.text_cache.move_to_end(key)
    return value


def relevance_ranked(index: DirectoryIndex, phrase: str) -> list[int]:
    """Positions whose name or acronym contains the phrase, best first: the name or
    acronym itself, then names starting with the phrase, then the others; by name within
    each group. Everything else follows in name order (see ``DirectoryIndex.positions``).

    The names are searched as one string (in C), not one by one: a common word is found
    in tens of thousands of names in a few milliseconds.
    """
    names, acronyms, rank = index.names, index.acronyms, index.name_rank
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
            offset = blob.find(phrase, starts[where + 1] if where + 1 < len(starts) else len(blob))
    tiers: tuple[list[int], list[int], list[int]] = ([], [], [])
    for where in found:
        if phrase in (names[where], acronyms[where]):
            tiers[0].append(where)
        elif names[where].startswith(phrase):
            tiers[1].append(where)
        else:
            tiers[2].append(where)
    return [where for tier in tiers for where in sorted(tier, key=rank.__getitem__)]
