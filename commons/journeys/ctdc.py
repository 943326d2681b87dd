"""Journey records in the layout of the CTDC global dataset, in and out.

The Counter Trafficking Data Collaborative publishes its k-anonymised global dataset as
one row per person: a year, gender, age band, citizenship, country of exploitation and
flag columns (1, 0, or -99 when unknown) for the forms of exploitation, the type of
labour, the means of control and the recruiter's relation. Organisations that already
report to CTDC can send us that file as it is, and take our records back in the same
layout. How each column maps to our vocabularies, and what is lost in each direction, is
documented in docs/data-formats.md ("Journey records: CTDC layout").

Column names are matched in any case, and a name cut at 32 characters (as Stata writes
them) is taken for the column it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.utils.translation import gettext as _

from commons.journeys import formats
from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
    Sex,
    age_group,
)

MISSING = -99
CUT = 32  # the longest variable name Stata keeps

YEAR = "yearOfRegistration"
GENDER = "gender"
AGE = "ageBroad"
MAJORITY = "majorityStatus"
MAJORITY_AT_EXPLOIT = "majorityStatusAtExploit"
CITIZENSHIP = "citizenship"
EXPLOITATION = "CountryOfExploitation"
SEX_AND_LABOUR = "isSexAndLabour"
MILITARY = "isForcedMilitary"
OTHER_EXPLOIT = "isOtherExploit"
OTHER_LABOUR = "typeOfLabourOther"
REQUIRED_COLUMNS = (YEAR, EXPLOITATION)

# Every column of the 2017–2023 global dataset, in its order.
COLUMNS = (
    YEAR, "Datasource", GENDER, AGE, MAJORITY, MAJORITY_AT_EXPLOIT, "majorityEntry",
    CITIZENSHIP, EXPLOITATION,
    "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities", "meansOfControlWithholdsDocuments",
    "meansOfControlOther", "meansOfControlNotSpecified",
    "isForcedLabour", "isSexualExploit", OTHER_EXPLOIT, SEX_AND_LABOUR, "isForcedMarriage",
    MILITARY, "isOrganRemoval", "isSlaveryAndPractices",
    "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling", "typeOfLabourPeddling", "typeOfLabourTransportation",
    OTHER_LABOUR, "typeOfLabourNotSpecified",
    "typeOfSexProstitution", "typeOfSexPornography", "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "isAbduction",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther", "recruiterRelationUnknown",
)  # fmt: skip

MEANS = {
    "meansOfControlDebtBondage": MeansOfControl.DEBT_BONDAGE,
    "meansOfControlTakesEarnings": MeansOfControl.TAKES_EARNINGS,
    "meansOfControlRestrictsFinancialAccess": MeansOfControl.RESTRICTS_FINANCES,
    "meansOfControlThreats": MeansOfControl.THREATS,
    "meansOfControlPsychologicalAbuse": MeansOfControl.PSYCHOLOGICAL_ABUSE,
    "meansOfControlPhysicalAbuse": MeansOfControl.PHYSICAL_ABUSE,
    "meansOfControlSexualAbuse": MeansOfControl.SEXUAL_ABUSE,
    "meansOfControlFalsePromises": MeansOfControl.FALSE_PROMISES,
    "meansOfControlPsychoactiveSubstances": MeansOfControl.SUBSTANCES,
    "meansOfControlRestrictsMovement": MeansOfControl.RESTRICTS_MOVEMENT,
    "meansOfControlRestrictsMedicalCare": MeansOfControl.RESTRICTS_MEDICAL_CARE,
    "meansOfControlExcessiveWorkingHours": MeansOfControl.EXCESSIVE_HOURS,
    "meansOfControlUsesChildren": MeansOfControl.USES_CHILDREN,
    "meansOfControlThreatOfLawEnforcement": MeansOfControl.LAW_ENFORCEMENT_THREATS,
    "meansOfControlWithholdsNecessities": MeansOfControl.WITHHOLDS_NECESSITIES,
    "meansOfControlWithholdsDocuments": MeansOfControl.WITHHOLDS_DOCUMENTS,
    "meansOfControlOther": MeansOfControl.OTHER,
}
# Type-of-exploitation flags, and the two types of labour that are forms of their own.
# isForcedMilitary is child_soldiers for a minor only (see _forms); isOtherExploit and
# isSlaveryAndPractices have no code of ours and are not read.
FORMS = {
    "isForcedLabour": (Exploitation.FORCED_LABOUR,),
    "isSexualExploit": (Exploitation.SEXUAL,),
    SEX_AND_LABOUR: (Exploitation.SEXUAL, Exploitation.FORCED_LABOUR),
    "isForcedMarriage": (Exploitation.FORCED_MARRIAGE,),
    MILITARY: (Exploitation.CHILD_SOLDIERS,),
    "isOrganRemoval": (Exploitation.ORGAN_REMOVAL,),
    "typeOfLabourBegging": (Exploitation.FORCED_BEGGING,),
    "typeOfLabourIllicitActivities": (Exploitation.FORCED_CRIMINALITY,),
}
# In CTDC's column order: when several are set, the first is the record's sector.
SECTORS = {
    "typeOfLabourAgriculture": Sector.AGRICULTURE,
    "typeOfLabourAquafarming": Sector.FISHING,
    "typeOfLabourConstruction": Sector.CONSTRUCTION,
    "typeOfLabourDomesticWork": Sector.DOMESTIC_WORK,
    "typeOfLabourHospitality": Sector.HOSPITALITY,
    "typeOfLabourManufacturing": Sector.MANUFACTURING,
    "typeOfLabourMiningOrDrilling": Sector.MINING,
    "typeOfLabourPeddling": Sector.RETAIL,
    "typeOfLabourTransportation": Sector.TRANSPORT,
}
# Likewise: the first relation set is the record's.
RELATIONS = {
    "recruiterRelationIntimatePartner": RecruiterRelation.INTIMATE_PARTNER,
    "recruiterRelationFriend": RecruiterRelation.FRIEND,
    "recruiterRelationFamily": RecruiterRelation.FAMILY,
    "recruiterRelationOther": RecruiterRelation.OTHER,
    "recruiterRelationUnknown": RecruiterRelation.UNKNOWN,
}
# The columns a record is built from; every other column of a file is reported ignored.
READ_COLUMNS = frozenset(
    {YEAR, GENDER, AGE, MAJORITY, MAJORITY_AT_EXPLOIT, CITIZENSHIP, EXPLOITATION}
    | set(MEANS)
    | set(FORMS)
    | set(SECTORS)
    | set(RELATIONS)
)

# --- Export: the nearest CTDC column of codes that have none of their own ---------------

_EXPORT_FORMS = {
    Exploitation.SEXUAL: "isSexualExploit",
    Exploitation.FORCED_LABOUR: "isForcedLabour",
    Exploitation.FORCED_CRIMINALITY: "typeOfLabourIllicitActivities",
    Exploitation.FORCED_MARRIAGE: "isForcedMarriage",
    Exploitation.CHILD_SEXUAL_ONLINE: "isSexualExploit",
    Exploitation.CHILD_SEXUAL: "isSexualExploit",
    Exploitation.CHILD_LABOUR: "isForcedLabour",
    Exploitation.DOMESTIC_SERVITUDE: "isForcedLabour",
    Exploitation.DEBT_BONDAGE: "isForcedLabour",
    Exploitation.FORCED_BEGGING: "typeOfLabourBegging",
    Exploitation.ORGAN_REMOVAL: "isOrganRemoval",
    Exploitation.CHILD_SOLDIERS: MILITARY,
    Exploitation.ILLEGAL_ADOPTION: OTHER_EXPLOIT,
}
_EXPORT_SECTORS = {code: column for column, code in SECTORS.items()} | {
    Sector.GARMENTS: "typeOfLabourManufacturing",
    Sector.ELECTRONICS: "typeOfLabourManufacturing",
    Sector.BRICK_KILNS: "typeOfLabourManufacturing",
    Sector.FORESTRY: "typeOfLabourAgriculture",
    Sector.ENTERTAINMENT: OTHER_LABOUR,
    Sector.ONLINE_SCAMS: OTHER_LABOUR,
}
EXPLOIT_FLAGS = (
    "isForcedLabour", "isSexualExploit", OTHER_EXPLOIT, SEX_AND_LABOUR, "isForcedMarriage",
    MILITARY, "isOrganRemoval",
)  # fmt: skip
LABOUR_FLAGS = (
    "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling", "typeOfLabourPeddling", "typeOfLabourTransportation",
    OTHER_LABOUR,
)  # fmt: skip
# The columns an export fills, in CTDC's order (the other columns would all be -99).
EXPORT_COLUMNS = (
    YEAR, GENDER, AGE, MAJORITY, MAJORITY_AT_EXPLOIT, CITIZENSHIP, EXPLOITATION,
    *MEANS, *EXPLOIT_FLAGS, *LABOUR_FLAGS, *RELATIONS,
)  # fmt: skip
_GENDERS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Transgender/NonConforming"}


# --- Columns ------------------------------------------------------------------------------

_BY_NAME = {column.casefold(): column for column in COLUMNS}
_BY_CUT = {column.casefold()[:CUT]: column for column in COLUMNS if len(column) > CUT}


def ctdc_column(name: str) -> str | None:
    """The CTDC column a file's column name stands for, or None: the same name in any
    case, or its first 32 characters."""
    key = name.strip().casefold()
    return _BY_NAME.get(key) or (_BY_CUT.get(key) if len(key) == CUT else None)


def ctdc_columns(header: Iterable[str]) -> dict[str, str]:
    """CTDC column -> the file's name for it, for the columns the header holds (the
    first of two names for the same column wins; the other is ignored)."""
    found: dict[str, str] = {}
    for name in header:
        column = ctdc_column(name)
        if column is not None and column not in found:
            found[column] = name
    return found


@lru_cache(maxsize=16)
def _columns(header: tuple[str, ...]) -> dict[str, str]:
    return ctdc_columns(header)


def is_ctdc(header: Iterable[str]) -> bool:
    return EXPLOITATION in ctdc_columns(header)


def missing_columns(header: Iterable[str]) -> list[str]:
    found = ctdc_columns(header)
    return [column for column in REQUIRED_COLUMNS if column not in found]


def unknown_columns(header: Iterable[str]) -> list[str]:
    """The file's columns no record is built from (Datasource, typeOfSex…, the
    …Concatenated summaries, names CTDC does not have …)."""
    used = {name for column, name in ctdc_columns(header).items() if column in READ_COLUMNS}
    return [name for name in header if name not in used]


# --- Import ---------------------------------------------------------------------------------


def _missing(value: str) -> bool:
    return value in ("", "-99", "-99.0")


def flag(value: str, column: str) -> bool | None:
    """1/0 (or true/false, yes/no), None when -99 or empty."""
    text = value.strip().casefold()
    if _missing(text):
        return None
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    try:
        number = float(text)
    except ValueError:
        number = None
    if number in (0, 1):
        return number == 1
    raise formats.RowRejected(
        _("%(column)s: %(value)s is not 1, 0 or -99 (unknown).")
        % {"column": column, "value": repr(value)}
    )


def _majority(value: str, column: str) -> str:
    """ "child", "adult" or "" (unknown)."""
    text = value.strip().casefold()
    if _missing(text):
        return ""
    if text in ("minor", "child"):
        return "child"
    if text == "adult":
        return "adult"
    raise formats.RowRejected(
        _("%(column)s: %(value)s is not Adult, Minor or -99 (unknown).")
        % {"column": column, "value": repr(value)}
    )


def ctdc_row(row: dict) -> formats.JourneyRow:
    """Check one row of the CTDC layout: one person (count 1), with no case reference;
    the recruitment country is the citizenship, which CTDC has in its place."""
    if row.get(None):
        raise formats.RowRejected(_("The row has more cells than the header has columns."))
    names = _columns(tuple(name for name in row if name is not None))

    def name(column: str) -> str:
        return names.get(column, column)

    def cell(column: str) -> str:
        value = (row.get(names[column]) or "").strip() if column in names else ""
        return "" if _missing(value) else value

    def flags(columns: Iterable[str]) -> list[str]:
        return [column for column in columns if flag(cell(column), name(column))]

    if not cell(YEAR):
        raise formats.RowRejected(
            _("%(column)s: empty or -99; every record needs the year.") % {"column": name(YEAR)}
        )
    try:
        year = formats.year(cell(YEAR))
    except formats.RowRejected:
        raise formats.RowRejected(
            _("%(column)s: %(value)s is not a year from %(first)s to this year.")
            % {"column": name(YEAR), "value": repr(cell(YEAR)), "first": formats.FIRST_YEAR}
        ) from None
    exploitation = formats.country(cell(EXPLOITATION), name(EXPLOITATION))
    if not exploitation:
        raise formats.RowRejected(
            _("%(column)s: empty or -99; every record needs the country of exploitation.")
            % {"column": name(EXPLOITATION)}
        )
    citizenship = formats.country(cell(CITIZENSHIP), name(CITIZENSHIP))
    age_band = _age_band(cell(AGE), name(AGE))
    majority = _majority(cell(MAJORITY), name(MAJORITY))
    if age_band == AgeBand.UNKNOWN and majority:
        age_band = AgeBand.CHILD if majority == "child" else AgeBand.ADULT
    # Read even when the age band already says "child", so that a bad cell is reported.
    at_exploit = _majority(cell(MAJORITY_AT_EXPLOIT), name(MAJORITY_AT_EXPLOIT))
    minor_when_exploited = age_group(age_band) == "child" or at_exploit == "child"
    sectors = [SECTORS[column] for column in flags(SECTORS)]
    relations = [RELATIONS[column] for column in flags(RELATIONS)]
    return formats.JourneyRow(
        year=year,
        exploitation=formats.Stage(exploitation),
        sex=_sex(cell(GENDER), name(GENDER)),
        age_band=age_band,
        citizenship=citizenship,
        recruitment=formats.Stage(citizenship) if citizenship else None,
        forms=_forms(flags(FORMS), minor_when_exploited),
        sector=sectors[0] if sectors else "",
        means_of_control=[MEANS[column] for column in flags(MEANS)],
        recruiter_relation=relations[0] if relations else RecruiterRelation.UNKNOWN,
        count=1,
    )


def _forms(columns: list[str], minor: bool) -> list[str]:
    found = {code for column in columns for code in FORMS[column]}
    # Our only code for forced military service is the recruitment of children by armed
    # groups; an adult's (or a person of unknown age's) has no code of its own and is
    # not guessed into another.
    if not minor:
        found.discard(Exploitation.CHILD_SOLDIERS)
    return [code for code in Exploitation.values if code in found]


def _sex(value: str, column: str) -> str:
    try:
        return formats.sex(value)
    except formats.RowRejected:
        raise formats.RowRejected(
            _("%(column)s: %(value)s is not Female, Male, Transgender/NonConforming or -99.")
            % {"column": column, "value": repr(value)}
        ) from None


def _age_band(value: str, column: str) -> str:
    try:
        return formats.age_band(value)
    except formats.RowRejected:
        raise formats.RowRejected(
            _(
                "%(column)s: %(value)s is not one of the age bands 0--8, 9--17, 18--20, "
                "21--23, 24--26, 27--29, 30--38, 39--47, 48+ (or -99)."
            )
            % {"column": column, "value": repr(value)}
        ) from None


# --- Export ---------------------------------------------------------------------------------


def export_rows(records: Iterable) -> Iterator[dict[str, object]]:
    """Records as rows of ``EXPORT_COLUMNS``, for ``commons.lib.tabular.write_csv`` or
    ``write_xlsx``. CTDC counts people, so a record standing for several people gives as
    many identical rows. Importing the rows gives back the records, for every record the
    layout can hold (see docs/data-formats.md for what it cannot)."""
    for record in records:
        row = export_row(record)
        for _person in range(record.count):
            yield dict(row)


def export_row(record) -> dict[str, object]:
    """One person of a record in the CTDC layout: 1/0 in a group of flags where one is
    set, -99 in every flag of a group where none is (we do not know "none" from
    "unknown"), -99 for any other value we do not know."""
    age = age_group(record.age_band)
    band = record.age_band
    row: dict[str, object] = {
        YEAR: record.year,
        GENDER: _GENDERS.get(record.sex, MISSING),
        AGE: band.replace("-", "--") if band[0].isdigit() else MISSING,
        MAJORITY: {"child": "Minor", "adult": "Adult"}.get(age, MISSING),
        # A child now was a child when exploited; so was anyone recruited as a child soldier.
        MAJORITY_AT_EXPLOIT: (
            "Minor" if age == "child" or Exploitation.CHILD_SOLDIERS in record.forms else MISSING
        ),
        CITIZENSHIP: record.citizenship or MISSING,
        EXPLOITATION: record.exploitation_country,
    }
    means = {column for column, code in MEANS.items() if code in record.means_of_control}
    types = {_EXPORT_FORMS[code] for code in record.forms if code in _EXPORT_FORMS}
    if {"isSexualExploit", "isForcedLabour"} <= types:
        types.add(SEX_AND_LABOUR)
    if record.sector in _EXPORT_SECTORS:
        types.add(_EXPORT_SECTORS[record.sector])
    relation = {column for column, code in RELATIONS.items() if code == record.recruiter_relation}
    relation.discard("recruiterRelationUnknown")
    for group, chosen in (
        (MEANS, means),
        (EXPLOIT_FLAGS, types),
        (LABOUR_FLAGS, types),
        (RELATIONS, relation),
    ):
        known = any(column in chosen for column in group)
        row.update({column: (int(column in chosen) if known else MISSING) for column in group})
    return row
