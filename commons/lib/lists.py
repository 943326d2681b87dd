"""Lists of names joined as the reader's language joins them (CLDR list patterns, through
Babel): "Thailand, Myanmar and Cambodia", "تايلاند وميانمار وكمبوديا"."""

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.utils.translation import get_language, to_locale


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return None


def join_list(items, language: str | None = None) -> str:
    """``items`` (strings, or anything with a string form) joined in ``language`` (default:
    the active language); empty items are left out."""
    names = [str(item) for item in items if item not in (None, "")]
    locale = _locale(language or get_language() or "en")
    if locale is None or len(names) < 2:
        return ", ".join(names)
    return format_list(names, style="standard", locale=locale)


def list_separator(language: str | None = None) -> str:
    """What goes between two items of a list in ``language`` (CLDR's middle pattern):
    ", " in English, "၊ " in Burmese, " و" in Arabic (the "and" joins the next word)."""
    locale = _locale(language or get_language() or "en")
    if locale is None:
        return ", "
    return locale.list_patterns["standard"]["middle"].replace("{0}", "").replace("{1}", "")
