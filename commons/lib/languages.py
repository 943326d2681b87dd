"""Languages from pycountry's offline ISO 639 data, named in the reader's language."""

import gettext
from functools import cache

import pycountry
from django.utils.functional import lazy
from django.utils.translation import get_language


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
    """The name of an ISO 639 language (two- or three-letter code) in ``language``."""
    found = _lookup(code)
    if found is None:
        return code
    return _catalogue(language or get_language() or "en").gettext(found.name)


LANGUAGE_CHOICES = sorted(
    (
        (lang.alpha_2, lazy(language_name, str)(lang.alpha_2))
        for lang in pycountry.languages
        if hasattr(lang, "alpha_2")
    ),
    key=lambda choice: pycountry.languages.get(alpha_2=choice[0]).name,
)
