"""An in-memory index kept current in every process: a change log in the shared cache.

Used by the library's search (``commons/library/search.py``); the directory's
``facet_index.py`` does the same with its own copy of this logic.

Every write to what an index reads calls ``LiveIndex.changed`` with the keys (primary
keys) it touched. The process that wrote refreshes them at its next read (one inside a
transaction that may yet roll back reads them again at the following one); on commit the
change is also published in the shared cache as a numbered entry of a change log, which
every other process applies at its next read.

``current()`` returns the index, built the first time, refreshed with the keys changed
since (cheap), or built afresh (``build``) when the change log has a gap (the cache was
cleared, or a process slept through more changes than the log keeps), after many
refreshes (``index.retired`` above a quarter of ``index.size``), or, with a cache other
processes cannot see (local memory), every ``LOCAL_MAX_AGE_SECONDS`` in case another
process (a command-line import) wrote.

An index is any object with ``epoch``, ``sequence`` (its place in the log), ``built_at``
(``time.monotonic()``), ``retired``, ``size`` and ``text_cache`` (an ``OrderedDict``);
``refresh(index, keys)`` returns a new one and leaves the old one right for searches
running on it.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

EVERYTHING = "*"
CHANGE_TTL_SECONDS = 24 * 3600
MAX_CHANGES_APPLIED = 500  # more changes behind than this: rebuild instead
LOCAL_MAX_AGE_SECONDS = 300
TEXT_CACHE_SIZE = 512


class LiveIndex:
    def __init__(self, name: str, *, build: Callable, refresh: Callable):
        self.epoch_key = f"{name}:index:epoch"
        self.sequence_key = f"{name}:index:sequence"
        self.change_key = f"{name}:index:change:{{}}"
        self.build = build  # (epoch, sequence) -> index
        self.refresh = refresh  # (index, set of keys) -> index
        self.lock = threading.Lock()
        self.index = None
        # Keys this process changed and has not refreshed yet (None: everything).
        self.pending: set = set()
        self._batches = threading.local()

    # --- Telling the index about changes ------------------------------------------------

    def changed(self, keys: Iterable | None = None) -> None:
        """``keys`` changed (``None``: anything may have). This process sees the change
        at its next read, even inside the writing transaction; other processes once it
        commits, through one entry of the change log per transaction."""
        change = [None] if keys is None else list(keys)
        if not change:
            return
        with self.lock:
            self.pending.update(change)
        if transaction.get_connection().in_atomic_block:
            self._outbox().update(change)
        else:
            self._publish(None if keys is None else tuple(change))

    def _outbox(self) -> _Batch:
        """The batch of the current transaction. Its ``publish`` is registered with
        ``on_commit`` once; when it is no longer among the hooks (it ran, or Django
        dropped it with a rolled-back savepoint), a new batch starts."""
        batch = getattr(self._batches, "batch", None)
        hooks = transaction.get_connection().run_on_commit
        if batch is None or not any(hook[1] == batch.publish for hook in hooks):
            batch = self._batches.batch = _Batch(self)
            transaction.on_commit(batch.publish)
        return batch

    def _publish(self, change: tuple | None) -> None:
        self._epoch()
        cache.add(self.sequence_key, 0, None)
        try:
            number = cache.incr(self.sequence_key)
        except ValueError:  # evicted in between: readers see the gap and rebuild
            number = 1
            cache.set(self.sequence_key, number, None)
        cache.set(self.change_key.format(number), change or EVERYTHING, CHANGE_TTL_SECONDS)

    def _epoch(self) -> str:
        """The identity of the change log: a cleared cache starts a new one."""
        epoch = cache.get(self.epoch_key)
        if epoch is None:
            epoch = uuid.uuid4().hex
            if not cache.add(self.epoch_key, epoch, None):
                epoch = cache.get(self.epoch_key) or epoch
        return epoch

    def log_position(self) -> tuple[str, int]:
        found = cache.get_many([self.epoch_key, self.sequence_key])
        if self.epoch_key not in found:
            return self._epoch(), cache.get(self.sequence_key) or 0
        return found[self.epoch_key], found.get(self.sequence_key) or 0

    def reset(self) -> None:
        """Forget this process's index (tests: the database was rolled back under it)."""
        with self.lock:
            self.index = None
            self.pending.clear()

    # --- Reading it ---------------------------------------------------------------------

    def current(self):
        """The index as the data is now: built, refreshed or rebuilt first if needed."""
        epoch, sequence = self.log_position()
        index = self.index
        if index is not None and not self.pending and not self._stale(index, epoch, sequence):
            return index
        with self.lock:
            index = self.index
            changed = set(self.pending)
            self.pending.clear()
            if index is not None and not changed and not self._stale(index, epoch, sequence):
                return index
            if index is not None and index.epoch == epoch:
                logged = self._logged_changes(index, sequence)
                changed |= {None} if logged is None else logged
            if (
                index is None
                or None in changed
                or index.epoch != epoch
                or index.retired > max(1000, index.size // 4)
                or _expired(index)
            ):
                index = self.build(epoch, sequence)
            else:
                try:
                    index = self.refresh(index, changed)
                except BaseException:
                    self.index = None  # it shares what the refresh changed: build afresh
                    raise
                index.sequence = sequence
            if connection.in_atomic_block:
                # Read inside a transaction that may yet roll back: read them again next time.
                self.pending.update(changed - {None})
            self.index = index
        return index

    def _stale(self, index, epoch: str, sequence: int) -> bool:
        return index.epoch != epoch or index.sequence != sequence or _expired(index)

    def _logged_changes(self, index, sequence: int) -> set | None:
        """The keys changed between the index's place in the log and ``sequence``; None
        when that cannot be known (the log went backwards, has a gap or says
        "everything")."""
        if sequence == index.sequence:
            return set()
        if not index.sequence < sequence <= index.sequence + MAX_CHANGES_APPLIED:
            return None
        keys = [self.change_key.format(n) for n in range(index.sequence + 1, sequence + 1)]
        found = cache.get_many(keys)
        if len(found) < len(keys) or EVERYTHING in found.values():
            return None
        return {key for change in found.values() for key in change}


class _Batch(set):
    """The keys one transaction changed, published when it commits."""

    def __init__(self, log: LiveIndex):
        super().__init__()
        self.log = log

    def publish(self) -> None:
        self.log._publish(None if None in self else tuple(self))


def _expired(index) -> bool:
    return (
        isinstance(caches["default"], LocMemCache)
        and time.monotonic() - index.built_at >= LOCAL_MAX_AGE_SECONDS
    )


def remembered(index, key, compute, *, size: int = TEXT_CACHE_SIZE):
    """``compute()``, remembered for this index (a small LRU: text matches of recent
    queries)."""
    cached: OrderedDict = index.text_cache
    value = cached.get(key)
    if value is None:
        value = compute()
        cached[key] = value
        if len(cached) > size:
            cached.popitem(last=False)
    else:
        cached.move_to_end(key)
    return value


# --- Bitsets and rows ------------------------------------------------------------------------

_NONZERO = re.compile(rb"[^\x00]")


def set_positions(mask: int, size: int) -> list[int]:
    """Every position set in ``mask`` (a bitset of ``size`` bits), in order; fast when
    few are."""
    bits = mask.to_bytes((size + 7) // 8, "little")
    found = []
    for match in _NONZERO.finditer(bits):
        byte, base = bits[match.start()], match.start() << 3
        found.extend(base + bit for bit in range(8) if byte >> bit & 1)
    return found


def stream(queryset, chunk: int = 5_000):
    """The rows of a values_list() queryset, a chunk at a time, from a plain cursor
    (Django's converters would cost more than the rest of a build), server-side on
    PostgreSQL: a big table is never held in memory whole."""
    sql, params = queryset.query.sql_with_params()
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows
