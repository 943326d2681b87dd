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


def is_language(code: str) -> bool:
    return bool(code) and _lookup(code) is not None


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
