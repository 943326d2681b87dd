"""Lists of names joined as the reader's language joins them (CLDR list patterns, through
Babel): "Thailand, Myanmar and Cambodia", "تايلاند وميانمار وكمبوديا"."""

from babel.lists import format_list

from commons.lib.cldr import cldr_locale, reader_language


def join_list(items, language: str | None = None) -> str:
    """``items`` (strings, or anything with a string form) joined in ``language`` (default:
    the active language); empty items are left out."""
    names = [str(item) for item in items if item not in (None, "")]
    if len(names) < 2:
        return "".join(names)
    return format_list(names, style="standard", locale=cldr_locale(reader_language(language)))


def list_separator(language: str | None = None) -> str:
    """What goes between two items of a list in ``language`` (CLDR's middle pattern):
    ", " in English, "၊ " in Burmese, " و" in Arabic (the "and" joins the next word)."""
    middle = cldr_locale(reader_language(language)).list_patterns["standard"]["middle"]
    return middle.replace("{0}", "").replace("{1}", "")
