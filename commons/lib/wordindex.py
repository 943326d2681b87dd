"""Words, and an in-memory index of them for substring search in any script.

``words`` cuts a text at spaces, punctuation and symbols and keeps combining marks inside
their word, so Thai, Khmer, Burmese and Devanagari words stay whole. Scripts written
without spaces between words (Thai, Khmer, Lao, Burmese, Chinese) give long runs; the
index therefore finds a search term anywhere *inside* a word, not only at its start:
"เด็ก" (children) finds "มูลนิธิเพื่อการพัฒนาเด็ก".

``WordIndex`` maps every distinct word to the positions of the documents that contain it
(an array of positions, or a bitset when the word is common). A term is looked up by
searching the vocabulary, joined into one string, for the term (in C), then OR-ing the
postings of the words that contain it; a document matches a query when it matches
every term. A document matches a term exactly when the term occurs in its text, so the
answers are those of ``LIKE '%term%'`` on the lower-cased text, without reading it.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable

# Kept inside words: hyphens and apostrophes ("anti-trafficking", "children's").
KEPT = "-'’"
# A word found in more than 1/DENSE of the documents is stored as a bitset.
DENSE = 32


@functools.cache
def _separators() -> dict[int, str]:
    """Every assigned punctuation, symbol, separator and control character -> a space
    (for ``str.translate``; built once per process, in a fraction of a second)."""
    table = {}
    planes = (range(0x20000), range(0xE0000, 0xE0080))
    for code in (c for plane in planes for c in plane):
        char = chr(code)
        category = unicodedata.category(char)
        if (category[0] in "PSZ" or category in ("Cc", "Cf")) and char not in KEPT:
            table[code] = " "
    return table


def words(text: str) -> list[str]:
    """The words of a text, lower-cased; punctuation, symbols and search syntax are
    dropped, combining marks kept (splitting on them would cut "ที่พักพิง" apart)."""
    return [w for w in (text or "").lower().translate(_separators()).split() if w.strip(KEPT)]


def positions_mask(positions: Iterable[int], size: int) -> int:
    """The bitset (a Python integer) with the given bit positions set."""
    bits = bytearray((size + 7) // 8)
    for where in positions:
        bits[where >> 3] |= 1 << (where & 7)
    return int.from_bytes(bits, "little")


class WordIndex:
    """Documents (by position) per word; immutable: ``with_documents`` returns a new
    index, so a search never sees one half-updated."""

    def __init__(self, postings: dict[str, array | int], size: int):
        self.postings = postings
        self.size = size
        self._vocabulary = list(postings)
        self._blob = "\n".join(self._vocabulary)
        self._starts = _starts(self._vocabulary)

    @classmethod
    def build(cls, texts: Iterable[str], *, prepared: bool = False) -> WordIndex:
        """Index the texts; each one's position is its place in ``texts``. ``prepared``:
        the texts come from ``search_text`` (split at spaces, much faster)."""
        found: defaultdict[str, array] = defaultdict(lambda: array("I"))
        size = 0
        for where, text in enumerate(texts):
            size = where + 1
            for word in _distinct_words(text, prepared):
                found[word].append(where)
        dense = max(size // DENSE, 1)
        postings: dict[str, array | int] = dict(found)
        for word, places in found.items():
            if len(places) > dense:
                postings[word] = positions_mask(places, size)
        return cls(postings, size)

    def with_documents(self, texts: dict[int, str], *, prepared: bool = False) -> WordIndex:
        """A new index that also holds these documents, at new positions (a position
        already indexed keeps its old words: retire it and add the new text elsewhere)."""
        postings = dict(self.postings)
        size = max([self.size, *(where + 1 for where in texts)])
        dense = max(size // DENSE, 1)
        new_words = []
        for where, text in texts.items():
            for word in _distinct_words(text, prepared):
                old = postings.get(word)
                if isinstance(old, int):
                    postings[word] = old | 1 << where
                elif old is None:
                    postings[word] = array("I", [where])
                    new_words.append(word)
                elif len(old) >= dense:
                    postings[word] = positions_mask([*old, where], size)
                else:
                    postings[word] = old + array("I", [where])
        index = WordIndex.__new__(WordIndex)
        index.postings, index.size = postings, size
        old = [self._blob] if self._vocabulary else []
        index._vocabulary = [*self._vocabulary, *new_words]
        index._blob = "\n".join([*old, *new_words])
        index._starts = [*self._starts, *_starts(new_words, len(self._blob) + 1 if old else 0)]
        return index

    def match(self, term: str) -> int:
        """The bitset of documents with a word containing ``term``."""
        blob, starts, vocabulary, postings = (
            self._blob,
            self._starts,
            self._vocabulary,
            self.postings,
        )
        found = 0
        sparse: bytearray | None = None
        offset = blob.find(term)
        while offset != -1:
            which = bisect.bisect_right(starts, offset) - 1
            places = postings[vocabulary[which]]
            if isinstance(places, int):
                found |= places
            else:
                if sparse is None:
                    sparse = bytearray((self.size + 7) // 8)
                for where in places:
                    sparse[where >> 3] |= 1 << (where & 7)
            # One hit per word is enough: go on after its end.
            following = which + 1
            offset = blob.find(term, starts[following]) if following < len(starts) else -1
        if sparse is not None:
            found |= int.from_bytes(sparse, "little")
        return found

    def match_all(self, terms: Iterable[str], within: int) -> int:
        """The documents of ``within`` that match every term."""
        for term in terms:
            if not within:
                break
            within &= self.match(term)
        return within


def _distinct_words(text: str, prepared: bool) -> Iterable[str]:
    return text.split() if prepared else set(words(text))


def _starts(vocabulary: list[str], offset: int = 0) -> list[int]:
    starts = []
    for word in vocabulary:
        starts.append(offset)
        offset += len(word) + 1
    return starts


def search_text(*parts: str) -> str:
    """The words of the parts, each once, in order of appearance: what an index reads,
    and a text in which ``LIKE '%term%'`` finds exactly what the index finds (a term has
    no spaces, so it never spans two words)."""
    return " ".join(dict.fromkeys(word for part in parts for word in words(part)))
