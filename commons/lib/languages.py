"""Languages: ISO 639 codes from pycountry's offline data, named in the reader's language
from CLDR (through Babel), and the languages the interface itself speaks."""

import gettext
import math
from functools import cache
from pathlib import Path

import pycountry
from django.conf import settings
from django.utils.translation import to_locale

from commons.lib.cldr import NamedChoices, cldr_locale, for_menu, reader_language


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language.replace("-", "_")], fallback=True
    )


def _lookup(code: str):
    code = code.lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    return pycountry.languages.get(alpha_3=code)


def canonical_language(code: str) -> str | None:
    """The ISO 639-1 code of a language given by its two- or three-letter code (the
    three-letter one when it has no two-letter code), or None when unknown."""
    found = _lookup(code) if len(code or "") in (2, 3) else None
    if found is None:
        return None
    return getattr(found, "alpha_2", None) or found.alpha_3


def is_language(code: str) -> bool:
    return canonical_language(code) is not None


def language_name(code: str, language: str | None = None) -> str:
    """The name of an ISO 639 language (two- or three-letter code) in ``language``
    (default: the active language): CLDR's, else pycountry's translation or English name,
    else the code as given. Spanish and French names are in lower case, for a sentence."""
    found = _lookup(code)
    if found is None:
        return code
    reader = reader_language(language)
    names = cldr_locale(reader).languages
    for key in (getattr(found, "alpha_2", None), found.alpha_3):
        if key in names:
            return names[key]
    return _catalogue(reader).gettext(found.name)


def _menu_language_name(code: str, language: str | None = None) -> str:
    return for_menu(language_name(code, language))


# Every language with a two-letter code, sorted by its name in the reader's language each
# time it is read.
LANGUAGE_CHOICES = NamedChoices(
    sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")),
    _menu_language_name,
)


def endonym(code: str) -> str:
    """A language's name for itself (``km`` → ខ្មែរ), as the first word of a menu item."""
    return for_menu(cldr_locale(code).get_display_name(cldr_locale(code)))


@cache
def _interface_languages(reader: str, codes: tuple[str, ...]) -> tuple[dict, ...]:
    return tuple(
        {
            "code": code,
            "endonym": endonym(code),
            "name": for_menu(cldr_locale(code).get_display_name(cldr_locale(reader))),
            # as Django decides the page's direction, so that a language Django does not
            # know (its LANG_INFO has no Lao) works too
            "bidi": code.split("-")[0] in settings.LANGUAGES_BIDI,
        }
        for code in codes
    )


def interface_languages(language: str | None = None) -> list[dict]:
    """The languages the interface speaks (``settings.LANGUAGES``, in that order), each as
    ``code``, ``endonym`` (its own name), ``name`` (in the reader's language), ``bidi``
    (written right to left) and ``current`` (the reader's language)."""
    reader = reader_language(language)
    codes = tuple(code for code, _name in settings.LANGUAGES)
    return [
        {**entry, "current": entry["code"] == reader}
        for entry in _interface_languages(reader, codes)
    ]


def _messages_in(po: Path) -> int:
    """How many messages a .po file asks to translate: every live ``msgid`` but the header's
    (an empty one followed at once by its ``msgstr``; a long msgid also starts empty)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    return sum(
        1
        for line, after in zip(lines, [*lines[1:], ""], strict=True)
        if line.startswith("msgid ") and not (line == 'msgid ""' and after.startswith("msgstr"))
    )


@cache
def catalogue_completeness(code: str) -> int | None:
    """The percentage of the interface's messages translated into ``code``, rounded down
    (100 means complete), worked out once per process: the messages in the compiled
    catalogue (which leaves out empty and fuzzy translations) out of those its ``django.po``
    lists. 100 for the source language; None for a language without a catalogue."""
    if code == settings.LANGUAGE_CODE:
        return 100
    po = Path(settings.LOCALE_PATHS[0]) / to_locale(code) / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not (po.exists() and mo.exists()):
        return None
    total = _messages_in(po)
    if not total:
        return 100
    with mo.open("rb") as compiled:
        keys = gettext.GNUTranslations(compiled)._catalog
    # a plural message is one key per form: (msgid, 0), (msgid, 1)…
    done = len({key[0] if isinstance(key, tuple) else key for key in keys} - {""})
    return min(100, math.floor(100 * done / total))
