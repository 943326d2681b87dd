"""Substring search over the words of many long texts, in any script.

``TextIndex`` answers what ``WordIndex`` answers — the documents (by position) with a
word containing a term, exactly those a ``LIKE '%term%'`` on their words would find —
for texts of hundreds of words, in tens of thousands of documents, in scripts written
with or without spaces. It keeps two stores per script:

- Words of scripts written with spaces go to a vocabulary (a ``WordIndex``): each
  distinct word once, with the documents that have it.
- Runs of scripts written without spaces (Thai, Lao, Khmer, Burmese, Tibetan, Chinese,
  Japanese) are nearly all unique: their vocabulary would be as long as the text itself,
  and a common word would be found in tens of thousands of entries, each costing a step
  in Python. Each document's runs are kept together instead, one section per document
  in one string; a search finds the term (in C), notes the section's document and goes
  on from the next section, so it takes one step per document found.

A word is filed under every script its characters belong to, and a term is looked for
under one script of its characters, the one with the least text: a Latin word is never
looked for among Thai runs, and an index without a character of the term's script
answers at once.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable

from commons.lib.wordindex import DENSE, WordIndex, _separators, positions_mask

# Where each script's characters start (code points); a range runs to the next start.
# Only which ranges are apart matters for correctness; the names group ranges that are
# usually searched together.
_RANGES = [
    (0x0000, "latin"),
    (0x0370, "greek-cyrillic"),
    (0x0530, "armenian-hebrew"),
    (0x0600, "arabic"),
    (0x0900, "indic"),
    (0x0E00, "thai"),
    (0x0E80, "lao"),
    (0x0F00, "tibetan"),
    (0x1000, "myanmar"),
    (0x10A0, "other"),
    (0x1780, "khmer"),
    (0x1800, "other"),
    (0x19E0, "khmer"),  # Khmer symbols
    (0x1A00, "other"),
    (0x1E00, "latin"),
    (0x1F00, "greek-cyrillic"),
    (0x2000, "other"),
    (0x2E80, "cjk"),
    (0xA000, "other"),
    (0xA9E0, "myanmar"),  # Myanmar extended-B
    (0xAA00, "other"),
    (0xAA60, "myanmar"),  # Myanmar extended-A
    (0xAA80, "other"),
    (0xAC00, "hangul"),
    (0xD800, "other"),
    (0xF900, "cjk"),
    (0xFB00, "other"),
    (0xFB50, "arabic"),
    (0xFE00, "other"),
    (0xFE70, "arabic"),
    (0xFF00, "other"),
    (0x20000, "cjk"),
    (0x30000, "other"),
]
_STARTS = [start for start, _name in _RANGES]
_NAMES = [name for _start, name in _RANGES]
# The range of every 16 code points of the Basic Multilingual Plane (ranges start at
# multiples of 16).
_BMP = bytes(bisect.bisect_right(_STARTS, block << 4) - 1 for block in range(0x1000))
WITHOUT_SPACES = frozenset({"thai", "lao", "khmer", "myanmar", "tibetan", "cjk"})
LATIN = ("latin",)


@functools.cache
def _word_pattern() -> re.Pattern:
    """A run of characters that are not separators (``wordindex._separators``), for
    texts in the Basic Multilingual Plane: found by ``re`` faster than ``translate``
    replaces separators in a text that is not ASCII."""
    ranges: list[list[int]] = []
    for code in sorted(code for code in _separators() if code < 0x10000):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    escaped = "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )
    return re.compile(f"[^{escaped}]+")


def distinct_words(text: str, limit: int | None = None) -> list[str]:
    """The distinct words of a text in order, as ``wordindex.words`` cuts them (but for
    the odd word of hyphens and apostrophes only, which no search term can match), at
    most ``limit``; faster than ``words`` on long texts."""
    text = (text or "").lower()
    if text.isascii() or _ASTRAL.search(text):
        tokens = text.translate(_separators()).split()
    else:
        tokens = _word_pattern().findall(text)
    found = list(dict.fromkeys(tokens))
    return found if limit is None else found[:limit]


_NOT_ASCII = re.compile("[^\x00-\x7f]")
_ASCII = re.compile("[\x00-\x7f]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


_ASCII_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x7f]")


@functools.cache
def _outside(name: str) -> re.Pattern:
    """A character that is neither ASCII nor of script ``name``."""
    ends = [*_STARTS[1:], 0x110000]
    ranges = [
        (max(start, 0x80), end - 1)
        for start, end, script in zip(_STARTS, ends, _NAMES, strict=True)
        if script == name and end > 0x80
    ]
    allowed = "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)
    return re.compile(f"[^\x00-\x7f{allowed}]")


def _range(char: str) -> int:
    code = ord(char)
    return _BMP[code >> 4] if code < 0x10000 else bisect.bisect_right(_STARTS, code) - 1


def scripts(word: str) -> tuple[str, ...]:
    """The scripts of a word's characters (one, nearly always: checked on its lowest
    and highest character, in C, before looking at each)."""
    if word.isascii():
        return LATIN
    low, high = _range(min(word)), _range(max(word))
    if low == high:
        return (_NAMES[low],)
    return tuple(sorted({_NAMES[_range(char)] for char in set(word)}))


class _Runs:
    """One section of runs per document, in one string: ``starts`` says where each
    section starts, ``owners`` whose it is (positions only grow)."""

    def __init__(self, blob: str = "", starts: list | None = None, owners: list | None = None):
        self.blob = blob
        self.starts = starts if starts is not None else []  # lists: bisect reads them fastest
        self.owners = owners if owners is not None else []

    @classmethod
    def of(cls, sections: list[tuple[int, str]], before: _Runs | None = None) -> _Runs:
        starts = list(before.starts) if before else []
        owners = list(before.owners) if before else []
        pieces = [before.blob] if before and before.blob else []
        end = len(before.blob) if before else 0
        for where, section in sections:
            if pieces:
                pieces.append("\n")
                end += 1
            starts.append(end)
            owners.append(where)
            pieces.append(section)
            end += len(section)
        return cls("".join(pieces), starts, owners)

    def match(self, term: str, size: int) -> int:
        blob, starts, owners = self.blob, self.starts, self.owners
        offset = blob.find(term)
        if offset == -1:
            return 0
        bits = bytearray((size + 7) // 8)
        count = len(starts)
        while offset != -1:
            which = bisect.bisect_right(starts, offset) - 1
            where = owners[which]
            bits[where >> 3] |= 1 << (where & 7)
            # One hit per document is enough: go on at the next one's section.
            following = which + 1
            offset = blob.find(term, starts[following]) if following < count else -1
        return int.from_bytes(bits, "little")


class TextIndex:
    """Documents (by position) per word, for substring search; immutable:
    ``with_documents`` returns a new index."""

    def __init__(
        self,
        size: int = 0,
        vocabularies: dict[str, WordIndex] | None = None,
        runs: dict[str, _Runs] | None = None,
    ):
        self.size = size
        self.vocabularies = vocabularies or {}
        self.runs = runs or {}
        # How much text a search under each script reads, to pick the least.
        self.cost = {
            name: len(getattr(self.vocabularies.get(name), "_blob", ""))
            + len(getattr(self.runs.get(name), "blob", ""))
            for name in {*self.vocabularies, *self.runs}
        }

    @classmethod
    def build(cls, documents: Iterable[tuple[int, Iterable[str]]]) -> TextIndex:
        """Index ``(position, distinct words)`` pairs, positions in increasing order."""
        builder = TextIndexBuilder()
        for where, found in documents:
            builder.add(where, list(found))
        return builder.index(None)

    def with_documents(self, documents: dict[int, Iterable[str]]) -> TextIndex:
        """A new index that also holds these documents (distinct words), at positions
        after every one already indexed."""
        builder = TextIndexBuilder()
        for where in sorted(documents):
            builder.add(where, list(documents[where]))
        return builder.index(self)

    def match(self, term: str) -> int:
        """The bitset of documents with a word containing ``term``."""
        if not term or not self.cost:
            return 0
        best = None
        for name in scripts(term):
            cost = self.cost.get(name)
            if cost is None:  # no word has a character of this script
                return 0
            if best is None or cost < self.cost[best]:
                best = name
        found = 0
        vocabulary = self.vocabularies.get(best)
        if vocabulary is not None:
            found = vocabulary.match(term)
        runs = self.runs.get(best)
        if runs is not None:
            found |= runs.match(term, self.size)
        return found


class TextIndexBuilder:
    """Collects documents one at a time (positions in increasing order, after those of
    the index it will extend), then makes the index (``index``)."""

    def __init__(self):
        self.size = 0
        self.postings: defaultdict[str, defaultdict[str, array]] = defaultdict(
            lambda: defaultdict(lambda: array("I"))
        )
        self.sections: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)

    def add(self, where: int, found: list[str]) -> None:
        """Index a document's distinct words."""
        self.size = max(self.size, where + 1)
        postings = self.postings
        latin = postings["latin"]
        ascii_words = [word for word in found if word.isascii()]
        for word in ascii_words:
            latin[word].append(where)
        if len(ascii_words) == len(found):
            return
        others = [word for word in found if not word.isascii()]
        # Most documents hold ASCII and one other script: found with two searches (in
        # C), their words are filed without looking at the characters of each.
        joined = "\n".join(others)
        name = _NAMES[_range(_NOT_ASCII.search(joined).group())]
        if _outside(name).search(joined) is None:
            mixed = name != "latin" and _ASCII_BUT_NEWLINE.search(joined) is not None
            if name in WITHOUT_SPACES:
                self.sections[name].append((where, joined))
                if mixed:
                    for word in others:
                        if _ASCII.search(word):
                            self.sections["latin"].append((where, word))
            else:
                held = postings[name]
                for word in others:
                    held[word].append(where)
                    if mixed and _ASCII.search(word):
                        latin[word].append(where)
            return
        sections: defaultdict[str, list[str]] = defaultdict(list)
        for word in others:
            names = scripts(word)
            if WITHOUT_SPACES.isdisjoint(names):
                for name in names:
                    postings[name][word].append(where)
            else:
                for name in names:
                    sections[name].append(word)
        for name, words in sections.items():
            self.sections[name].append((where, "\n".join(words)))

    def index(self, before: TextIndex | None) -> TextIndex:
        """The index of what was added, extending ``before`` (None: on its own)."""
        size = max(self.size, before.size if before else 0)
        vocabularies = dict(before.vocabularies) if before else {}
        for name, postings in self.postings.items():
            if not postings:
                continue
            old = vocabularies.get(name)
            if old is None:
                vocabularies[name] = _word_index(postings, size)
            else:
                documents: defaultdict[int, list[str]] = defaultdict(list)
                for word, places in postings.items():
                    for where in places:
                        documents[where].append(word)
                texts = {where: " ".join(words) for where, words in documents.items()}
                vocabularies[name] = old.with_documents(texts, prepared=True)
        runs = dict(before.runs) if before else {}
        for name, sections in self.sections.items():
            runs[name] = _Runs.of(sections, runs.get(name))
        return TextIndex(size, vocabularies, runs)


def _word_index(postings: dict[str, array], size: int) -> WordIndex:
    """A word index of these postings (as ``WordIndex.build`` makes, for positions that
    need not be consecutive): a word found in many documents is held as a bitset."""
    dense = max(size // DENSE, 1)
    held: dict[str, array | int] = dict(postings)
    for word, places in postings.items():
        if len(places) > dense:
            held[word] = positions_mask(places, size)
    return WordIndex(held, size)
