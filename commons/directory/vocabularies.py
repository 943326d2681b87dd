"""Every controlled vocabulary of the directory, in one place.

Codes are stable identifiers: they are stored in the database, used in URLs, the API,
imports and exports, and must never be renamed. Labels are translatable and may change.
Add a term by appending it; retire one by keeping its code and noting it here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    NGO = "ngo", _("NGO / civil-society organisation")
    SURVIVOR_LED = "survivor_led", _("Survivor-led organisation")
    FAITH_BASED = "faith_based", _("Faith-based organisation")
    NETWORK = "network", _("Network or coalition")
    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    INTERNATIONAL = "international", _("UN / international organisation")
    LEGAL_SERVICE = "legal_service", _("Legal service")
    HEALTH_SERVICE = "health_service", _("Health service")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIC = "academic", _("Academic / research")
    MEDIA = "media", _("Media")
    DONOR = "donor", _("Donor / foundation")


class FourP(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection")
    PROSECUTION = "prosecution", _("Prosecution")
    PARTNERSHIP = "partnership", _("Partnership")


class Service(models.TextChoices):
    SHELTER = "shelter", _("Shelter and safe accommodation")
    CASE_MANAGEMENT = "case_management", _("Case management")
    IDENTIFICATION = "identification", _("Victim identification and referral")
    HOTLINE = "hotline", _("Hotline or helpline")
    MEDICAL = "medical", _("Medical care")
    MENTAL_HEALTH = "mental_health", _("Mental health and psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid and representation")
    REPATRIATION = "repatriation", _("Repatriation and safe return")
    REINTEGRATION = "reintegration", _("Returnee reintegration")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    LIVELIHOODS = "livelihoods", _("Vocational training and livelihoods")
    EDUCATION = "education", _("Education and schooling")
    PRE_DEPARTURE = "pre_departure", _("Pre-departure training for migrants")
    SAFE_MIGRATION = "safe_migration", _("Safe migration information")
    AWARENESS = "awareness", _("Awareness raising")
    COMMUNITY = "community", _("Community mobilisation")
    CAPACITY_BUILDING = "capacity_building", _("Training and capacity building")
    ADVOCACY = "advocacy", _("Advocacy and policy")
    RESEARCH = "research", _("Research and data")
    INVESTIGATION = "investigation", _("Support to investigations and prosecutions")
    SUPPLY_CHAINS = "supply_chains", _("Supply-chain due diligence")
    FUNDING = "funding", _("Grants and funding")
    COORDINATION = "coordination", _("Coordination and networking")


# Services that put an organisation in direct contact with victims and survivors: an
# organisation offering any of them is a "frontline service provider".
FRONTLINE_SERVICES = frozenset(
    {
        Service.SHELTER,
        Service.CASE_MANAGEMENT,
        Service.IDENTIFICATION,
        Service.HOTLINE,
        Service.MEDICAL,
        Service.MENTAL_HEALTH,
        Service.LEGAL_AID,
        Service.REPATRIATION,
        Service.REINTEGRATION,
        Service.FAMILY_TRACING,
    }
)


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    FORCED_CRIMINALITY = (
        "forced_criminality",
        _("Forced criminality (including online scam compounds)"),
    )
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    CHILD_SEXUAL_ONLINE = "child_sexual_online", _("Online child sexual exploitation")
    CHILD_SEXUAL = "child_sexual", _("Commercial sexual exploitation of children")
    CHILD_LABOUR = "child_labour", _("Worst forms of child labour")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    CHILD_SOLDIERS = "child_soldiers", _("Recruitment of children by armed groups")
    ILLEGAL_ADOPTION = "illegal_adoption", _("Sale of children and illegal adoption")


class Population(models.TextChoices):
    CHILDREN = "children", _("Children")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    MIGRANT_WORKERS = "migrant_workers", _("Migrant workers")
    ETHNIC_MINORITIES = "ethnic_minorities", _("Ethnic minorities")
    INDIGENOUS = "indigenous", _("Indigenous peoples")
    REFUGEES = "refugees", _("Refugees and asylum seekers")
    STATELESS = "stateless", _("Stateless persons")
    LGBTQI = "lgbtqi", _("LGBTQI+ persons")
    ELDERLY = "elderly", _("Elderly persons")
    DISABILITIES = "disabilities", _("Persons with disabilities")
    RELIGIOUS_MINORITIES = "religious_minorities", _("Religious minorities")
    SURVIVORS = "survivors", _("Survivors")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture and plantations")
    FISHING = "fishing", _("Fishing and seafood processing")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    GARMENTS = "garments", _("Garments and textiles")
    ELECTRONICS = "electronics", _("Electronics")
    DOMESTIC_WORK = "domestic_work", _("Domestic and care work")
    HOSPITALITY = "hospitality", _("Hospitality and tourism")
    ENTERTAINMENT = "entertainment", _("Entertainment and commercial sex")
    MINING = "mining", _("Mining and quarrying")
    BRICK_KILNS = "brick_kilns", _("Brick kilns")
    FORESTRY = "forestry", _("Forestry and logging")
    ONLINE_SCAMS = "online_scams", _("Online scam operations")
    TRANSPORT = "transport", _("Transport and logistics")
    RETAIL = "retail", _("Retail and services")


class SizeBand(models.TextChoices):
    MICRO = "1-10", _("1–10 staff")
    SMALL = "11-50", _("11–50 staff")
    MEDIUM = "51-200", _("51–200 staff")
    LARGE = "201-1000", _("201–1,000 staff")
    VERY_LARGE = "1000+", _("More than 1,000 staff")


class HotlineChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", "WhatsApp"
    LINE = "line", "LINE"
    VIBER = "viber", "Viber"
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Messenger"
    SIGNAL = "signal", "Signal"
    WEB_CHAT = "web_chat", _("Web chat")


# The multi-valued vocabularies a profile is tagged with (stored as ``Term`` rows).
TERM_VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "four_ps": FourP,
    "services": Service,
    "exploitation": Exploitation,
    "populations": Population,
    "sectors": Sector,
}


def label(vocabulary: type[models.TextChoices], code: str) -> str:
    """The label of a code, or the code itself when it is unknown (e.g. a retired term)."""
    try:
        return vocabulary(code).label
    except ValueError:
        return code
