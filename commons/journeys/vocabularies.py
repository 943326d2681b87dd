"""The vocabularies of journey records. Forms of exploitation and labour sectors are the
directory's (``commons.directory.vocabularies``), so that a route and the organisations
working on it speak the same terms.

Codes are stable: they are stored, used in the API, imports and exports, and must never
be renamed. Labels are translatable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.directory.vocabularies import Exploitation, Sector

__all__ = [
    "AgeBand",
    "Exploitation",
    "MeansOfControl",
    "RecruiterRelation",
    "Sector",
    "Sex",
    "StageKind",
]


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or gender non-conforming")
    UNKNOWN = "unknown", pgettext_lazy("sex", "Unknown")


class AgeBand(models.TextChoices):
    """The age bands of the CTDC global dataset, and child/adult when finer is unknown."""

    AGE_0_8 = "0-8", _("0–8")
    AGE_9_17 = "9-17", _("9–17")
    AGE_18_20 = "18-20", _("18–20")
    AGE_21_23 = "21-23", _("21–23")
    AGE_24_26 = "24-26", _("24–26")
    AGE_27_29 = "27-29", _("27–29")
    AGE_30_38 = "30-38", _("30–38")
    AGE_39_47 = "39-47", _("39–47")
    AGE_48_PLUS = "48+", _("48 and over")
    CHILD = "child", _("Child (age unknown)")
    ADULT = "adult", _("Adult (age unknown)")
    UNKNOWN = "unknown", pgettext_lazy("age band", "Unknown")


CHILD_BANDS = frozenset({AgeBand.AGE_0_8, AgeBand.AGE_9_17, AgeBand.CHILD})
ADULT_BANDS = frozenset(set(AgeBand) - CHILD_BANDS - {AgeBand.UNKNOWN})


def age_group(band: str) -> str:
    """ "child", "adult" or "unknown": the age a release may publish."""
    if band in CHILD_BANDS:
        return "child"
    return "adult" if band in ADULT_BANDS else "unknown"


class StageKind(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSIT = "transit", _("Transit")
    EXPLOITATION = "exploitation", _("Exploitation")


class MeansOfControl(models.TextChoices):
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCES = "restricts_finances", _("Restricts access to money")
    THREATS = "threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    FALSE_PROMISES = "false_promises", _("False promises")
    SUBSTANCES = "substances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    USES_CHILDREN = "uses_children", _("Threats to or use of children")
    LAW_ENFORCEMENT_THREATS = "law_enforcement_threats", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    OTHER = "other", _("Other means")


class RecruiterRelation(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FRIEND = "friend", _("Friend or acquaintance")
    FAMILY = "family", _("Family member")
    OTHER = "other", _("Other (agent, employer, stranger …)")
    UNKNOWN = "unknown", pgettext_lazy("recruiter's relation to the person", "Unknown")
