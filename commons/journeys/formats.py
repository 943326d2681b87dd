"""Reading journey records from a table (CSV or XLSX), in the native layout.

The native layout (docs/data-formats.md) has one row per record and a column per field;
stages are ``recruitment_country``/``recruitment_place``, ``transit_1_country``/
``transit_1_place`` … and ``exploitation_country``/``exploitation_place``; multi-valued
cells are separated by ``;``. Every value is checked against its vocabulary: a record
can hold nothing but codes, countries, known places, a year and a number, so no name or
free text gets in through a cell (docs/privacy.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pycountry
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
    Sex,
)
from commons.lib.gazetteer import find_place

MAX_TRANSIT = 5
MAX_COUNT = 100_000
FIRST_YEAR = 1990
STAGE_COLUMNS = (
    "recruitment_country",
    "recruitment_place",
    *(f"transit_{n}_{part}" for n in range(1, MAX_TRANSIT + 1) for part in ("country", "place")),
    "exploitation_country",
    "exploitation_place",
)
NATIVE_COLUMNS = (
    "case_reference",
    "year",
    "sex",
    "age_band",
    "citizenship",
    *STAGE_COLUMNS,
    "forms",
    "sector",
    "means_of_control",
    "recruiter_relation",
    "count",
)
REQUIRED_COLUMNS = ("year", "exploitation_country")

_SEPARATOR = re.compile(r"\s*;\s*")
_AGE = re.compile(r"^(\d{1,2})\s*(?:-{1,2}|–|—|to)\s*(\d{1,2})$")
_SEX = {
    "female": Sex.FEMALE, "f": Sex.FEMALE, "woman": Sex.FEMALE, "girl": Sex.FEMALE,
    "male": Sex.MALE, "m": Sex.MALE, "man": Sex.MALE, "boy": Sex.MALE,
    "other": Sex.OTHER, "non-conforming": Sex.OTHER, "nonconforming": Sex.OTHER,
    "transgender/nonconforming": Sex.OTHER, "transgender": Sex.OTHER,
    "unknown": Sex.UNKNOWN, "": Sex.UNKNOWN,
}  # fmt: skip
_AGE_WORDS = {
    "child": AgeBand.CHILD, "minor": AgeBand.CHILD,
    "adult": AgeBand.ADULT, "unknown": AgeBand.UNKNOWN, "": AgeBand.UNKNOWN,
    "48+": AgeBand.AGE_48_PLUS, "48 +": AgeBand.AGE_48_PLUS,
}  # fmt: skip


class RowRejected(ValueError):
    """A row that cannot be a record; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Stage:
    country: str
    subdivision: str = ""
    place: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"country": self.country, "subdivision": self.subdivision, "place": self.place}


@dataclass
class JourneyRow:
    """A checked record, before it is stored (the case reference is hashed then)."""

    year: int
    exploitation: Stage
    case_reference: str = ""
    sex: str = Sex.UNKNOWN
    age_band: str = AgeBand.UNKNOWN
    citizenship: str = ""
    recruitment: Stage | None = None
    transit: list[Stage] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    sector: str = ""
    means_of_control: list[str] = field(default_factory=list)
    recruiter_relation: str = RecruiterRelation.UNKNOWN
    count: int = 1


# --- Single values ---------------------------------------------------------------------


@cache
def _country_codes() -> dict[str, str]:
    """Alpha-2 and alpha-3 codes (upper-case) -> alpha-2."""
    codes = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = country.alpha_2
        codes[country.alpha_3] = country.alpha_2
    codes["XK"] = "XK"  # Kosovo: used by CTDC and most of the field, not in ISO 3166-1
    return codes


@lru_cache(maxsize=4_096)  # a few hundred countries, in a few columns
def country(value: str, column: str) -> str:
    value = value.strip()
    if not value:
        return ""
    code = _country_codes().get(value.upper())
    if code is None:
        raise RowRejected(
            _("%(column)s: %(value)s is not an ISO 3166 country code (such as TH or THA).")
            % {"column": column, "value": repr(value)}
        )
    return code


@cache
def _subdivisions(country_code: str) -> dict[str, str]:
    """First-level subdivisions of a country: code and lower-cased name -> code."""
    found: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code=country_code) or []:
        if getattr(subdivision, "parent_code", None):
            continue
        found[subdivision.code.upper()] = subdivision.code
        found[subdivision.name.casefold()] = subdivision.code
    return found


@lru_cache(maxsize=50_000)  # an import names the same places again and again
def place(country_code: str, value: str, column: str) -> Stage:
    """A stage in ``country_code``: the place is an ISO 3166-2 first-level subdivision
    (by code or name) or a town the offline gazetteer knows; nothing else is kept."""
    value = value.strip()
    if not value:
        return Stage(country_code)
    if not country_code:
        raise RowRejected(
            _("%(column)s: a place needs its country in the column before it.") % {"column": column}
        )
    subdivisions = _subdivisions(country_code)
    code = subdivisions.get(value.upper()) or subdivisions.get(value.casefold())
    if code:
        return Stage(country_code, subdivision=code)
    town = find_place(country_code, value)
    if town is not None:
        return Stage(country_code, place=town.name)
    raise RowRejected(
        _(
            "%(column)s: %(value)s is neither a province or state of %(country)s nor a "
            "town the gazetteer knows (towns of 15,000 people or more). Leave it empty "
            "or give the province."
        )
        % {"column": column, "value": repr(value), "country": country_code}
    )


@lru_cache(maxsize=256)  # accepted once, a year stays acceptable
def year(value: str) -> int:
    if not value:
        raise RowRejected(_("year: empty; every record needs it."))
    try:
        number = int(float(value)) if value and float(value).is_integer() else int(value)
    except ValueError:
        raise RowRejected(_("year: %(value)s is not a year.") % {"value": repr(value)}) from None
    latest = timezone.now().year
    if not FIRST_YEAR <= number <= latest:
        raise RowRejected(
            _("year: %(value)s is not between %(first)s and %(last)s.")
            % {"value": number, "first": FIRST_YEAR, "last": latest}
        )
    return number


def sex(value: str) -> str:
    found = _SEX.get(value.strip().casefold())
    if found is None:
        raise RowRejected(
            _("sex: %(value)s is not one of female, male, other, unknown.") % {"value": repr(value)}
        )
    return found


@lru_cache(maxsize=256)
def age_band(value: str) -> str:
    text = value.strip().casefold()
    if text in _AGE_WORDS:
        return _AGE_WORDS[text]
    match = _AGE.match(text)
    if match:
        code = f"{int(match[1])}-{int(match[2])}"
        if code in _codes_of(AgeBand):
            return code
        raise RowRejected(
            _(
                "age_band: %(value)s is not one of the bands 0-8, 9-17, 18-20, 21-23, "
                "24-26, 27-29, 30-38, 39-47, 48+ (or child, adult)."
            )
            % {"value": repr(value)}
        )
    raise RowRejected(
        _("age_band: %(value)s is not an age band (such as 9-17 or 48+).") % {"value": repr(value)}
    )


@cache
def _codes_of(vocabulary) -> frozenset[str]:
    return frozenset(vocabulary.values)  # Django builds ``values`` anew at every access


def codes(value: str, vocabulary, column: str) -> list[str]:
    return list(_codes(value, vocabulary, column))


@lru_cache(maxsize=10_000)  # the same few combinations recur in every file
def _codes(value: str, vocabulary, column: str) -> tuple[str, ...]:
    found: list[str] = []
    for item in _SEPARATOR.split(value.strip()) if value.strip() else []:
        code = item.casefold().replace(" ", "_").replace("-", "_")
        if code not in _codes_of(vocabulary):
            raise RowRejected(
                _("%(column)s: %(value)s is not one of: %(codes)s.")
                % {"column": column, "value": repr(item), "codes": ", ".join(vocabulary.values)}
            )
        if code not in found:
            found.append(code)
    return tuple(found)


def one_code(value: str, vocabulary, column: str, default: str = "") -> str:
    found = _codes(value, vocabulary, column)
    if len(found) > 1:
        raise RowRejected(_("%(column)s: one value only.") % {"column": column})
    return found[0] if found else default


def count(value: str) -> int:
    if not value:
        return 1
    try:
        number = int(float(value)) if float(value).is_integer() else -1
    except ValueError:
        number = -1
    if not 1 <= number <= MAX_COUNT:
        raise RowRejected(
            _("count: %(value)s is not a whole number from 1 to %(max)s.")
            % {"value": repr(value), "max": number_format(MAX_COUNT, force_grouping=True)}
        )
    return number


def case_reference(value: str) -> str:
    if len(value) > 100:
        raise RowRejected(_("case_reference: longer than 100 characters."))
    return value.strip()


# --- Rows ---------------------------------------------------------------------------------


def missing_columns(header: list[str]) -> list[str]:
    return [column for column in REQUIRED_COLUMNS if column not in header]


def unknown_columns(header: list[str]) -> list[str]:
    return [column for column in header if column not in NATIVE_COLUMNS]


# Each stage's country and place columns.
_RECRUITMENT_COLUMNS = ("recruitment_country", "recruitment_place")
_TRANSIT_COLUMNS = tuple(
    (f"transit_{n}_country", f"transit_{n}_place") for n in range(1, MAX_TRANSIT + 1)
)
_EXPLOITATION_COLUMNS = ("exploitation_country", "exploitation_place")


def native_row(row: dict) -> JourneyRow:
    """Check one row of the native layout: column name -> text, stripped (as
    ``read_table`` gives it)."""
    if row.get(None):
        raise RowRejected(_("The row has more cells than the header has columns."))
    # Written for speed (an import checks a million rows): each cell is read once, and
    # the checks are cached functions of the cell's text.
    get = row.get

    def stage(columns: tuple[str, str]) -> Stage | None:
        given, where = get(columns[0]) or "", get(columns[1]) or ""
        if not given and not where:
            return None
        return place(country(given, columns[0]), where, columns[1])

    exploitation = stage(_EXPLOITATION_COLUMNS)
    if exploitation is None:
        raise RowRejected(_("exploitation_country: empty; every record needs it."))
    # Most records pass through no country or one: empty stages are skipped unread.
    transit = [
        found
        for columns in _TRANSIT_COLUMNS
        if (get(columns[0]) or get(columns[1])) and (found := stage(columns)) is not None
    ]
    return JourneyRow(
        case_reference=case_reference(get("case_reference") or ""),
        year=year(get("year") or ""),
        sex=sex(get("sex") or ""),
        age_band=age_band(get("age_band") or ""),
        citizenship=country(get("citizenship") or "", "citizenship"),
        recruitment=stage(_RECRUITMENT_COLUMNS),
        transit=transit,
        exploitation=exploitation,
        forms=codes(get("forms") or "", Exploitation, "forms"),
        sector=one_code(get("sector") or "", Sector, "sector"),
        means_of_control=codes(get("means_of_control") or "", MeansOfControl, "means_of_control"),
        recruiter_relation=one_code(
            get("recruiter_relation") or "",
            RecruiterRelation,
            "recruiter_relation",
            RecruiterRelation.UNKNOWN,
        ),
        count=count(get("count") or ""),
    )


def export_row(record) -> dict[str, object]:
    """A record as a row of the native layout (``NATIVE_COLUMNS``); importing the row
    gives the record back, except its case reference, which is never stored."""
    row: dict[str, object] = {
        "case_reference": "",
        "year": record.year,
        "sex": record.sex,
        "age_band": record.age_band,
        "citizenship": record.citizenship,
        "recruitment_country": record.recruitment_country,
        "recruitment_place": record.recruitment_subdivision or record.recruitment_place,
        "exploitation_country": record.exploitation_country,
        "exploitation_place": record.exploitation_subdivision or record.exploitation_place,
        "forms": ";".join(record.forms),
        "sector": record.sector,
        "means_of_control": ";".join(record.means_of_control),
        "recruiter_relation": record.recruiter_relation,
        "count": record.count,
    }
    for n, stage in enumerate(record.transit[:MAX_TRANSIT], start=1):
        row[f"transit_{n}_country"] = stage.get("country", "")
        row[f"transit_{n}_place"] = stage.get("subdivision") or stage.get("place", "")
    return row
