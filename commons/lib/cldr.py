"""CLDR data through Babel: one cached ``Locale`` per language, an ordering of names that
suits a reader of the language, and choices for a <select> sorted that way."""

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import lazy
from django.utils.translation import get_language, to_locale


def reader_language(language: str | None = None) -> str:
    """``language``, else the active language, else the site's default (Django's code)."""
    return language or get_language() or settings.LANGUAGE_CODE


@cache
def cldr_locale(language: str | None = None) -> Locale:
    """CLDR's data for a Django language code (``pt-br`` → ``pt_BR``): the language alone
    when CLDR has no such variant, English when it does not know the language at all."""
    code = language or settings.LANGUAGE_CODE
    for candidate in (to_locale(code), code.split("-")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse("en")


def for_menu(name: str) -> str:
    """A name as the first word of a list item: CLDR writes Spanish and French language
    names in lower case (“español”), which suits a sentence but not a menu."""
    return name[:1].upper() + name[1:]


# Thai and Lao write these vowels before the consonant they follow in speech; dictionaries
# order by the consonant, so the key puts the vowel after it.
_PREVOWELS = frozenset("เแโใไເແໂໃໄ")
# Letters with a stroke do not decompose; each sorts as its own letter after the plain one
# (Vietnamese Đ after D), "~" coming after every letter.
_STROKED = str.maketrans({"đ": "d~", "ł": "l~", "ø": "o~"})


def sort_key(name: str) -> tuple[str, str]:
    """A key that orders names close to how a dictionary of their language does, without a
    collation library: case and accents are ignored first (Åland with A, Égypte with E),
    Đ follows D, and Thai or Lao leading vowels count after their consonant; the exact
    name breaks ties."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = [ch for ch in folded.translate(_STROKED) if not unicodedata.combining(ch)]
    i = 0
    while i < len(letters) - 1:
        if letters[i] in _PREVOWELS:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
            i += 1
        i += 1
    return "".join(letters), name


class NamedChoices(BaseChoiceIterator):
    """``(code, name)`` pairs for a <select>, sorted by the names in the language active
    when they are read, with names that translate when rendered (so a copy made at import
    time still reads in the visitor's language).

    Model fields, form fields and templates take it like a list; the order for each
    language is worked out once per process.
    """

    def __init__(self, codes: Iterable[str], name: Callable[[str, str | None], str]):
        self.codes = tuple(codes)
        self.name = name
        self._labels = {code: lazy(name, str)(code) for code in self.codes}
        self._orders: dict[str, tuple[str, ...]] = {}

    def order(self, language: str | None = None) -> tuple[str, ...]:
        language = reader_language(language)
        order = self._orders.get(language)
        if order is None:
            order = tuple(sorted(self.codes, key=lambda code: sort_key(self.name(code, language))))
            self._orders[language] = order
        return order

    def __iter__(self):
        for code in self.order():
            yield code, self._labels[code]

    def __len__(self) -> int:
        return len(self.codes)

    def __bool__(self) -> bool:
        return bool(self.codes)

    # Forms deep-copy their fields for every form made; nothing here changes after import.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self) -> str:
        return f"<NamedChoices: {len(self.codes)} codes>"
