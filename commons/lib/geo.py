"""Countries: the ISO 3166 codes and English names from pycountry's offline data, named in
the reader's language from CLDR (through Babel)."""

import re
from functools import cache

import pycountry
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from commons.lib.cldr import NamedChoices, cldr_locale, reader_language


def country_name(code: str, language: str | None = None) -> str:
    """The common name of a country (ISO 3166-1 alpha-2) in ``language`` (default: the
    active language), else the code as given.

    English, the language the site is written in, keeps ISO 3166's names as pycountry
    gives them ("Myanmar", where CLDR says "Myanmar (Burma)"); every other language reads
    CLDR's. A code one of them lacks takes the other's name (Kosovo, XK, is CLDR's only).
    """
    upper = (code or "").upper()
    if len(upper) != 2 or upper == "ZZ":  # CLDR's ZZ is "Unknown Region"
        return code
    country = pycountry.countries.get(alpha_2=upper)
    english = country and (getattr(country, "common_name", None) or country.name)
    locale = cldr_locale(reader_language(language))
    if english and locale.language == "en":
        return english
    return locale.territories.get(upper) or english or code


lazy_country_name = lazy(country_name, str)

COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)  # ISO 3166-1 alpha-2
# Every country, sorted by its name in the reader's language each time it is read.
COUNTRY_CHOICES = NamedChoices(sorted(COUNTRY_CODES), country_name)


class CountryField(models.CharField):
    """A country as its ISO 3166-1 alpha-2 code, offered by its name in the reader's
    language. The choices stay out of migrations: their names and order change with
    CLDR and with the reader, and the database stores only the code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("choices", COUNTRY_CHOICES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Django's get_FOO_display builds a dict of every choice on each call, naming all
        # 249 countries to show one (half a second for a directory page of 25 cards).
        attname = self.attname

        def display(instance) -> str:
            return country_name(getattr(instance, attname))

        display.__name__ = f"get_{name}_display"
        setattr(cls, display.__name__, display)


class Region(models.TextChoices):
    """The regions the movement's forums are organised by (the 2021 regional forums,
    with Europe, North America and the Caribbean each distinct), and the global level."""

    GLOBAL = "global", _("Global")
    AFRICA = "africa", _("Africa")
    ASIA_PACIFIC = "asia-pacific", _("Asia and the Pacific")
    LATIN_AMERICA = "latin-america", _("Latin America")
    MENA = "mena", _("Middle East and North Africa")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north-america", _("North America")
    CARIBBEAN = "caribbean", _("Caribbean")


_ENGLISH_CLDR = cldr_locale("en").territories


@cache
def _names_to_codes(language: str) -> dict[str, str]:
    """Case-folded codes and names (English, official, common, and in ``language``) →
    ISO 3166-1 alpha-2."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (
            code,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
            _ENGLISH_CLDR.get(code, ""),
            country_name(code, language),
        ):
            if name:
                names.setdefault(name.casefold(), code)
    return names


def countries_typed(text: str) -> tuple[list[str], list[str]]:
    """Countries typed as codes or names, separated by commas, semicolons or lines →
    (their alpha-2 codes in the order typed, what was not recognised)."""
    names = _names_to_codes(reader_language())
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;\n]", text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        code = names.get(part.casefold())
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


# The forums' regions by their member countries (ISO 3166-1 alpha-2). Central Asia and
# the Pacific islands belong to Asia and the Pacific; North Africa to the Middle East and
# North Africa; Mexico and Central America to Latin America.
_REGION_MEMBERS = {
    Region.AFRICA: (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU "
        "MW MZ NA NE NG RE RW SC SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW"
    ),
    Region.ASIA_PACIFIC: (
        "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN IO JP KG KH KI KP KR KZ LA LK MH MM "
        "MN MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TJ TK TL TM TO TV TW UM "
        "UZ VN VU WF WS"
    ),
    Region.LATIN_AMERICA: "AR BO BR BZ CL CO CR EC FK GF GS GT GY HN MX NI PA PE PY SR SV UY VE",
    Region.MENA: "AE BH DZ EG EH IL IQ IR JO KW LB LY MA OM PS QA SA SD SY TN TR YE",
    Region.EUROPE: (
        "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE "
        "IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
    ),
    Region.NORTH_AMERICA: "BM CA GL PM US",
    Region.CARIBBEAN: (
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"
    ),
}
REGION_OF_COUNTRY = {
    code: region for region, codes in _REGION_MEMBERS.items() for code in codes.split()
}


def regions_of(countries) -> list[str]:
    """The regions (``Region`` codes) of ``countries``, in ``Region``'s order; a country
    the table does not place (Antarctica, say) counts for no region."""
    found = {REGION_OF_COUNTRY.get(code.upper()) for code in countries or []}
    return [region.value for region in Region if region in found]
