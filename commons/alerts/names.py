"""Matching the names of recruitment actors however they are written.

The same agency is written "PT Sinar Jaya Abadi", "Sinar Jaya", "สินาร์ จายา" or with a
typo. A name is normalised (Latin letters via anyascii, lower case, no accents, no
punctuation, no company suffix) and compared with rapidfuzz; a consonant skeleton of
each word also compares, so that transliterations that differ in their vowels
("Somchai" / "smchay") still meet.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz import fuzz

# Company forms dropped before comparing: they say nothing about who the actor is.
_SUFFIX_WORDS = (
    "co company corp corporation inc incorporated ltd limited llc llp plc pte pvt "
    "private pt tbk cv ud sdn bhd berhad gmbh ag sa sas sarl srl spa bv nv jsc ojsc "
    "ooo tnhh ptl lp group the and"
)
SUFFIXES = frozenset(_SUFFIX_WORDS.split())
MINIMUM_SCORE = 80
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouyhw]")


def normalise(name: str) -> str:
    """``"  PT. Sinar-Jaya Sdn. Bhd."`` → ``"sinar jaya"``."""
    words = _NOT_WORD.sub(" ", anyascii(name or "").casefold()).split()
    kept = [word for word in words if word not in SUFFIXES]
    return " ".join(kept or words)


def licence_key(number: str) -> str:
    """A licence or registration number without spaces, dashes, dots or slashes."""
    return _NOT_WORD.sub("", anyascii(number or "").casefold())


def _skeleton(text: str) -> str:
    return " ".join(
        word[0] + _VOWELS.sub("", word[1:]) if len(word) > 1 else word for word in text.split()
    )


def score(query: str, names: list[str]) -> float:
    """How well a normalised ``query`` matches the best of normalised ``names`` (0–100)."""
    best = 0.0
    if not query:
        return best
    query_skeleton = _skeleton(query)
    for name in names:
        if not name:
            continue
        found = max(
            fuzz.token_set_ratio(query, name),
            fuzz.ratio(query, name),
            0.95 * fuzz.token_set_ratio(query_skeleton, _skeleton(name))
            if len(query_skeleton.replace(" ", "")) >= 3
            else 0,
        )
        if len(query) >= 4:
            found = max(found, 0.95 * fuzz.partial_ratio(query, name))
        best = max(best, found)
    return best


def search_names(actor_name: str, aliases: list[str]) -> str:
    """The normalised names of an actor, one per line (what ``Alert.search_names`` keeps)."""
    seen: list[str] = []
    for name in [actor_name, *aliases]:
        normal = normalise(name)
        if normal and normal not in seen:
            seen.append(normal)
    return "\n".join(seen)
